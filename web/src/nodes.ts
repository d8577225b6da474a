// Recorder nodes (máy ghi hình, issue 16): the names of their states, how full each is, its disk in GB and its
// last heart-beat, the form that registers or changes one, and the choices of the camera form. Pure helpers:
// the page is pages/RecorderNodes.tsx.
import type { Camera, RecorderNode, RecorderNodeInput } from './api';
import { getLang, label, t, type Lang } from './i18n';
import { timeAgo } from './video';

/**
 * new (registered, never connected), up, down (silent past the server's limit), revoked (its key refused).
 * Kept here until docs/openapi.yaml names the enumeration; enums.generated.ts then has it.
 */
export { RECORDER_NODE_STATES as NODE_STATES, type RecorderNodeState as NodeState } from './enums.generated';
import { RECORDER_NODE_STATES as NODE_STATES, type RecorderNodeState as NodeState } from './enums.generated';

const known = (s: string | null | undefined): s is NodeState => (NODE_STATES as readonly string[]).includes(s ?? '');

/** "Hoạt động", "Mất kết nối"…; a state the console does not know is shown as the server wrote it. */
export const nodeStateName = (state: string, lang?: Lang) => label('nodeState', state, lang);

export const nodeStateClass = (state: string) => `badge node-state ns-${known(state) ? state : 'unknown'}`;

/** Down and revoked rows stand out in the list. */
export function nodeRowClass(n: Pick<RecorderNode, 'state'>): string {
  return n.state === 'down' ? 'node-down' : n.state === 'revoked' ? 'node-revoked' : '';
}

/** Revoked nodes last; otherwise by name, as the server lists them. */
export function sortNodes<N extends Pick<RecorderNode, 'id' | 'name' | 'state'>>(list: N[]): N[] {
  const rank = (n: N) => (n.state === 'revoked' ? 1 : 0);
  return [...list].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name, 'vi') || a.id - b.id);
}

// ---- how full, the disk, the heart-beat -------------------------------------------------------------

export interface CapacityUse {
  used: number;
  capacity: number;
  /** 0..1, what the bar fills. */
  fraction: number;
  /** Full: no camera may be added; high: 80 % or more. */
  level: 'ok' | 'high' | 'full';
}

export function capacityUse(n: Pick<RecorderNode, 'cameras' | 'capacity'>): CapacityUse {
  const fraction = n.capacity > 0 ? Math.min(1, Math.max(0, n.cameras / n.capacity)) : 1;
  const level = n.cameras >= n.capacity ? 'full' : fraction >= 0.8 ? 'high' : 'ok';
  return { used: n.cameras, capacity: n.capacity, fraction, level };
}

/** Whether a camera may be assigned to it (the server checks again, and answers 409 node-full). */
export const hasRoom = (n: Pick<RecorderNode, 'cameras' | 'capacity' | 'state'>) => n.state !== 'revoked' && n.cameras < n.capacity;

/** Decimal GB, as disks are sold: "1.234,5 GB" in Vietnamese, "1,234.5 GB" in English. */
export function formatGb(bytes: number, lang: Lang = getLang()): string {
  const f = new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 1 });
  return `${f.format(bytes / 1e9)} GB`;
}

/** "120,5 GB trống / 500 GB"; "" before the node has said anything about its disks. */
export function diskText(n: Pick<RecorderNode, 'disk_free_bytes' | 'disk_total_bytes'>, lang: Lang = getLang()): string {
  if (!(n.disk_total_bytes > 0)) return '';
  return t('node.diskText', { free: formatGb(n.disk_free_bytes, lang), total: formatGb(n.disk_total_bytes, lang) }, lang);
}

/** A node heart-beats every 5 s: within the minute, the seconds ("12 giây trước"); past it, as other times are. */
export function heartbeatAgo(at: string | null | undefined, now: number, lang?: Lang): string {
  const ms = at ? Date.parse(at) : NaN;
  if (!Number.isFinite(ms)) return '';
  const s = Math.floor(Math.max(0, now - ms) / 1000);
  return s < 60 ? t('node.secondsAgo', { n: s }, lang) : timeAgo(ms, now, lang);
}

/** The standby's name: from the answer, else from the list, else its number. */
export function standbyName(n: Pick<RecorderNode, 'standby_node_id' | 'standby_node_name'>, all: Pick<RecorderNode, 'id' | 'name'>[]): string {
  if (n.standby_node_id === null || n.standby_node_id === undefined) return '';
  return n.standby_node_name || all.find((x) => x.id === n.standby_node_id)?.name || `#${n.standby_node_id}`;
}

// ---- the form ---------------------------------------------------------------------------------------

export interface NodeForm {
  name: string;
  address: string;
  capacity: string;
  standby: string; // a node's id, "" for none
}

export function nodeForm(n: RecorderNode | null): NodeForm {
  return {
    name: n?.name ?? '',
    address: n?.address ?? '',
    capacity: n ? String(n.capacity) : '',
    standby: n?.standby_node_id ? String(n.standby_node_id) : '',
  };
}

// The server's rules (video/nodes.cpp), checked here first so that the form says so before sending.
const NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const ADDRESS = /^(\[[^\]\s/?#@]+\]|[^\s:/?#@[\]]+):(\d{1,5})$/;

/** The body of POST /recorder-nodes from the form (PATCH sends nodePatch of it), and what is wrong before sending. */
export function nodePayload(f: NodeForm, creating: boolean): { body: RecorderNodeInput; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const name = f.name.trim();
  const address = f.address.trim();
  const capacityText = f.capacity.trim();
  if (creating) {
    if (!name) errors.name = t('common.required');
    else if (!NAME.test(name)) errors.name = t('node.badName');
  }
  const m = ADDRESS.exec(address);
  if (!address) errors.address = t('common.required');
  else if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) errors.address = t('node.badAddress');
  const capacity = Number(capacityText);
  if (!capacityText) errors.capacity = t('common.required');
  else if (!/^\d+$/.test(capacityText) || capacity < 1 || capacity > 10_000) errors.capacity = t('node.badCapacity');
  const standby = f.standby ? Number(f.standby) : null;
  // A new node without a standby says nothing of one; a change sends null to clear it.
  const body: RecorderNodeInput = creating
    ? { name, address, capacity, ...(standby !== null ? { standby_node_id: standby } : {}) }
    : { address, capacity, standby_node_id: standby };
  return { body, errors };
}

/** Only what changed, for PATCH /recorder-nodes/{id}; the name never changes. */
export function nodePatch(body: RecorderNodeInput, n: RecorderNode): RecorderNodeInput {
  const out: RecorderNodeInput = {};
  if (body.address !== undefined && body.address !== n.address) out.address = body.address;
  if (body.capacity !== undefined && body.capacity !== n.capacity) out.capacity = body.capacity;
  if (body.standby_node_id !== undefined && body.standby_node_id !== (n.standby_node_id ?? null)) out.standby_node_id = body.standby_node_id;
  return out;
}

/** Who may stand in for node `self` (null: a node being registered): another node, not revoked. */
export function standbyChoices<N extends Pick<RecorderNode, 'id' | 'name' | 'state'>>(all: N[], self: number | null): N[] {
  return sortNodes(all.filter((n) => n.id !== self && n.state !== 'revoked'));
}

// ---- a camera's node ----------------------------------------------------------------------------------

export interface NodeChoice {
  value: string; // the node's id, "" for this server
  label: string;
  disabled: boolean;
}

/**
 * The camera form's "Máy ghi hình": this server, then each node with how full it is and its state. A node
 * that is full or revoked cannot be chosen, unless the camera is on it already (it counts among its cameras).
 */
export function nodeChoices(nodes: RecorderNode[], current: number | null, currentName?: string | null, lang?: Lang): NodeChoice[] {
  const out: NodeChoice[] = [{ value: '', label: t('node.thisServer', undefined, lang), disabled: false }];
  for (const n of sortNodes(nodes)) {
    const mine = n.id === current;
    if (n.state === 'revoked' && !mine) continue;
    const state = nodeStateName(n.state, lang);
    const room = mine || hasRoom(n);
    out.push({
      value: String(n.id),
      label: t(room ? 'camera.nodeOption' : 'camera.nodeOptionFull', { name: n.name, n: n.cameras, max: n.capacity, state }, lang),
      disabled: !mine && !room,
    });
  }
  if (current !== null && !nodes.some((n) => n.id === current))
    out.push({ value: String(current), label: currentName || `#${current}`, disabled: false });
  return out;
}

/** Where a camera is recorded: its node ("Máy chủ trung tâm" when none), and the standby recording it meanwhile. */
export function cameraNode(c: Pick<Camera, 'node_id' | 'node_name' | 'recording_node_id' | 'recording_node_name'>, lang?: Lang): {
  node: string;
  standby: string | null;
} {
  const node = c.node_id === null || c.node_id === undefined ? t('node.thisServer', undefined, lang) : c.node_name || `#${c.node_id}`;
  const r = c.recording_node_id;
  const standby = r !== null && r !== undefined && r !== c.node_id ? c.recording_node_name || `#${r}` : null;
  return { node, standby };
}

/** Whether a list of cameras involves nodes at all: on one server alone the column would say the same everywhere. */
export const anyOnNodes = (cams: Pick<Camera, 'node_id' | 'recording_node_id'>[]) =>
  cams.some((c) => (c.node_id ?? null) !== null || (c.recording_node_id ?? null) !== null);
