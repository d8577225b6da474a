import { afterEach, describe, expect, it } from 'vitest';
import type { Case, Hold } from './api';
import { setLang } from './i18n';
import {
  caseMarkers,
  clipAt,
  clipPieces,
  dayAt,
  dayView,
  fetchSpan,
  frameSeconds,
  holdBands,
  mediaToWall,
  namesCamera,
  panView,
  parseClockSeconds,
  runsOf,
  speedLabel,
  SPEEDS,
  tickStep,
  ticks,
  viewShowing,
  viewText,
  wallToMedia,
  zonedInstant,
  zoomView,
  ZOOMS,
  type View,
} from './timeline';

const VN = 'Asia/Ho_Chi_Minh';
const at = (s: string) => Date.parse(s);
const S = 1000;
const M = 60 * S;
const H = 60 * M;
// 12:00 on 28/11/2026 in Vietnam; the day runs 2026-11-27T17:00Z … 2026-11-28T17:00Z.
const NOW = at('2026-11-28T05:00:00Z');
const DAY = dayView(NOW, VN);

afterEach(() => setLang('vi'));

describe('the window and its zoom', () => {
  it('opens on the calendar day in Vietnam, whatever the UTC date', () => {
    expect(DAY).toEqual({ start: at('2026-11-27T17:00:00Z'), end: at('2026-11-28T17:00:00Z'), zoom: 0 });
    expect(dayAt(at('2026-11-27T17:30:00Z'), VN).date).toBe('2026-11-28'); // 00:30 local
    expect(dayAt(at('2026-11-27T16:59:59Z'), VN).date).toBe('2026-11-27');
  });

  it('zooms from a day to a minute keeping the point under the pointer where it was', () => {
    const anchor = at('2026-11-28T02:00:00Z'); // 09:00, 3/8 across the day
    const six = zoomView(DAY, 1, anchor, VN, NOW);
    expect(six.end - six.start).toBe(6 * H);
    expect((anchor - six.start) / (six.end - six.start)).toBeCloseTo(3 / 8, 9);
    const ten = zoomView(zoomView(six, 2, anchor, VN, NOW), 3, anchor, VN, NOW);
    expect(ZOOMS[ten.zoom].id).toBe('10m');
    expect(ten.end - ten.start).toBe(10 * M);
    expect((anchor - ten.start) / (10 * M)).toBeCloseTo(3 / 8, 6);
    const one = zoomView(ten, 4, anchor, VN, NOW);
    expect(one.end - one.start).toBe(M);
    expect(one.start <= anchor && anchor < one.end).toBe(true);
    // Back out to 24 h: the calendar day of the anchor, not a 24-hour span around it.
    expect(zoomView(one, 0, anchor, VN, NOW)).toEqual(DAY);
    // Out of range zoom levels stay at the ends.
    expect(zoomView(one, 9, anchor, VN, NOW).zoom).toBe(4);
  });

  it('never slides a narrow window wholly into the future', () => {
    const v = zoomView(DAY, 3, NOW - M, VN, NOW); // 10 min around 11:59
    expect(v.start + 5 * M).toBeLessThanOrEqual(NOW);
    const later = panView(v, 30 * M, VN, NOW);
    expect(later.start + (later.end - later.start) / 2).toBe(NOW);
    // A day after today is not offered.
    expect(panView(DAY, 24 * H, VN, NOW)).toEqual(DAY);
  });

  it('pans a narrow window by the time dragged, and a day by whole days', () => {
    const v: View = { start: at('2026-11-28T01:00:00Z'), end: at('2026-11-28T02:00:00Z'), zoom: 2 };
    expect(panView(v, -15 * M, VN, NOW)).toEqual({ start: v.start - 15 * M, end: v.end - 15 * M, zoom: 2 });
    expect(panView(DAY, -24 * H, VN, NOW)).toEqual({ start: DAY.start - 24 * H, end: DAY.end - 24 * H, zoom: 0 });
    // A short drag on the day view does not change the day.
    expect(panView(DAY, -2 * H, VN, NOW)).toBe(DAY);
  });

  it('follows the playhead: pages along when it leaves the window', () => {
    const v: View = { start: at('2026-11-28T01:00:00Z'), end: at('2026-11-28T01:10:00Z'), zoom: 3 };
    expect(viewShowing(v, at('2026-11-28T01:05:00Z'), VN, NOW)).toBe(v);
    const moved = viewShowing(v, at('2026-11-28T01:10:00Z'), VN, NOW);
    expect(moved.start).toBe(at('2026-11-28T01:07:30Z')); // the playhead a quarter in
    expect(moved.end - moved.start).toBe(10 * M);
    // At 24 h the next day is shown once the playhead crosses midnight.
    expect(viewShowing(dayView(at('2026-11-27T12:00:00Z'), VN), at('2026-11-27T17:00:01Z'), VN, NOW)).toEqual(DAY);
  });

  it('asks the server for whole days: one for a window inside a day, two across midnight', () => {
    expect(fetchSpan(DAY, VN)).toEqual({ from: DAY.start, to: DAY.end });
    const inside: View = { start: at('2026-11-28T01:00:00Z'), end: at('2026-11-28T01:10:00Z'), zoom: 3 };
    expect(fetchSpan(inside, VN)).toEqual({ from: DAY.start, to: DAY.end });
    const across: View = { start: at('2026-11-27T16:55:00Z'), end: at('2026-11-27T17:05:00Z'), zoom: 3 };
    expect(fetchSpan(across, VN)).toEqual({ from: DAY.start - 24 * H, to: DAY.end });
  });
});

describe('ticks in the unit’s time zone', () => {
  const labels = (v: View) => ticks(v, VN).map((t) => t.label);

  it('labels a day every three hours, 00:00 to 24:00', () => {
    expect(labels(DAY)).toEqual(['00:00', '03:00', '06:00', '09:00', '12:00', '15:00', '18:00', '21:00', '24:00']);
    expect(ticks(DAY, VN).map((t) => t.left)).toEqual([0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1]);
  });

  it('picks a step that suits the zoom, in Vietnamese 24-hour time', () => {
    expect(ZOOMS.map((z) => tickStep(z.span) / 1000)).toEqual([3 * 3600, 3600, 600, 120, 10]);
    const six: View = { start: at('2026-11-28T06:30:00Z'), end: at('2026-11-28T12:30:00Z'), zoom: 1 }; // 13:30–19:30
    expect(labels(six)).toEqual(['14:00', '15:00', '16:00', '17:00', '18:00', '19:00']);
    const ten: View = { start: at('2026-11-28T01:03:00Z'), end: at('2026-11-28T01:13:00Z'), zoom: 3 }; // 08:03–08:13
    expect(labels(ten)).toEqual(['08:04', '08:06', '08:08', '08:10', '08:12']);
    const one: View = { start: at('2026-11-28T13:59:30Z'), end: at('2026-11-28T14:00:30Z'), zoom: 4 }; // 20:59:30–21:00:30
    expect(labels(one)).toEqual(['20:59:30', '20:59:40', '20:59:50', '21:00:00', '21:00:10', '21:00:20', '21:00:30']);
    expect(ticks(one, VN)[3].left).toBe(0.5);
  });

  it('dates a midnight inside a narrow window', () => {
    const across: View = { start: at('2026-11-27T16:00:00Z'), end: at('2026-11-27T22:00:00Z'), zoom: 1 }; // 23:00–05:00
    const tk = ticks(across, VN);
    expect(tk.map((t) => t.label)).toEqual(['23:00', '00:00 28/11', '01:00', '02:00', '03:00', '04:00', '05:00']);
    expect(tk[1].midnight).toBe(true);
  });

  it('puts ticks on the local clock in a zone half an hour off UTC', () => {
    const v: View = { start: at('2026-11-28T00:00:00Z'), end: at('2026-11-28T01:00:00Z'), zoom: 2 }; // 05:30–06:30 in India
    expect(ticks(v, 'Asia/Kolkata').map((t) => t.label)).toEqual(['05:30', '05:40', '05:50', '06:00', '06:10', '06:20', '06:30']);
  });

  it('places ticks on the local clock across a clock change (a 23-hour day)', () => {
    const spring = dayView(at('2026-03-29T10:00:00Z'), 'Europe/Berlin');
    expect((spring.end - spring.start) / H).toBe(23);
    const tk = ticks(spring, 'Europe/Berlin', 4);
    expect(tk.map((t) => t.label)).toEqual(['00:00', '06:00', '12:00', '18:00', '24:00']);
    // 06:00 comes after five hours of the short day, not a quarter of it.
    expect(tk[1].left).toBeCloseTo(5 / 23, 6);
  });

  it('says what the window spans', () => {
    expect(viewText(DAY, VN)).toBe('28/11/2026 00:00 – 24:00');
    const across: View = { start: at('2026-11-27T16:55:00Z'), end: at('2026-11-27T17:05:00Z'), zoom: 3 };
    expect(viewText(across, VN)).toBe('27/11/2026 23:55:00 – 28/11/2026 00:05:00');
    const ten: View = { start: at('2026-11-28T01:03:00Z'), end: at('2026-11-28T01:13:00Z'), zoom: 3 };
    expect(viewText(ten, VN)).toBe('28/11/2026 08:03:00 – 08:13:00');
  });
});

const hold = (over: Partial<Hold>): Hold => ({
  id: 1,
  camera_id: 3,
  camera_name: 'Cổng B',
  from: '2026-11-28T01:00:00Z',
  to: '2026-11-28T02:00:00Z',
  reason: 'Vụ container',
  case_id: 9,
  case_number: 'HP-2026-0012',
  holder_id: 1,
  holder_name: 'A',
  created_at: '',
  released_at: null,
  released_by_name: null,
  release_reason: null,
  ...over,
});

describe('holds and case markers on the window', () => {
  it('draws holds as bands clipped to the window, released ones apart, with their span and case', () => {
    const v: View = { start: at('2026-11-28T01:30:00Z'), end: at('2026-11-28T03:30:00Z'), zoom: 1 };
    const bands = holdBands([hold({ id: 1 }), hold({ id: 2, from: '2026-11-28T03:00:00Z', to: '2026-11-28T05:00:00Z', released_at: '2026-11-28T04:00:00Z' }), hold({ id: 3, from: '2026-11-27T01:00:00Z', to: '2026-11-27T02:00:00Z' })], v, VN);
    expect(bands.map((b) => [b.id, b.active, b.left, b.width])).toEqual([
      [2, false, 0.75, 0.25],
      [1, true, 0, 0.25],
    ]);
    expect(bands[1].title).toBe('Đang giữ dữ liệu 28/11/2026 08:00:00 – 28/11/2026 09:00:00 — Vụ container (vụ việc HP-2026-0012)');
    setLang('en');
    expect(holdBands([hold({})], v, VN)[0].title).toBe('Held 28/11/2026 08:00:00 – 28/11/2026 09:00:00 — Vụ container (case HP-2026-0012)');
  });

  const kase = (id: number, cameras: Case['cameras'], observed = '2026-11-28T01:30:00Z'): Case =>
    ({ id, number: `HP-2026-00${id}`, observed_at: observed, cameras, suspected_violation: 'Nghi vấn tráo hàng', description: '', site: '' }) as Case;
  const cam = { id: 3, name: 'Cổng B - camera 01' };

  it('matches a case’s camera by name whatever the case and accents typed, or by #id', () => {
    expect(namesCamera('cổng b - CAMERA 01 ', cam)).toBe(true);
    expect(namesCamera('Cong B - camera 01', cam)).toBe(true);
    expect(namesCamera('#3', cam)).toBe(true);
    expect(namesCamera('Cổng B - camera 02', cam)).toBe(false);
    expect(namesCamera('', cam)).toBe(false);
  });

  it('places a marker at the observation time within the case’s window for this camera, else at the window’s start', () => {
    const v: View = { start: at('2026-11-28T01:00:00Z'), end: at('2026-11-28T02:00:00Z'), zoom: 2 };
    const w = (camera: string, from: string, to: string) => ({ camera, from, to });
    const markers = caseMarkers(
      [
        kase(12, [w('Cổng B - camera 01', '2026-11-28T01:20:00Z', '2026-11-28T01:40:00Z')]),
        kase(13, [w('Cổng A', '2026-11-28T01:20:00Z', '2026-11-28T01:40:00Z'), w('cổng b - camera 01', '2026-11-28T01:45:00Z', '2026-11-28T01:50:00Z')]),
        kase(14, [w('Cổng A', '2026-11-28T01:20:00Z', '2026-11-28T01:40:00Z')]), // another camera
        kase(15, [w('Cổng B - camera 01', '2026-11-28T03:00:00Z', '2026-11-28T03:10:00Z')]), // outside the window
      ],
      cam,
      v,
      VN,
    );
    expect(markers.map((m) => [m.caseId, m.left])).toEqual([
      [12, 0.5],
      [13, 0.75],
    ]);
    expect(markers[0].label).toBe('Vụ việc HP-2026-0012 lúc 28/11/2026 08:30:00: Nghi vấn tráo hàng');
    expect(caseMarkers(null, cam, v, VN)).toEqual([]);
  });
});

describe('clips and the time of their frames', () => {
  // 08:00–08:10 recorded, 08:10–08:15 camera down, 08:15–08:20 recorded, 08:20–08:30 recorder down, 08:30–09:00.
  const rec = {
    segments: [
      { start: '2026-11-28T01:00:00Z', end: '2026-11-28T01:10:00Z', bytes: 1, frames: 1, recovered: false },
      { start: '2026-11-28T01:15:00Z', end: '2026-11-28T01:20:00Z', bytes: 1, frames: 1, recovered: false },
      { start: '2026-11-28T01:30:00Z', end: '2026-11-28T02:00:00Z', bytes: 1, frames: 1, recovered: false },
    ],
    gaps: [],
  };
  const runs = runsOf(rec);

  it('merges touching runs and sorts them', () => {
    expect(runsOf({ segments: [rec.segments[1], { ...rec.segments[0], end: '2026-11-28T01:15:00Z' }], gaps: [] })).toEqual([
      { start: at('2026-11-28T01:00:00Z'), end: at('2026-11-28T01:20:00Z') },
    ]);
    expect(runsOf(null)).toEqual([]);
  });

  it('lets the run being recorded reach now, so that playback goes on into what was recorded since', () => {
    const live = { segments: [{ ...rec.segments[2], live: true }], gaps: [] };
    expect(runsOf(live, at('2026-11-28T02:03:00Z'))).toEqual([{ start: at('2026-11-28T01:30:00Z'), end: at('2026-11-28T02:03:00Z') }]);
    expect(runsOf(live)[0].end).toBe(at('2026-11-28T02:00:00Z'));
    expect(runsOf(rec, at('2026-11-28T02:03:00Z'))[2].end).toBe(at('2026-11-28T02:00:00Z')); // a closed run does not grow
    expect(clipAt(runsOf(live, at('2026-11-28T02:03:00Z')), at('2026-11-28T02:00:00Z'), at('2026-11-28T02:03:00Z'))).toEqual({
      from: at('2026-11-28T02:00:00Z'),
      to: at('2026-11-28T02:03:00Z'),
      snapped: false,
    });
  });

  it('asks for an hour from the time picked, gaps included, or from the next recording', () => {
    expect(clipAt(runs, at('2026-11-28T01:05:00Z'), NOW)).toEqual({ from: at('2026-11-28T01:05:00Z'), to: at('2026-11-28T02:05:00Z'), snapped: false });
    expect(clipAt(runs, at('2026-11-28T01:12:00Z'), NOW)).toEqual({ from: at('2026-11-28T01:15:00Z'), to: at('2026-11-28T02:15:00Z'), snapped: true });
    // Not past what is loaded (or now).
    expect(clipAt(runs, at('2026-11-28T01:05:00Z'), at('2026-11-28T01:30:00Z'))?.to).toBe(at('2026-11-28T01:30:00Z'));
    expect(clipAt(runs, at('2026-11-28T02:10:00Z'), NOW)).toBeNull();
    expect(clipAt(runs, at('2026-11-28T01:25:00Z'), at('2026-11-28T01:30:00Z'))).toBeNull();
  });

  it('maps media time to wall time across the collapsed gaps, and back', () => {
    // A clip asked from 08:05, its first frame (X-Recording-Start) at 08:05:00, ending at 09:00.
    const pieces = clipPieces(runs, at('2026-11-28T01:05:00Z'), at('2026-11-28T02:00:00Z'));
    expect(pieces.map((p) => (p.end - p.start) / M)).toEqual([5, 5, 30]);
    const wall = (s: number) => new Date(mediaToWall(pieces, s)).toISOString().slice(11, 19);
    expect(wall(0)).toBe('01:05:00');
    expect(wall(4 * 60 + 59)).toBe('01:09:59');
    expect(wall(5 * 60)).toBe('01:15:00'); // the camera_down gap is skipped
    expect(wall(10 * 60 + 30)).toBe('01:30:30'); // and the recorder_down one
    expect(wall(41 * 60)).toBe('02:01:00'); // past the end the clock runs on
    expect(wallToMedia(pieces, at('2026-11-28T01:05:00Z'))).toBe(0);
    expect(wallToMedia(pieces, at('2026-11-28T01:16:00Z'))).toBe(6 * 60);
    expect(wallToMedia(pieces, at('2026-11-28T01:25:00Z'))).toBe(10 * 60); // in a gap: the next recording
    expect(wallToMedia(pieces, at('2026-11-28T01:00:00Z'))).toBeNull(); // before the clip
    expect(wallToMedia(pieces, at('2026-11-28T02:00:00Z'))).toBeNull();
    for (const s of [0, 1.04, 299.96, 300, 612.5, 2399]) expect(wallToMedia(pieces, mediaToWall(pieces, s))).toBeCloseTo(s, 6);
  });

  it('runs the clock straight when the recordings are not loaded, and starts at the header’s first frame', () => {
    const first = at('2026-11-28T01:05:00Z');
    expect(clipPieces([], first, first + 10 * M)).toEqual([{ start: first, end: first + 10 * M }]);
    // X-Recording-Start a few milliseconds before the indexed run start.
    const p = clipPieces(runs, at('2026-11-28T01:14:59.990Z'), at('2026-11-28T01:20:00Z'));
    expect(p[0].start).toBe(at('2026-11-28T01:14:59.990Z'));
  });
});

describe('speeds, frames and typed times', () => {
  it('offers ¼× to 8×', () => {
    expect(SPEEDS.map(speedLabel)).toEqual(['¼×', '½×', '1×', '2×', '4×', '8×']);
  });

  it('steps one frame at the camera’s rate, 25 fps when unknown', () => {
    expect(frameSeconds(25)).toBe(0.04);
    expect(frameSeconds(12.5)).toBe(0.08);
    expect(frameSeconds(null)).toBe(0.04);
    expect(frameSeconds(0)).toBe(0.04);
  });

  it('reads a typed time of day and places it on the day in Vietnam', () => {
    expect(parseClockSeconds('08:30')).toBe(8 * 3600 + 30 * 60);
    expect(parseClockSeconds(' 8h30 ')).toBe(8 * 3600 + 30 * 60);
    expect(parseClockSeconds('08:30:15')).toBe(8 * 3600 + 30 * 60 + 15);
    expect(parseClockSeconds('24:00')).toBeNull();
    expect(parseClockSeconds('08:60')).toBeNull();
    expect(parseClockSeconds('08:30:61')).toBeNull();
    expect(parseClockSeconds('8')).toBeNull();
    expect(new Date(zonedInstant('2026-11-28', 8 * 3600 + 30 * 60 + 15, VN)).toISOString()).toBe('2026-11-28T01:30:15.000Z');
    expect(new Date(zonedInstant('2026-11-28', 0, VN)).toISOString()).toBe('2026-11-27T17:00:00.000Z');
  });
});
