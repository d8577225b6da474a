// Pure helpers of the video pages: localised names of the codes, a camera's state and live numbers,
// calendar days in the unit's time zone and the bars of a timeline (runs and gaps clipped and merged;
// zoom, ticks and clips are in timeline.ts), the site, camera and hold forms, and live updates.
// Instants are UTC milliseconds; calendar days are "yyyy-MM-dd" without a zone.
import {
  CAMERA_STATES,
  type Bilingual,
  type Camera,
  type CameraInput,
  type CameraLive,
  type CameraOutage,
  type CameraStateEvent,
  type Hold,
  type OutageState,
  type Recordings,
  type Site,
  type SiteInput,
} from './api';
import { addDays, formatYmd, todayIn, zonedToUtcMs } from './calendar';
import { utcIsoToZonedLocal, zonedLocalToUtcIso } from './cases';
import { DISPLAY_TIME_ZONE, formatDateTime, parseViDate } from './format';
import { getLang, label, pick, t, type Lang } from './i18n';

export const siteKindName = (k: string, lang?: Lang) => label('siteKind', k, lang);
export const ownerName = (o: string, lang?: Lang) => label('cameraOwner', o, lang);
export const connectionName = (c: string, lang?: Lang) => label('connection', c, lang);
export const gapCauseName = (c: string, lang?: Lang) => label('gapCause', c, lang);
const knownState = (state: string | null | undefined) => (CAMERA_STATES as readonly string[]).includes(state ?? '');

/** trực tuyến / mất tín hiệu / suy giảm / tắt / đang kết nối / máy ghi hình mất kết nối; anything else reads "chưa rõ". */
export function cameraStateName(state: string | null | undefined, lang?: Lang): string {
  return knownState(state) ? label('cameraState', state, lang) : t('cameraState.unknown', undefined, lang);
}
/** The CSS class of a state badge (a state the console does not know is shown as unknown). */
export function stateClass(state: string | null | undefined): string {
  return `cam-state st-${knownState(state) ? state : 'unknown'}`;
}

/** A bilingual message as the server writes it ({vi, en}, or message_vi / message_en), in the language. */
export function bilingual(m: Bilingual | { message_vi?: string; message_en?: string } | string | null | undefined, lang?: Lang): string {
  if (!m) return '';
  if (typeof m === 'string') return m;
  const r = m as Record<string, unknown>;
  const s = (k: string) => (typeof r[k] === 'string' ? (r[k] as string) : '');
  return pick(s('vi') || s('message_vi'), s('en') || s('message_en'), lang);
}

// ---- numbers ------------------------------------------------------------------------------------

function numberFormat(lang: Lang, digits: number): Intl.NumberFormat {
  return new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: digits });
}

/** "25" / "12,5" fps; "" when unknown. */
export function formatFps(fps: number | null | undefined, lang: Lang = getLang()): string {
  return typeof fps === 'number' && Number.isFinite(fps) ? numberFormat(lang, 1).format(fps) : '';
}

/** "4.096 kbps" (Vietnamese thousands) / "4,096 kbps"; "" when unknown. */
export function formatKbps(kbps: number | null | undefined, lang: Lang = getLang()): string {
  return typeof kbps === 'number' && Number.isFinite(kbps) ? `${numberFormat(lang, 0).format(kbps)} kbps` : '';
}

/** Bytes in decimal units, as disks are sold: "1,5 GB". */
export function formatBytes(bytes: number | null | undefined, lang: Lang = getLang()): string {
  if (typeof bytes !== 'number' || !Number.isFinite(bytes)) return '';
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1000 && i < units.length - 1) {
    v /= 1000;
    i += 1;
  }
  return `${numberFormat(lang, i === 0 ? 0 : 1).format(v)} ${units[i]}`;
}

/** "H.264 1920×1080" from what the recorder measured; "" when nothing is known. */
export function streamText(l: Pick<CameraLive, 'codec' | 'width' | 'height'> | null | undefined): string {
  if (!l) return '';
  const codec = l.codec ? ({ h264: 'H.264', h265: 'H.265', hevc: 'H.265' } as Record<string, string>)[l.codec.toLowerCase()] ?? l.codec : '';
  const size = l.width && l.height ? `${l.width}×${l.height}` : '';
  return [codec, size].filter(Boolean).join(' ');
}

/** How long ago, in words: "vừa xong", "5 phút trước", "2 giờ 10 phút trước", "3 ngày trước". */
export function timeAgo(value: string | number | null | undefined, now: number, lang?: Lang): string {
  const at = typeof value === 'number' ? value : value ? Date.parse(value) : NaN;
  if (!Number.isFinite(at)) return '';
  const minutes = Math.floor(Math.max(0, now - at) / 60_000);
  if (minutes < 1) return t('video.justNow', undefined, lang);
  if (minutes < 60) return t('video.minutesAgo', { n: minutes }, lang);
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? t('video.hoursMinutesAgo', { h: hours, m: minutes % 60 }, lang) : t('video.hoursAgo', { h: hours }, lang);
  return t('video.daysAgo', { n: Math.floor(hours / 24) }, lang);
}

// ---- lists and live updates ---------------------------------------------------------------------

export function isCameraStateEvent(x: unknown): x is CameraStateEvent {
  const e = x as CameraStateEvent | null;
  return !!e && typeof e === 'object' && typeof e.camera_id === 'number' && typeof e.state === 'string';
}

/** A camera after a "camera.state" event (its own copy when the event is about another one). */
export function withState<C extends Pick<Camera, 'id' | 'state' | 'state_since' | 'live'>>(c: C, e: CameraStateEvent): C {
  if (c.id !== e.camera_id) return c;
  // A replayed event older than the state shown must not bring back the past.
  const shown = c.state_since ? Date.parse(c.state_since) : NaN;
  const incoming = e.state_since ? Date.parse(e.state_since) : NaN;
  if (Number.isFinite(shown) && Number.isFinite(incoming) && incoming < shown) return c;
  return { ...c, state: e.state, state_since: e.state_since ?? c.state_since ?? null, live: e.live ?? null };
}

/** The list after a "camera.state" event; the list itself when the camera is not in it. */
export function applyCameraState<C extends Pick<Camera, 'id' | 'state' | 'state_since' | 'live'>>(list: C[], payload: unknown): C[] {
  if (!isCameraStateEvent(payload) || !list.some((c) => c.id === payload.camera_id)) return list;
  return list.map((c) => withState(c, payload));
}

export interface SiteGroup {
  siteId: number;
  name: string;
  unitId: number;
  cameras: Camera[];
}

/** Cameras grouped by their site, sites and cameras by name (Vietnamese order). */
export function groupBySite(cameras: Camera[], sites: Pick<Site, 'id' | 'name' | 'unit_id'>[]): SiteGroup[] {
  const byId = new Map(sites.map((s) => [s.id, s]));
  const groups = new Map<number, SiteGroup>();
  for (const c of cameras) {
    let g = groups.get(c.site_id);
    if (!g) {
      const s = byId.get(c.site_id);
      g = { siteId: c.site_id, name: s?.name ?? c.site_name ?? t('video.unknownSite', { id: c.site_id }), unitId: s?.unit_id ?? c.unit_id, cameras: [] };
      groups.set(c.site_id, g);
    }
    g.cameras.push(c);
  }
  const cmp = (a: string, b: string) => a.localeCompare(b, 'vi');
  const out = [...groups.values()].sort((a, b) => cmp(a.name, b.name) || a.siteId - b.siteId);
  for (const g of out) g.cameras.sort((a, b) => cmp(a.name, b.name) || a.id - b.id);
  return out;
}

/** The state filter: "" for all, "unknown" for what the console cannot name. */
export function stateMatches(c: Pick<Camera, 'state'>, state: string): boolean {
  if (!state) return true;
  return (knownState(c.state) ? c.state : 'unknown') === state;
}

// ---- one day in the unit's time zone ------------------------------------------------------------

export interface Day {
  date: string; // yyyy-MM-dd
  start: number; // UTC ms of 00:00 in the zone
  end: number; // UTC ms of 00:00 the next day (23, 24 or 25 hours later)
  timeZone: string;
}

export function dayOf(date: string, timeZone = DISPLAY_TIME_ZONE): Day {
  return { date, start: zonedToUtcMs(date, 0, timeZone), end: zonedToUtcMs(addDays(date, 1), 0, timeZone), timeZone };
}

/** Today in the zone. */
export function today(timeZone = DISPLAY_TIME_ZONE, now: Date = new Date()): Day {
  return dayOf(todayIn(timeZone, now), timeZone);
}

/** The day before (-1) or after (+1). */
export function moveDay(day: Day, by: number): Day {
  return dayOf(addDays(day.date, by), day.timeZone);
}

/** "dd/MM/yyyy" typed by the operator → the day, or null. */
export function parseDay(text: string, timeZone = DISPLAY_TIME_ZONE): Day | null {
  const d = parseViDate(text);
  return d ? dayOf(d, timeZone) : null;
}

export const dayText = (day: Day) => formatYmd(day.date);

/** The position of an instant across the day, from 0 to 1 (clamped). */
export function fractionOf(at: number, day: Pick<Day, 'start' | 'end'>): number {
  const f = (at - day.start) / (day.end - day.start);
  return Math.min(1, Math.max(0, f));
}

export interface Bar {
  kind: 'recorded' | 'gap';
  cause: string; // the gap's cause; "" for recorded
  start: number;
  end: number;
  open: boolean; // a gap still going on (drawn up to now)
  left: number; // 0..1
  width: number; // 0..1
}

const ms = (s: string | null | undefined) => (s ? Date.parse(s) : NaN);

/**
 * What the track draws for one day: recorded runs and gaps clipped to the day (and to `now`: the
 * future is blank), touching or overlapping pieces of the same kind (and cause) merged into one bar.
 * Recorded bars come first, then gaps, each in time order.
 */
export function timelineBars(rec: Recordings | null | undefined, day: Pick<Day, 'start' | 'end'>, now: number): Bar[] {
  const limit = Math.min(day.end, now);
  const pieces: Omit<Bar, 'left' | 'width'>[] = [];
  for (const s of rec?.segments ?? []) {
    const start = Math.max(ms(s.start), day.start);
    const end = Math.min(ms(s.end), day.end);
    if (Number.isFinite(start) && Number.isFinite(end) && end > start) pieces.push({ kind: 'recorded', cause: '', start, end, open: false });
  }
  for (const g of rec?.gaps ?? []) {
    const open = g.end === null;
    const start = Math.max(ms(g.start), day.start);
    const end = Math.min(open ? limit : ms(g.end), day.end);
    if (Number.isFinite(start) && Number.isFinite(end) && end > start) pieces.push({ kind: 'gap', cause: g.cause, start, end, open });
  }
  const order = (b: { kind: string }) => (b.kind === 'recorded' ? 0 : 1);
  pieces.sort((a, b) => order(a) - order(b) || a.start - b.start || a.end - b.end);
  const merged: Omit<Bar, 'left' | 'width'>[] = [];
  for (const p of pieces) {
    const last = merged[merged.length - 1];
    if (last && last.kind === p.kind && last.cause === p.cause && p.start <= last.end) {
      last.end = Math.max(last.end, p.end);
      last.open = last.open || p.open;
    } else {
      merged.push({ ...p });
    }
  }
  return merged.map((b) => ({ ...b, left: fractionOf(b.start, day), width: fractionOf(b.end, day) - fractionOf(b.start, day) }));
}

/** The gap causes that appear in the bars, in the order of GAP_CAUSES given. */
export function causesIn(bars: Bar[], all: readonly string[]): string[] {
  const seen = new Set(bars.filter((b) => b.kind === 'gap').map((b) => b.cause));
  return [...all.filter((c) => seen.has(c)), ...[...seen].filter((c) => !all.includes(c))];
}

/** A bar's tooltip: "Ghi hình 08:00:00 – 09:12:30" / "Mất tín hiệu camera 09:12:30 – (đang diễn ra)". */
export function barTitle(b: Pick<Bar, 'kind' | 'cause' | 'start' | 'end' | 'open'>, timeZone: string, lang?: Lang): string {
  const what = b.kind === 'recorded' ? t('timeline.recorded', undefined, lang) : gapCauseName(b.cause, lang);
  const time = (v: number) => formatDateTime(v, { seconds: true, timeZone }).slice(11);
  const to = b.open ? t('timeline.ongoing', undefined, lang) : time(b.end);
  return `${what}: ${time(b.start)} – ${to}`;
}

/** The gap that covers `at` (an open gap lasts until now), for saying why nothing plays there. */
export function gapAt(rec: Recordings | null | undefined, at: number, now: number): Recordings['gaps'][number] | null {
  return (rec?.gaps ?? []).find((g) => ms(g.start) <= at && at < (g.end === null ? now : ms(g.end))) ?? null;
}

/** "HH:mm:ss" of an instant in the zone. */
export function clockTime(at: number, timeZone: string): string {
  return formatDateTime(at, { seconds: true, timeZone }).slice(11);
}

// ---- the site form ------------------------------------------------------------------------------

export interface SiteForm {
  unit: string;
  kind: string;
  name: string;
  address: string;
  latitude: string;
  longitude: string;
}

const coord = (v: number | null | undefined) => (typeof v === 'number' ? String(v) : '');

export function siteForm(s: Site | null, unitId: number): SiteForm {
  return {
    unit: String(s?.unit_id ?? unitId),
    kind: s?.kind ?? 'border_gate',
    name: s?.name ?? '',
    address: s?.address ?? '',
    latitude: coord(s?.latitude),
    longitude: coord(s?.longitude),
  };
}

/** A coordinate as typed ("21,0285" is read as 21.0285); null for blank, NaN when not a number. */
export function parseCoordinate(text: string): number | null {
  const s = text.trim().replace(',', '.');
  if (!s) return null;
  return /^[-+]?\d+(\.\d+)?$/.test(s) ? Number(s) : NaN;
}

/** The body of POST /sites, and what is wrong before sending (keyed like the server's field errors). */
export function sitePayload(f: SiteForm): { body: SiteInput; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  if (!f.name.trim()) errors.name = t('common.required');
  const latitude = parseCoordinate(f.latitude);
  const longitude = parseCoordinate(f.longitude);
  if (Number.isNaN(latitude) || (latitude !== null && Math.abs(latitude) > 90)) errors.latitude = t('site.badLatitude');
  if (Number.isNaN(longitude) || (longitude !== null && Math.abs(longitude) > 180)) errors.longitude = t('site.badLongitude');
  if ((latitude === null) !== (longitude === null) && !errors.latitude && !errors.longitude)
    errors[latitude === null ? 'latitude' : 'longitude'] = t('site.bothCoordinates');
  return {
    body: { unit_id: Number(f.unit), kind: f.kind, name: f.name.trim(), address: f.address.trim(), latitude, longitude },
    errors,
  };
}

/** Only what changed, for PATCH /sites/{id}. */
export function sitePatch(body: SiteInput, s: Site): SiteInput {
  const out: SiteInput = {};
  if (body.unit_id !== s.unit_id) out.unit_id = body.unit_id;
  if (body.kind !== s.kind) out.kind = body.kind;
  if (body.name !== s.name) out.name = body.name;
  if (body.address !== s.address) out.address = body.address;
  if (body.latitude !== s.latitude) out.latitude = body.latitude;
  if (body.longitude !== s.longitude) out.longitude = body.longitude;
  return out;
}

// ---- the camera form ----------------------------------------------------------------------------

/** What happens to the stored credentials: keep them, set new ones, or remove them. */
export type CredentialsChange = 'keep' | 'set' | 'remove';

export interface CameraForm {
  site: string;
  name: string;
  owner: string;
  owner_name: string;
  connection: string;
  main_url: string;
  sub_url: string;
  enabled: boolean;
  retention_days: string;
  retention_gb: string; // decimal GB, "0" for no limit of its own
  credentials: CredentialsChange;
  username: string;
  password: string;
  node: string; // the recorder node's id, "" for this server
}

const GB = 1e9;

export function cameraForm(c: Camera | null, siteId: number | null): CameraForm {
  return {
    site: c ? String(c.site_id) : siteId ? String(siteId) : '',
    name: c?.name ?? '',
    owner: c?.owner ?? 'customs',
    owner_name: c?.owner_name ?? '',
    connection: c?.connection ?? 'customs_network',
    main_url: c?.main_url ?? '',
    sub_url: c?.sub_url ?? '',
    enabled: c?.enabled ?? true,
    retention_days: String(c?.retention_days ?? 30),
    retention_gb: c ? String(Math.round((c.retention_bytes / GB) * 1000) / 1000) : '0',
    // A new camera: credentials are typed at once (left empty, none are stored).
    credentials: c ? 'keep' : 'set',
    username: '',
    password: '',
    node: c?.node_id ? String(c.node_id) : '',
  };
}

const RTSP = /^rtsps?:\/\/[^\s]+$/i;

/**
 * Where an RTSP address connects, "host:port" as the server compares them: the host lower-cased (IPv6
 * in brackets), the port written out (554 for rtsp://, 322 for rtsps://). Null when it has no host.
 */
export function rtspEndpoint(url: string): string | null {
  const m = /^(rtsps?):\/\/([^/?]*)/i.exec(url.trim());
  if (!m) return null;
  const authority = m[2].slice(m[2].lastIndexOf('@') + 1).toLowerCase();
  const hp = /^(\[[^\]]+\]|[^:[\]]+)(?::(\d*))?$/.exec(authority);
  if (!hp) return null;
  const port = hp[2] ? Number(hp[2]) : m[1].toLowerCase() === 'rtsps' ? 322 : 554;
  return port >= 1 && port <= 65535 ? `${hp[1]}:${port}` : null;
}

/**
 * Stored credentials are bound to the host and port they were entered for: an address moved elsewhere
 * needs them entered again (or removed), else the server refuses the change.
 */
export function mustReenterCredentials(c: Pick<Camera, 'main_url' | 'credentials_set'> | null, mainUrl: string): boolean {
  if (!c?.credentials_set) return false;
  const before = rtspEndpoint(c.main_url);
  return before !== null && before !== rtspEndpoint(mainUrl);
}

/** What the form does with the credentials: "keep" becomes "set" when the address moved to another host or port. */
export function credentialsMode(f: Pick<CameraForm, 'credentials' | 'main_url'>, c: Pick<Camera, 'main_url' | 'credentials_set'> | null): CredentialsChange {
  return f.credentials === 'keep' && mustReenterCredentials(c, f.main_url) ? 'set' : f.credentials;
}

/**
 * The body of POST /cameras from the form (PATCH sends cameraPatch of it), and what is wrong before
 * sending. The server checks the address again, in particular that it holds no credentials.
 * `camera`: the one being changed, whose stored credentials must be entered again when the address
 * moves to another host or port.
 */
export function cameraPayload(
  f: CameraForm,
  creating: boolean,
  camera: Pick<Camera, 'main_url' | 'credentials_set'> | null = null,
): { body: CameraInput; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  if (!f.site) errors.site_id = t('common.required');
  if (!f.name.trim()) errors.name = t('common.required');
  const main = f.main_url.trim();
  const sub = f.sub_url.trim();
  if (!main) errors.main_url = t('common.required');
  else if (!RTSP.test(main)) errors.main_url = t('camera.badUrl');
  if (sub && !RTSP.test(sub)) errors.sub_url = t('camera.badUrl');
  if (f.owner !== 'customs' && !f.owner_name.trim()) errors.owner_name = t('camera.ownerNameRequired');
  const days = Number(f.retention_days);
  if (!/^\d+$/.test(f.retention_days.trim()) || days < 1 || days > 3650) errors.retention_days = t('camera.badRetentionDays');
  const gbText = f.retention_gb.trim().replace(',', '.');
  const gb = gbText === '' ? 0 : Number(gbText);
  if (!/^\d*(\.\d+)?$/.test(gbText) || !Number.isFinite(gb) || gb < 0) errors.retention_bytes = t('camera.badRetentionBytes');
  const body: CameraInput = {
    site_id: Number(f.site),
    name: f.name.trim(),
    owner: f.owner,
    owner_name: f.owner_name.trim(),
    connection: f.connection,
    main_url: main,
    sub_url: sub || null,
    enabled: f.enabled,
    retention_days: days,
    retention_bytes: Math.round(gb * GB),
    node_id: f.node ? Number(f.node) : null,
  };
  // A new camera on this server says nothing of nodes: a server without them knows no node_id.
  if (creating && body.node_id === null) delete body.node_id;
  const mode = credentialsMode(f, camera);
  if (mode === 'remove') body.username = null;
  if (mode === 'set') {
    const user = f.username.trim();
    // A new camera may have none; a change must give both.
    if (user || f.password || !creating) {
      // The form says why above the fields when the address moved (camera.credentialsRebind).
      if (!user) errors.username = t('common.required');
      if (!f.password) errors.password = t('common.required');
      body.username = user;
      body.password = f.password;
    }
  }
  return { body, errors };
}

/** Only what changed, for PATCH /cameras/{id}; credentials go whenever they are set or removed. */
export function cameraPatch(body: CameraInput, c: Camera): CameraInput {
  const out: CameraInput = {};
  const keys = ['site_id', 'name', 'owner', 'owner_name', 'connection', 'main_url', 'sub_url', 'enabled', 'retention_days', 'retention_bytes'] as const;
  for (const k of keys) if (body[k] !== undefined && body[k] !== c[k]) (out as Record<string, unknown>)[k] = body[k];
  // A camera from a server without nodes has no node_id: this server, as the form's "" says.
  if (body.node_id !== undefined && body.node_id !== (c.node_id ?? null)) out.node_id = body.node_id;
  if (body.username !== undefined) out.username = body.username;
  if (body.password !== undefined) out.password = body.password;
  return out;
}

// ---- evidence holds (giữ dữ liệu làm chứng cứ) -----------------------------------------------------

export interface HoldForm {
  from: string; // datetime-local in the unit's zone
  to: string;
  reason: string;
  caseRef: string; // a case number ("HP-2026-0012") or id, or ""
}

/** The form for a new hold over `span` (the selection on the timeline). */
export function holdForm(span: { from: number; to: number }, timeZone: string): HoldForm {
  // datetime-local holds minutes: round outward so that the hold covers the whole selection.
  const from = Math.floor(span.from / 60_000) * 60_000;
  const to = Math.ceil(span.to / 60_000) * 60_000;
  return { from: utcIsoToZonedLocal(from, timeZone), to: utcIsoToZonedLocal(to, timeZone), reason: '', caseRef: '' };
}

export function holdPayload(
  f: HoldForm,
  timeZone: string,
): { from: string; to: string; reason: string; caseRef: string; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const from = zonedLocalToUtcIso(f.from, timeZone);
  const to = zonedLocalToUtcIso(f.to, timeZone);
  if (!from) errors.from = t('cases.badDateTime');
  if (!to) errors.to = t('cases.badDateTime');
  if (from && to && Date.parse(to) <= Date.parse(from)) errors.to = t('hold.order');
  if (!f.reason.trim()) errors.reason = t('hold.reasonRequired');
  return { from: from ?? '', to: to ?? '', reason: f.reason.trim(), caseRef: f.caseRef.trim(), errors };
}

export const isHoldActive = (h: Pick<Hold, 'released_at'>) => !h.released_at;

/** Holds in force first, then by start, newest first. */
export function sortHolds(list: Hold[]): Hold[] {
  return [...list].sort(
    (a, b) => Number(isHoldActive(b)) - Number(isHoldActive(a)) || Date.parse(b.from) - Date.parse(a.from) || b.id - a.id,
  );
}

// ---- enterprise camera outages (sự cố camera doanh nghiệp) -----------------------------------------

/** Still down within its repair deadline or past it; repaired in time or late. */
export type OutageStatus = 'open' | 'overdue' | 'closed' | 'closed_late';

/** The badge of an outage. An open one falls overdue as `now` passes its deadline, between two loads. */
export function outageStatus(o: Pick<CameraOutage, 'ended_at' | 'repair_due_at' | 'overdue'>, now: number): OutageStatus {
  if (o.ended_at) return o.overdue ? 'closed_late' : 'closed';
  return o.overdue || now > Date.parse(o.repair_due_at) ? 'overdue' : 'open';
}

export const outageStatusName = (s: OutageStatus, lang?: Lang) => label('outageStatus', s, lang);

/** The list's filter: "open" or "closed", and "" (the filter's "all") asks for every outage. */
export function outageFilterState(v: string): OutageState {
  return v === 'open' || v === 'closed' ? v : 'all';
}
