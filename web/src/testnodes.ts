// A recorder node as GET /api/v1/recorder-nodes answers it, for the tests of the nodes page and helpers.
import type { RecorderNode } from './api';

export const node = (over: Partial<RecorderNode> = {}): RecorderNode => ({
  id: 1,
  name: 'hp-node-1',
  address: '10.0.3.11:8443',
  capacity: 64,
  standby_node_id: null,
  standby_node_name: null,
  state: 'up',
  created_at: '2026-12-01T00:00:00Z',
  started_at: '2026-12-01T00:05:00Z',
  last_seen_at: '2026-12-06T03:00:00Z',
  down_since: null,
  revoked_at: null,
  disk_total_bytes: 4_000_000_000_000,
  disk_free_bytes: 1_234_500_000_000,
  sample_dirs: ['/var/lib/watchfloor/video/node-hp-node-1'],
  version: '0.16.0',
  cameras: 12,
  recording: 12,
  ...over,
});
