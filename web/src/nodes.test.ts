import { afterEach, describe, expect, it } from 'vitest';
import { dictionaries, setLang, type Key } from './i18n';
import {
  NODE_STATES,
  anyOnNodes,
  cameraNode,
  capacityUse,
  diskText,
  heartbeatAgo,
  nodeChoices,
  nodeForm,
  nodePatch,
  nodePayload,
  nodeRowClass,
  nodeStateClass,
  nodeStateName,
  sortNodes,
  standbyChoices,
  standbyName,
} from './nodes';
import { node } from './testnodes';

afterEach(() => setLang('vi'));



describe('node states', () => {
  it('names every state in both languages and styles it', () => {
    for (const s of NODE_STATES)
      for (const lang of ['vi', 'en'] as const) expect(dictionaries[lang][`nodeState.${s}` as Key], `${lang}:${s}`).toBeTruthy();
    expect(NODE_STATES.map((s) => nodeStateName(s, 'vi'))).toEqual(['Chưa kết nối', 'Hoạt động', 'Mất kết nối', 'Đã thu hồi']);
    expect(nodeStateName('down', 'en')).toBe('Down');
    expect(nodeStateName('draining', 'vi')).toBe('draining');
    expect(nodeStateClass('down')).toBe('badge node-state ns-down');
    expect(nodeStateClass('draining')).toBe('badge node-state ns-unknown');
  });

  it('makes down and revoked rows stand out, and puts revoked nodes last', () => {
    expect([node(), node({ state: 'down' }), node({ state: 'revoked' }), node({ state: 'new' })].map(nodeRowClass)).toEqual([
      '',
      'node-down',
      'node-revoked',
      '',
    ]);
    const list = [node({ id: 1, name: 'b', state: 'revoked' }), node({ id: 2, name: 'c' }), node({ id: 3, name: 'a', state: 'down' })];
    expect(sortNodes(list).map((n) => n.id)).toEqual([3, 2, 1]);
  });
});

describe('what the row shows', () => {
  it('fills the capacity bar and says when the node is full', () => {
    expect(capacityUse(node({ cameras: 12, capacity: 64 }))).toEqual({ used: 12, capacity: 64, fraction: 12 / 64, level: 'ok' });
    expect(capacityUse(node({ cameras: 52, capacity: 64 })).level).toBe('high');
    expect(capacityUse(node({ cameras: 64, capacity: 64 }))).toMatchObject({ fraction: 1, level: 'full' });
    // Over capacity (lowered after cameras were assigned): the bar stays full.
    expect(capacityUse(node({ cameras: 70, capacity: 64 }))).toMatchObject({ fraction: 1, level: 'full' });
  });

  it('gives the disk in GB in the language, nothing before the first heart-beat', () => {
    expect(diskText(node(), 'vi')).toBe('1.234,5 GB / 4.000 GB');
    expect(diskText(node(), 'en')).toBe('1,234.5 GB / 4,000 GB');
    expect(diskText(node({ disk_total_bytes: 0, disk_free_bytes: 0 }), 'vi')).toBe('');
  });

  it('counts the heart-beat in seconds within the minute, then as other times', () => {
    const now = Date.parse('2026-12-06T03:00:12Z');
    expect(heartbeatAgo('2026-12-06T03:00:00Z', now, 'vi')).toBe('12 giây trước');
    expect(heartbeatAgo('2026-12-06T03:00:00Z', now, 'en')).toBe('12 s ago');
    expect(heartbeatAgo('2026-12-06T02:55:00Z', now, 'vi')).toBe('5 phút trước');
    expect(heartbeatAgo(null, now, 'vi')).toBe('');
  });

  it('names the standby from the answer, else from the list', () => {
    const all = [node({ id: 2, name: 'hp-node-2' })];
    expect(standbyName(node({ standby_node_id: 2, standby_node_name: 'hp-node-2' }), [])).toBe('hp-node-2');
    expect(standbyName(node({ standby_node_id: 2, standby_node_name: undefined }), all)).toBe('hp-node-2');
    expect(standbyName(node({ standby_node_id: 9 }), all)).toBe('#9');
    expect(standbyName(node(), all)).toBe('');
  });
});

describe('the node form', () => {
  const filled = { name: 'hp-node-3', address: '10.0.3.13:8443', capacity: '32', standby: '' };

  it('registers a node, and checks the server’s rules first', () => {
    expect(nodePayload(filled, true)).toEqual({ body: { name: 'hp-node-3', address: '10.0.3.13:8443', capacity: 32 }, errors: {} });
    expect(nodePayload({ ...filled, standby: '2' }, true).body).toEqual({ name: 'hp-node-3', address: '10.0.3.13:8443', capacity: 32, standby_node_id: 2 });
    expect(nodePayload({ ...filled, address: '[fd00::11]:8443' }, true).errors).toEqual({});
    expect(nodePayload({ name: '', address: '', capacity: '', standby: '' }, true).errors).toEqual({
      name: 'Bắt buộc',
      address: 'Bắt buộc',
      capacity: 'Bắt buộc',
    });
    expect(nodePayload({ ...filled, name: 'HP Node 3' }, true).errors).toHaveProperty('name');
    expect(nodePayload({ ...filled, address: '10.0.3.13' }, true).errors).toEqual({ address: 'Địa chỉ dạng máy:cổng, ví dụ 10.0.3.11:8443.' });
    expect(nodePayload({ ...filled, address: '10.0.3.13:70000' }, true).errors).toHaveProperty('address');
    expect(nodePayload({ ...filled, address: 'http://10.0.3.13:8443' }, true).errors).toHaveProperty('address');
    expect(nodePayload({ ...filled, capacity: '0' }, true).errors).toEqual({ capacity: 'Một số nguyên từ 1 đến 10000.' });
    expect(nodePayload({ ...filled, capacity: '2,5' }, true).errors).toHaveProperty('capacity');
  });

  it('changes only what changed, never the name, and clears the standby with null', () => {
    const n = node({ standby_node_id: 2 });
    const f = nodeForm(n);
    expect(f).toEqual({ name: 'hp-node-1', address: '10.0.3.11:8443', capacity: '64', standby: '2' });
    expect(nodePatch(nodePayload(f, false).body, n)).toEqual({});
    expect(nodePatch(nodePayload({ ...f, name: 'renamed', capacity: '80' }, false).body, n)).toEqual({ capacity: 80 });
    expect(nodePatch(nodePayload({ ...f, standby: '' }, false).body, n)).toEqual({ standby_node_id: null });
    expect(nodePatch(nodePayload({ ...f, address: ' 10.0.3.21:8443 ', standby: '3' }, false).body, n)).toEqual({
      address: '10.0.3.21:8443',
      standby_node_id: 3,
    });
  });

  it('offers as standby every other node not revoked', () => {
    const all = [node({ id: 1, name: 'a' }), node({ id: 2, name: 'b', state: 'down' }), node({ id: 3, name: 'c', state: 'revoked' })];
    expect(standbyChoices(all, 1).map((n) => n.id)).toEqual([2]);
    expect(standbyChoices(all, null).map((n) => n.id)).toEqual([1, 2]);
  });
});

describe('a camera’s node', () => {
  const nodes = [
    node({ id: 1, name: 'hp-node-1', cameras: 12, capacity: 64 }),
    node({ id: 2, name: 'hp-node-2', cameras: 32, capacity: 32, state: 'up' }),
    node({ id: 3, name: 'hp-node-3', cameras: 0, capacity: 16, state: 'down' }),
    node({ id: 4, name: 'hp-node-4', state: 'revoked' }),
  ];

  it('offers this server and each node with its room and state; full and revoked ones cannot be chosen', () => {
    expect(nodeChoices(nodes, null, null, 'vi')).toEqual([
      { value: '', label: 'Máy chủ trung tâm', disabled: false },
      { value: '1', label: 'hp-node-1 — 12/64 camera, Hoạt động', disabled: false },
      { value: '2', label: 'hp-node-2 — đã đủ 32 camera, Hoạt động', disabled: true },
      { value: '3', label: 'hp-node-3 — 0/16 camera, Mất kết nối', disabled: false },
    ]);
    expect(nodeChoices(nodes, null, null, 'en')[0].label).toBe('This server');
  });

  it('keeps the camera’s own node choosable, full or revoked', () => {
    expect(nodeChoices(nodes, 2).find((o) => o.value === '2')).toMatchObject({ disabled: false, label: 'hp-node-2 — 32/32 camera, Hoạt động' });
    expect(nodeChoices(nodes, 4).find((o) => o.value === '4')).toMatchObject({ disabled: false });
    // A node the list does not have (the answer came from elsewhere) is named by the camera.
    expect(nodeChoices(nodes, 9, 'hn-node-1').at(-1)).toEqual({ value: '9', label: 'hn-node-1', disabled: false });
  });

  it('says where a camera is recorded, and by whom while its node is down', () => {
    expect(cameraNode({ node_id: null }, 'vi')).toEqual({ node: 'Máy chủ trung tâm', standby: null });
    expect(cameraNode({}, 'en')).toEqual({ node: 'This server', standby: null });
    expect(cameraNode({ node_id: 1, node_name: 'hp-node-1', recording_node_id: 1, recording_node_name: 'hp-node-1' })).toEqual({
      node: 'hp-node-1',
      standby: null,
    });
    expect(cameraNode({ node_id: 1, node_name: 'hp-node-1', recording_node_id: 2, recording_node_name: 'hp-node-2' })).toEqual({
      node: 'hp-node-1',
      standby: 'hp-node-2',
    });
    expect(cameraNode({ node_id: 1, node_name: 'hp-node-1', recording_node_id: null })).toEqual({ node: 'hp-node-1', standby: null });
    expect(anyOnNodes([{ node_id: null, recording_node_id: null }, {}])).toBe(false);
    expect(anyOnNodes([{ node_id: null }, { node_id: 1 }])).toBe(true);
  });
});
