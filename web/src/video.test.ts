import { afterEach, describe, expect, it } from 'vitest';
import { CAMERA_STATES, GAP_CAUSES, SITE_KINDS, type Camera, type Hold, type Recordings, type Site } from './api';
import { dictionaries, setLang } from './i18n';
import {
  applyCameraState,
  barTitle,
  bilingual,
  cameraForm,
  cameraPatch,
  cameraPayload,
  credentialsMode,
  mustReenterCredentials,
  rtspEndpoint,
  cameraStateName,
  causesIn,
  dayOf,
  formatBytes,
  formatFps,
  formatKbps,
  fractionOf,
  gapAt,
  gapCauseName,
  groupBySite,
  holdForm,
  holdPayload,
  moveDay,
  outageFilterState,
  outageStatus,
  outageStatusName,
  parseCoordinate,
  parseDay,
  siteForm,
  siteKindName,
  sitePatch,
  sitePayload,
  sortHolds,
  stateClass,
  stateMatches,
  streamText,
  timeAgo,
  timelineBars,
  today,
  withState,
} from './video';

const VN = 'Asia/Ho_Chi_Minh';
const H = 3600_000;
const at = (s: string) => Date.parse(s);

afterEach(() => setLang('vi'));

describe('names', () => {
  it('names every code in both languages, with the agreed Vietnamese terms', () => {
    const keys = [
      ...SITE_KINDS.map((k) => `siteKind.${k}`),
      ...CAMERA_STATES.map((k) => `cameraState.${k}`),
      ...GAP_CAUSES.map((k) => `gapCause.${k}`),
      ...['customs', 'enterprise', 'other_agency'].map((k) => `cameraOwner.${k}`),
      ...['customs_network', 'internet', 'leased_line'].map((k) => `connection.${k}`),
    ];
    for (const k of keys) {
      expect(k in dictionaries.vi, `vi:${k}`).toBe(true);
      expect(k in dictionaries.en, `en:${k}`).toBe(true);
    }
    expect(siteKindName('border_gate', 'vi')).toBe('Cửa khẩu biên giới');
    expect(siteKindName('bonded_warehouse', 'vi')).toBe('Kho ngoại quan');
    expect(siteKindName('scanner_area', 'en')).toBe('Scanner area');
    expect(CAMERA_STATES.map((s) => cameraStateName(s, 'vi'))).toEqual(['Trực tuyến', 'Suy giảm', 'Mất tín hiệu', 'Đang kết nối', 'Tắt', 'Chưa rõ', 'Máy ghi hình mất kết nối']);
    expect(gapCauseName('camera_down', 'vi')).toBe('Mất tín hiệu camera');
    expect(gapCauseName('retention', 'en')).toBe('Deleted by retention');
    expect(gapCauseName('something_new', 'vi')).toBe('something_new');
  });

  it('reads a state the console does not know as unknown', () => {
    expect(cameraStateName('unknown', 'vi')).toBe('Chưa rõ');
    expect(cameraStateName('rebooting', 'en')).toBe('Unknown');
    expect(stateClass('online')).toBe('cam-state st-online');
    expect(stateClass('rebooting')).toBe('cam-state st-unknown');
  });

  it('names a camera whose recorder node is down, and filters on it', () => {
    expect(cameraStateName('recorder_down', 'vi')).toBe('Máy ghi hình mất kết nối');
    expect(cameraStateName('recorder_down', 'en')).toBe('Recorder node down');
    // Styled like offline (styles.css gives st-recorder_down the colours of st-offline).
    expect(stateClass('recorder_down')).toBe('cam-state st-recorder_down');
    expect(CAMERA_STATES).toContain('recorder_down');
    expect(stateMatches({ state: 'recorder_down' }, 'recorder_down')).toBe(true);
    expect(stateMatches({ state: 'recorder_down' }, 'unknown')).toBe(false);
  });

  it('picks a bilingual message in either form the server writes', () => {
    expect(bilingual({ vi: 'Sai mật khẩu', en: 'Wrong password' }, 'en')).toBe('Wrong password');
    expect(bilingual({ message_vi: 'Hết thời gian chờ', message_en: 'Timed out' }, 'vi')).toBe('Hết thời gian chờ');
    expect(bilingual({ vi: 'Chỉ tiếng Việt', en: '' }, 'en')).toBe('Chỉ tiếng Việt');
    expect(bilingual(null)).toBe('');
  });
});

describe('numbers and times', () => {
  it('writes numbers the Vietnamese way, or the English way', () => {
    expect(formatKbps(4096, 'vi')).toBe('4.096 kbps');
    expect(formatKbps(4096, 'en')).toBe('4,096 kbps');
    expect(formatFps(12.5, 'vi')).toBe('12,5');
    expect(formatFps(25, 'en')).toBe('25');
    expect(formatFps(null)).toBe('');
    expect(formatBytes(0, 'vi')).toBe('0 B');
    expect(formatBytes(1_500_000_000, 'vi')).toBe('1,5 GB');
    expect(formatBytes(2_000_000_000_000, 'en')).toBe('2 TB');
    expect(streamText({ codec: 'h264', width: 1920, height: 1080 })).toBe('H.264 1920×1080');
    expect(streamText({ codec: null, width: null, height: null })).toBe('');
  });

  it('says how long ago', () => {
    const now = at('2026-11-28T05:00:00Z');
    expect(timeAgo('2026-11-28T04:59:30Z', now, 'vi')).toBe('vừa xong');
    expect(timeAgo('2026-11-28T04:55:00Z', now, 'vi')).toBe('5 phút trước');
    expect(timeAgo('2026-11-28T02:50:00Z', now, 'vi')).toBe('2 giờ 10 phút trước');
    expect(timeAgo('2026-11-28T03:00:00Z', now, 'en')).toBe('2 h ago');
    expect(timeAgo('2026-11-25T04:00:00Z', now, 'en')).toBe('3 days ago');
    expect(timeAgo('2026-11-28T05:00:10Z', now, 'vi')).toBe('vừa xong'); // a clock a little ahead
    expect(timeAgo(null, now)).toBe('');
  });
});

describe('the day in the unit’s time zone', () => {
  it('runs from midnight to midnight in Vietnam time', () => {
    const d = dayOf('2026-11-28', VN);
    expect(new Date(d.start).toISOString()).toBe('2026-11-27T17:00:00.000Z');
    expect(new Date(d.end).toISOString()).toBe('2026-11-28T17:00:00.000Z');
    expect(moveDay(d, -1).date).toBe('2026-11-27');
    expect(moveDay(dayOf('2026-12-31', VN), 1).date).toBe('2027-01-01');
  });

  it('has 23 or 25 hours where clocks change', () => {
    const spring = dayOf('2026-03-29', 'Europe/Berlin');
    expect((spring.end - spring.start) / H).toBe(23);
    const autumn = dayOf('2026-10-25', 'Europe/Berlin');
    expect((autumn.end - autumn.start) / H).toBe(25);
  });

  it('is today in Vietnam, whatever the UTC date', () => {
    expect(today(VN, new Date('2026-11-27T18:30:00Z')).date).toBe('2026-11-28');
    expect(today(VN, new Date('2026-11-27T16:30:00Z')).date).toBe('2026-11-27');
  });

  it('reads a typed day', () => {
    expect(parseDay('28/11/2026', VN)?.date).toBe('2026-11-28');
    expect(parseDay('31/02/2026', VN)).toBeNull();
    expect(parseDay('2026-11-28', VN)).toBeNull();
  });

  it('maps instants to positions across the day, clamped to it', () => {
    const d = dayOf('2026-11-28', VN);
    expect(fractionOf(at('2026-11-28T05:00:00Z'), d)).toBe(0.5); // 12:00 in Vietnam
    expect(fractionOf(d.start - H, d)).toBe(0);
    expect(fractionOf(d.end + H, d)).toBe(1);
  });
});

describe('the timeline', () => {
  const day = dayOf('2026-11-28', VN); // 2026-11-27T17:00Z … 2026-11-28T17:00Z
  const rec: Recordings = {
    segments: [
      // from the day before, across midnight
      { start: '2026-11-27T15:00:00Z', end: '2026-11-27T23:00:00Z', bytes: 1, frames: 1, recovered: false },
      // touching the next one: drawn as one bar
      { start: '2026-11-27T23:30:00Z', end: '2026-11-28T01:00:00Z', bytes: 1, frames: 1, recovered: false },
      { start: '2026-11-28T01:00:00Z', end: '2026-11-28T02:00:00Z', bytes: 1, frames: 1, recovered: true },
      { start: '2026-11-28T03:00:00Z', end: '2026-11-28T04:10:00Z', bytes: 1, frames: 1, recovered: false },
    ],
    gaps: [
      { start: '2026-11-27T23:00:00Z', end: '2026-11-27T23:30:00Z', cause: 'camera_down' },
      { start: '2026-11-28T02:00:00Z', end: '2026-11-28T03:00:00Z', cause: 'recorder_down' },
      { start: '2026-11-28T04:10:00Z', end: null, cause: 'camera_down' }, // still going on
    ],
  };
  const now = at('2026-11-28T05:00:00Z'); // 12:00 in Vietnam

  it('clips to the day, merges touching runs, draws an open gap up to now and leaves the future blank', () => {
    const bars = timelineBars(rec, day, now);
    const iso = (v: number) => new Date(v).toISOString().slice(11, 16);
    expect(bars.map((b) => [b.kind, b.cause, iso(b.start), iso(b.end), b.open])).toEqual([
      ['recorded', '', '17:00', '23:00', false],
      ['recorded', '', '23:30', '02:00', false],
      ['recorded', '', '03:00', '04:10', false],
      ['gap', 'camera_down', '23:00', '23:30', false],
      ['gap', 'recorder_down', '02:00', '03:00', false],
      ['gap', 'camera_down', '04:10', '05:00', true],
    ]);
    expect(bars[0].left).toBe(0);
    expect(bars[0].width).toBe(0.25);
    const open = bars[bars.length - 1];
    expect(open.left + open.width).toBe(0.5);
    expect(causesIn(bars, GAP_CAUSES)).toEqual(['camera_down', 'recorder_down']);
  });

  it('draws nothing for a day without data, and nothing past the day', () => {
    expect(timelineBars({ segments: [], gaps: [] }, day, now)).toEqual([]);
    expect(timelineBars(null, day, now)).toEqual([]);
    expect(timelineBars(rec, dayOf('2026-11-30', VN), now)).toEqual([]);
  });

  it('gives each bar a tooltip in the unit’s time', () => {
    const bars = timelineBars(rec, day, now);
    expect(barTitle(bars[3], VN, 'vi')).toBe('Mất tín hiệu camera: 06:00:00 – 06:30:00');
    expect(barTitle(bars[0], VN, 'en')).toBe('Recorded: 00:00:00 – 06:00:00');
    expect(barTitle(bars[5], VN, 'vi')).toBe('Mất tín hiệu camera: 11:10:00 – đang diễn ra');
  });

  it('says which gap covers a time (an open one up to now)', () => {
    expect(gapAt(rec, at('2026-11-28T02:30:00Z'), now)?.cause).toBe('recorder_down');
    expect(gapAt(rec, at('2026-11-28T04:30:00Z'), now)?.cause).toBe('camera_down');
    expect(gapAt(rec, at('2026-11-28T05:30:00Z'), now)).toBeNull();
    expect(gapAt(rec, at('2026-11-28T01:30:00Z'), now)).toBeNull();
  });
});

const camera = (id: number, over: Partial<Camera> = {}): Camera => ({
  id,
  site_id: 1,
  unit_id: 5,
  name: `CAM-${id}`,
  owner: 'customs',
  owner_name: '',
  connection: 'customs_network',
  main_url: 'rtsp://10.0.0.1/1',
  sub_url: null,
  credentials_set: false,
  enabled: true,
  retention_days: 30,
  retention_bytes: 0,
  state: 'online',
  state_since: '2026-11-28T01:00:00Z',
  live: { fps: 25, kbps: 4000, codec: 'h264', width: 1920, height: 1080, last_error: null, recording: true },
  created_at: '2026-11-01T00:00:00Z',
  updated_at: '2026-11-01T00:00:00Z',
  ...over,
});

describe('live updates', () => {
  it('puts the new state and numbers on the camera concerned only', () => {
    const list = [camera(1), camera(2)];
    const live = { fps: null, kbps: null, codec: null, width: null, height: null, last_error: { vi: 'Hết thời gian chờ', en: 'Timed out' }, recording: false };
    const next = applyCameraState(list, { camera_id: 2, state: 'offline', state_since: '2026-11-28T02:00:00Z', live });
    expect(next[0]).toBe(list[0]);
    expect(next[1]).toMatchObject({ state: 'offline', state_since: '2026-11-28T02:00:00Z', live });
    expect(list[1].state).toBe('online');
  });

  it('ignores other topics’ shapes, unknown cameras and replays older than what is shown', () => {
    const list = [camera(1)];
    expect(applyCameraState(list, { id: 1, state: 'offline' })).toBe(list);
    expect(applyCameraState(list, { camera_id: 9, state: 'offline', state_since: null, live: null })).toBe(list);
    const old = withState(list[0], { camera_id: 1, state: 'starting', state_since: '2026-11-28T00:59:00Z', live: null });
    expect(old).toBe(list[0]);
    // New numbers within the same state keep its "since".
    const same = withState(list[0], { camera_id: 1, state: 'online', state_since: null, live: { ...list[0].live!, fps: 12 } });
    expect(same.state_since).toBe('2026-11-28T01:00:00Z');
    expect(same.live?.fps).toBe(12);
  });

  it('groups cameras by site, by name in Vietnamese order', () => {
    const sites = [
      { id: 1, name: 'Cảng Tân Vũ', unit_id: 5 },
      { id: 2, name: 'Cửa khẩu Hữu Nghị', unit_id: 6 },
      { id: 3, name: 'Bãi container Đình Vũ', unit_id: 5 },
    ];
    const list = [
      camera(1, { site_id: 2, name: 'Làn xe ra' }),
      camera(2, { site_id: 1, name: 'Cổng B' }),
      camera(3, { site_id: 1, name: 'Cổng A' }),
      camera(4, { site_id: 3, name: 'Máy soi' }),
      camera(5, { site_id: 9, site_name: 'Kho X', name: 'K1' }),
    ];
    const groups = groupBySite(list, sites);
    expect(groups.map((g) => g.name)).toEqual(['Bãi container Đình Vũ', 'Cảng Tân Vũ', 'Cửa khẩu Hữu Nghị', 'Kho X']);
    expect(groups[1].cameras.map((c) => c.name)).toEqual(['Cổng A', 'Cổng B']);
    expect(groups[2].unitId).toBe(6);
  });

  it('filters by state, "unknown" catching what the console cannot name', () => {
    expect(stateMatches(camera(1), '')).toBe(true);
    expect(stateMatches(camera(1), 'online')).toBe(true);
    expect(stateMatches(camera(1), 'offline')).toBe(false);
    expect(stateMatches(camera(1, { state: 'unknown' }), 'unknown')).toBe(true);
    expect(stateMatches(camera(1), 'unknown')).toBe(false);
  });
});

describe('the site form', () => {
  const site: Site = {
    id: 4,
    unit_id: 5,
    kind: 'seaport',
    name: 'Cảng Tân Vũ',
    address: 'Đình Vũ, Hải Phòng',
    latitude: 20.84,
    longitude: 106.77,
    created_at: '',
    updated_at: '',
  };

  it('reads coordinates typed with a comma and refuses what is not a coordinate', () => {
    expect(parseCoordinate(' 20,8449 ')).toBe(20.8449);
    expect(parseCoordinate('-1.5')).toBe(-1.5);
    expect(parseCoordinate('')).toBeNull();
    expect(parseCoordinate('20°N')).toBeNaN();
  });

  it('builds the body and checks it before sending', () => {
    const f = { ...siteForm(null, 5), name: ' Cửa khẩu Tà Lùng ', latitude: '22,49', longitude: '106,58' };
    expect(sitePayload(f)).toEqual({
      body: { unit_id: 5, kind: 'border_gate', name: 'Cửa khẩu Tà Lùng', address: '', latitude: 22.49, longitude: 106.58 },
      errors: {},
    });
    expect(sitePayload({ ...f, name: '' }).errors).toEqual({ name: 'Bắt buộc' });
    expect(sitePayload({ ...f, latitude: '95' }).errors).toEqual({ latitude: 'Vĩ độ là một số từ -90 đến 90.' });
    expect(sitePayload({ ...f, longitude: 'x' }).errors.longitude).toBeTruthy();
    expect(sitePayload({ ...f, longitude: '' }).errors).toEqual({ longitude: 'Nhập cả vĩ độ và kinh độ, hoặc để trống cả hai.' });
    expect(sitePayload({ ...f, latitude: '', longitude: '' }).body).toMatchObject({ latitude: null, longitude: null });
  });

  it('sends only what changed', () => {
    const f = siteForm(site, 1);
    expect(f).toMatchObject({ unit: '5', kind: 'seaport', latitude: '20.84', longitude: '106.77' });
    expect(sitePatch(sitePayload(f).body, site)).toEqual({});
    expect(sitePatch(sitePayload({ ...f, name: 'Cảng Lạch Huyện', latitude: '', longitude: '' }).body, site)).toEqual({
      name: 'Cảng Lạch Huyện',
      latitude: null,
      longitude: null,
    });
  });
});

describe('the camera form', () => {
  const filled = { ...cameraForm(null, 4), name: 'Cổng B', main_url: 'rtsp://10.0.0.21:554/Streaming/Channels/101' };

  it('creates a camera with or without credentials', () => {
    const none = cameraPayload(filled, true);
    expect(none.errors).toEqual({});
    expect(none.body).toEqual({
      site_id: 4,
      name: 'Cổng B',
      owner: 'customs',
      owner_name: '',
      connection: 'customs_network',
      main_url: 'rtsp://10.0.0.21:554/Streaming/Channels/101',
      sub_url: null,
      enabled: true,
      retention_days: 30,
      retention_bytes: 0,
    });
    const withCredentials = cameraPayload({ ...filled, username: ' operator ', password: 's3cret' }, true);
    expect(withCredentials.body).toMatchObject({ username: 'operator', password: 's3cret' });
    expect(cameraPayload({ ...filled, username: 'operator' }, true).errors).toEqual({ password: 'Bắt buộc' });
  });

  it('checks the address, the owner and the retention before sending', () => {
    expect(cameraPayload({ ...filled, main_url: 'http://10.0.0.21/stream' }, true).errors).toEqual({
      main_url: 'Địa chỉ phải bắt đầu bằng rtsp:// hoặc rtsps://.',
    });
    expect(cameraPayload({ ...filled, main_url: '', site: '' }, true).errors).toEqual({ main_url: 'Bắt buộc', site_id: 'Bắt buộc' });
    expect(cameraPayload({ ...filled, owner: 'enterprise' }, true).errors).toHaveProperty('owner_name');
    expect(cameraPayload({ ...filled, owner: 'enterprise', owner_name: 'Cảng Tân Vũ JSC' }, true).errors).toEqual({});
    expect(cameraPayload({ ...filled, retention_days: '0' }, true).errors).toHaveProperty('retention_days');
    expect(cameraPayload({ ...filled, retention_days: '90', retention_gb: '1,5' }, true).body).toMatchObject({
      retention_days: 90,
      retention_bytes: 1_500_000_000,
    });
    expect(cameraPayload({ ...filled, retention_gb: '-1' }, true).errors).toHaveProperty('retention_bytes');
  });

  it('keeps, changes or removes stored credentials, and sends only what changed', () => {
    const c = camera(7, { credentials_set: true, retention_bytes: 2_000_000_000, sub_url: 'rtsp://10.0.0.1/2' });
    const f = cameraForm(c, null);
    expect(f).toMatchObject({ site: '1', credentials: 'keep', retention_gb: '2', sub_url: 'rtsp://10.0.0.1/2' });
    expect(cameraPatch(cameraPayload(f, false).body, c)).toEqual({});
    expect(cameraPatch(cameraPayload({ ...f, credentials: 'remove' }, false).body, c)).toEqual({ username: null });
    expect(cameraPayload({ ...f, credentials: 'set' }, false).errors).toEqual({ username: 'Bắt buộc', password: 'Bắt buộc' });
    expect(cameraPatch(cameraPayload({ ...f, credentials: 'set', username: 'u', password: 'p' }, false).body, c)).toEqual({
      username: 'u',
      password: 'p',
    });
    expect(cameraPatch(cameraPayload({ ...f, name: 'Cổng C', sub_url: ' ', enabled: false }, false).body, c)).toEqual({
      name: 'Cổng C',
      sub_url: null,
      enabled: false,
    });
  });

  it('assigns the camera to a recorder node, or back to this server', () => {
    expect(cameraPayload({ ...filled, node: '2' }, true).body.node_id).toBe(2);
    // A new camera on this server sends no node_id at all.
    expect(cameraPayload(filled, true).body).not.toHaveProperty('node_id');
    const onNode = camera(7, { node_id: 2, node_name: 'hp-node-1' });
    const f = cameraForm(onNode, null);
    expect(f.node).toBe('2');
    expect(cameraPatch(cameraPayload(f, false).body, onNode)).toEqual({});
    expect(cameraPatch(cameraPayload({ ...f, node: '3' }, false).body, onNode)).toEqual({ node_id: 3 });
    expect(cameraPatch(cameraPayload({ ...f, node: '' }, false).body, onNode)).toEqual({ node_id: null });
    // A camera from a server without nodes (no node_id in its answer) is on this server: nothing to send.
    const old = camera(8);
    expect(cameraForm(old, null).node).toBe('');
    expect(cameraPatch(cameraPayload(cameraForm(old, null), false).body, old)).toEqual({});
  });
});

describe('credentials bound to the host and port', () => {
  it('compares addresses by host and port as the server does', () => {
    expect(rtspEndpoint('rtsp://10.0.0.21/Streaming/Channels/101')).toBe('10.0.0.21:554');
    expect(rtspEndpoint('rtsps://Cam-B.local/x')).toBe('cam-b.local:322');
    expect(rtspEndpoint('RTSP://[FE80::1]:8554/x?channel=1')).toBe('[fe80::1]:8554');
    expect(rtspEndpoint('rtsp://10.0.0.21:0/x')).toBeNull();
    expect(rtspEndpoint('http://10.0.0.21/x')).toBeNull();
    const c = { main_url: 'rtsp://10.0.0.21/Streaming/Channels/101', credentials_set: true };
    expect(mustReenterCredentials(c, 'rtsp://10.0.0.21:554/Streaming/Channels/102')).toBe(false);
    expect(mustReenterCredentials(c, 'rtsp://10.0.0.22/Streaming/Channels/101')).toBe(true);
    expect(mustReenterCredentials(c, 'rtsp://10.0.0.21:8554/Streaming/Channels/101')).toBe(true);
    expect(mustReenterCredentials({ ...c, credentials_set: false }, 'rtsp://10.0.0.22/x')).toBe(false);
    expect(mustReenterCredentials(null, 'rtsp://10.0.0.22/x')).toBe(false);
  });

  it('asks for the credentials again when the address moves, and sends them', () => {
    const c = camera(7, { credentials_set: true, main_url: 'rtsp://10.0.0.21/live' });
    const f = { ...cameraForm(c, null), main_url: 'rtsp://203.0.113.9/live' };
    expect(credentialsMode(f, c)).toBe('set');
    expect(cameraPayload(f, false, c).errors).toEqual({ username: 'Bắt buộc', password: 'Bắt buộc' });
    expect(cameraPatch(cameraPayload({ ...f, username: 'u', password: 'p' }, false, c).body, c)).toEqual({
      main_url: 'rtsp://203.0.113.9/live',
      username: 'u',
      password: 'p',
    });
    expect(cameraPatch(cameraPayload({ ...f, credentials: 'remove' }, false, c).body, c)).toEqual({
      main_url: 'rtsp://203.0.113.9/live',
      username: null,
    });
    // Another path on the same host keeps them.
    expect(cameraPatch(cameraPayload({ ...f, main_url: 'rtsp://10.0.0.21:554/sub' }, false, c).body, c)).toEqual({
      main_url: 'rtsp://10.0.0.21:554/sub',
    });
  });
});

describe('evidence holds', () => {
  it('starts from the selection, widened to whole minutes, in the unit’s time', () => {
    const f = holdForm({ from: at('2026-11-28T01:30:20Z'), to: at('2026-11-28T02:10:05Z') }, VN);
    expect(f).toEqual({ from: '2026-11-28T08:30', to: '2026-11-28T09:11', reason: '', caseRef: '' });
  });

  it('needs a reason and an end after the start', () => {
    const ok = holdPayload({ from: '2026-11-28T08:30', to: '2026-11-28T09:30', reason: ' Vụ việc container ', caseRef: ' HP-2026-0012 ' }, VN);
    expect(ok).toEqual({ from: '2026-11-28T01:30:00.000Z', to: '2026-11-28T02:30:00.000Z', reason: 'Vụ việc container', caseRef: 'HP-2026-0012', errors: {} });
    const bad = holdPayload({ from: '2026-11-28T09:30', to: '2026-11-28T09:30', reason: ' ', caseRef: '' }, VN);
    expect(Object.keys(bad.errors).sort()).toEqual(['reason', 'to']);
    expect(holdPayload({ from: '', to: 'x', reason: 'r', caseRef: '' }, VN).errors).toEqual({
      from: 'Nhập đầy đủ ngày và giờ.',
      to: 'Nhập đầy đủ ngày và giờ.',
    });
  });

  it('lists holds in force first, newest first', () => {
    const hold = (id: number, from: string, released: boolean) => ({ id, from, released_at: released ? '2026-11-28T00:00:00Z' : null }) as Hold;
    const list = [hold(1, '2026-11-20T00:00:00Z', false), hold(2, '2026-11-27T00:00:00Z', true), hold(3, '2026-11-25T00:00:00Z', false)];
    expect(sortHolds(list).map((h) => h.id)).toEqual([3, 1, 2]);
  });
});

describe('enterprise camera outages', () => {
  const due = '2026-12-12T01:00:00Z';
  const at = (s: string) => Date.parse(s);

  it('is in time until the repair deadline passes, overdue after, even before the server says so', () => {
    const open = { ended_at: null, repair_due_at: due, overdue: false };
    expect(outageStatus(open, at('2026-12-12T01:00:00Z'))).toBe('open');
    expect(outageStatus(open, at('2026-12-12T01:00:01Z'))).toBe('overdue');
    expect(outageStatus({ ...open, overdue: true }, at('2026-12-01T00:00:00Z'))).toBe('overdue');
  });

  it('tells a repair in time from one after the deadline, whatever the time now', () => {
    const later = at('2027-01-01T00:00:00Z');
    expect(outageStatus({ ended_at: '2026-12-05T00:00:00Z', repair_due_at: due, overdue: false }, later)).toBe('closed');
    expect(outageStatus({ ended_at: '2026-12-15T00:00:00Z', repair_due_at: due, overdue: true }, later)).toBe('closed_late');
  });

  it('names each status in both languages', () => {
    expect(outageStatusName('overdue', 'vi')).toBe('Quá hạn');
    expect(outageStatusName('closed_late', 'en')).toBe('Repaired late');
  });

  it('asks for open, closed, or every outage when the filter says "all"', () => {
    expect(outageFilterState('open')).toBe('open');
    expect(outageFilterState('closed')).toBe('closed');
    expect(outageFilterState('')).toBe('all');
    expect(outageFilterState('bogus')).toBe('all');
  });
});
