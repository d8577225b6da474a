// @vitest-environment happy-dom
import { render } from 'preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Hold, Recordings } from './api';
import { setLang } from './i18n';
import { CameraPlayback, Timeline } from './pages/CameraPlayback';
import { announceHoldsChanged, caseMarkers, dayView, holdBands, type View } from './timeline';
import { timelineBars } from './video';

const VN = 'Asia/Ho_Chi_Minh';
const at = (s: string) => Date.parse(s);
const tick = () => new Promise((r) => setTimeout(r, 0));
async function settle(n = 6) {
  for (let i = 0; i < n; i++) await tick();
}

function mount(node: preact.ComponentChild) {
  const root = document.createElement('div');
  document.body.appendChild(root);
  render(node, root);
  return root;
}

/** happy-dom lays nothing out: the track is 1000 px wide at x = 100. */
function layOut(track: HTMLElement) {
  track.getBoundingClientRect = () => ({ left: 100, width: 1000, top: 0, height: 30, right: 1100, bottom: 30, x: 100, y: 0, toJSON: () => '' });
}

afterEach(() => {
  document.body.innerHTML = '';
  setLang('vi');
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

const NOW = at('2026-11-28T05:00:00Z'); // 12:00 in Vietnam
const DAY = dayView(NOW, VN);
// 08:00–08:10 recorded, 08:10–08:15 camera down, 08:15–09:00 recorded, then the disk filled up (still).
const REC: Recordings = {
  segments: [
    { start: '2026-11-28T01:00:00Z', end: '2026-11-28T01:10:00Z', bytes: 1, frames: 1, recovered: false },
    { start: '2026-11-28T01:15:00Z', end: '2026-11-28T02:00:00Z', bytes: 1, frames: 1, recovered: false },
  ],
  gaps: [
    { start: '2026-11-28T01:10:00Z', end: '2026-11-28T01:15:00Z', cause: 'camera_down' },
    { start: '2026-11-28T02:00:00Z', end: null, cause: 'disk_full' },
  ],
};
const HOLD: Hold = {
  id: 7,
  camera_id: 3,
  camera_name: 'Cổng B',
  from: '2026-11-28T01:05:00Z',
  to: '2026-11-28T01:20:00Z',
  reason: 'Container nghi vấn',
  case_id: 12,
  case_number: 'HP-2026-0012',
  holder_id: 1,
  holder_name: 'Phan Thị Lan Anh',
  created_at: '2026-11-28T03:00:00Z',
  released_at: null,
  released_by_name: null,
  release_reason: null,
};
const CASE = {
  id: 12,
  number: 'HP-2026-0012',
  observed_at: '2026-11-28T01:30:00Z',
  cameras: [{ camera: 'Cổng B', from: '2026-11-28T01:20:00Z', to: '2026-11-28T01:40:00Z' }],
  suspected_violation: 'Nghi vấn tráo hàng',
  description: '',
  site: 'Cảng Tân Vũ',
};
const CAMERA = { id: 3, name: 'Cổng B', live: null };

describe('Timeline', () => {
  function mountTimeline(view: View, selected: number | null = null, now = NOW) {
    const picks: [number, boolean][] = [];
    const views: View[] = [];
    const props = {
      view,
      tz: VN,
      bars: timelineBars(REC, view, now),
      holds: holdBands([HOLD], view, VN),
      markers: caseMarkers([CASE as never], CAMERA, view, VN),
      selected,
      playhead: null,
      now,
      onPick: (t: number, play: boolean) => picks.push([t, play]),
      onView: (v: View) => views.push(v),
    };
    const root = mount(<Timeline {...props} />);
    const track = root.querySelector('[data-testid="timeline-track"]') as HTMLElement;
    layOut(track);
    return { root, track, picks, views };
  }

  it('draws a day: recordings, gaps by cause, the hold band, the case marker, ticks, now and a legend', () => {
    const { root } = mountTimeline(DAY);
    const drawn = [...root.querySelectorAll('.tl-bar')] as HTMLElement[];
    expect(drawn.map((b) => [b.dataset.kind, b.dataset.cause ?? ''])).toEqual([
      ['recorded', ''],
      ['recorded', ''],
      ['gap', 'camera_down'],
      ['gap', 'disk_full'],
    ]);
    expect(drawn[3].getAttribute('title')).toBe('Đầy ổ lưu trữ: 09:00:00 – đang diễn ra');
    expect([...root.querySelectorAll('.tl-ticks span')].map((s) => s.textContent)).toEqual([
      '00:00', '03:00', '06:00', '09:00', '12:00', '15:00', '18:00', '21:00', '24:00',
    ]);
    const band = root.querySelector('[data-testid="hold-band"]') as HTMLElement;
    expect(band.style.left).toBe(`${((8 * 60 + 5) / 1440 * 100).toFixed(4)}%`);
    expect(band.getAttribute('title')).toContain('Container nghi vấn (vụ việc HP-2026-0012)');
    const marker = root.querySelector('[data-testid="case-marker"]') as HTMLAnchorElement;
    expect(marker.getAttribute('href')).toBe('#/cases/12');
    expect(marker.getAttribute('aria-label')).toBe('Vụ việc HP-2026-0012 lúc 28/11/2026 08:30:00: Nghi vấn tráo hàng');
    expect((root.querySelector('[data-testid="now-marker"]') as HTMLElement).style.left).toBe('50.0000%');
    expect([...root.querySelectorAll('.tl-legend li')].map((li) => li.textContent)).toEqual([
      'Có ghi hình', 'Mất tín hiệu camera', 'Đầy ổ lưu trữ', 'Đang giữ dữ liệu', '▼Vụ việc (bấm để mở)', 'Không có dữ liệu',
    ]);
    const slider = root.querySelector('[role="slider"]')!;
    expect(slider.getAttribute('aria-label')).toMatch(/^Dòng thời gian ngày 28\/11\/2026/);
    expect(slider.getAttribute('aria-valuetext')).toBe('chưa chọn thời điểm');
    expect(root.querySelector('[aria-pressed="true"]')?.textContent).toBe('24 giờ');
  });

  it('draws ten minutes with their ticks, the band and marker where they fall', () => {
    const ten: View = { start: at('2026-11-28T01:25:00Z'), end: at('2026-11-28T01:35:00Z'), zoom: 3 };
    const { root } = mountTimeline(ten);
    expect([...root.querySelectorAll('.tl-ticks span')].map((s) => s.textContent)).toEqual(['08:26', '08:28', '08:30', '08:32', '08:34']);
    expect((root.querySelector('[data-testid="case-marker"]') as HTMLElement).style.left).toBe('50.0000%');
    expect(root.querySelector('[data-testid="hold-band"]')).toBeNull(); // the hold ended at 08:20
    expect(root.querySelector('[data-testid="now-marker"]')).toBeNull();
    expect(root.querySelector('[data-testid="timeline"]')?.getAttribute('data-zoom')).toBe('10m');
  });

  it('plays from the point clicked', () => {
    const { track, picks } = mountTimeline(DAY);
    track.dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: 100 + 375 })); // 3/8 of the day: 09:00
    expect(picks).toEqual([[at('2026-11-28T02:00:00Z'), true]]);
  });

  it('with nothing chosen, zooming today keeps now in view, also in the afternoon', () => {
    const afternoon = at('2026-11-28T08:12:00Z'); // 15:12 in Vietnam
    const { root, views } = mountTimeline(DAY, null, afternoon);
    const button = [...root.querySelectorAll('.tl-zoom button')].find((b) => b.textContent === '10 phút') as HTMLButtonElement;
    button.click();
    expect(views[0].end - views[0].start).toBe(10 * 60_000);
    expect(afternoon).toBeGreaterThan(views[0].start);
    expect(afternoon).toBeLessThan(views[0].end);
  });

  it('zooms with the buttons, the wheel about the pointer, and + / −', () => {
    const { root, track, views } = mountTimeline(DAY, at('2026-11-28T01:30:00Z'));
    const button = [...root.querySelectorAll('.tl-zoom button')].find((b) => b.textContent === '10 phút') as HTMLButtonElement;
    button.click();
    // About the chosen time (08:30), which keeps its place across the track.
    expect(views[0].zoom).toBe(3);
    expect(views[0].end - views[0].start).toBe(10 * 60_000);
    expect((at('2026-11-28T01:30:00Z') - views[0].start) / (10 * 60_000)).toBeCloseTo(8.5 / 24, 6);
    const wheel = new WheelEvent('wheel', { bubbles: true, cancelable: true, deltaY: -100 });
    Object.defineProperty(wheel, 'clientX', { value: 100 + 375 }); // happy-dom leaves it out
    track.dispatchEvent(wheel);
    expect(wheel.defaultPrevented).toBe(true); // the page does not scroll
    expect(views[1].zoom).toBe(1);
    expect((at('2026-11-28T02:00:00Z') - views[1].start) / (6 * 3_600_000)).toBeCloseTo(0.375, 6);
    track.dispatchEvent(new KeyboardEvent('keydown', { key: '+', bubbles: true }));
    expect(views[2].zoom).toBe(1);
    track.dispatchEvent(new KeyboardEvent('keydown', { key: '-', bubbles: true }));
    expect(views.length).toBe(3); // already the widest
  });

  it('pans when dragged, and the drag is not a click', () => {
    const one: View = { start: at('2026-11-28T01:00:00Z'), end: at('2026-11-28T02:00:00Z'), zoom: 2 };
    const { track, picks, views } = mountTimeline(one);
    const pe = (type: string, x: number) => new PointerEvent(type, { bubbles: true, clientX: x, pointerId: 1 });
    track.dispatchEvent(pe('pointerdown', 600));
    track.dispatchEvent(pe('pointermove', 850)); // a quarter of the track to the right: 15 min earlier
    track.dispatchEvent(pe('pointerup', 850));
    track.dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: 850 }));
    expect(views[views.length - 1]).toEqual({ start: one.start - 15 * 60_000, end: one.end - 15 * 60_000, zoom: 2 });
    expect(picks).toEqual([]);
  });

  it('moves the chosen time with the arrow keys by the zoom’s step, the window following, and plays with Enter', () => {
    const ten: View = { start: at('2026-11-28T01:25:00Z'), end: at('2026-11-28T01:35:00Z'), zoom: 3 };
    const sel = at('2026-11-28T01:34:59Z');
    const { track, picks, views } = mountTimeline(ten, sel);
    expect(track.getAttribute('aria-valuetext')).toBe('08:34:59');
    track.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft', bubbles: true }));
    track.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', shiftKey: true, bubbles: true }));
    track.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    expect(picks).toEqual([
      [sel - 1000, false],
      [sel + 10_000, false],
      [sel, true],
    ]);
    // 08:35:09 is past the window: it pages along.
    expect(views).toEqual([{ start: at('2026-11-28T01:32:39Z'), end: at('2026-11-28T01:42:39Z'), zoom: 3 }]);
  });

  it('speaks English when chosen', () => {
    setLang('en');
    const { root } = mountTimeline(DAY);
    expect([...root.querySelectorAll('.tl-zoom button')].slice(0, 5).map((b) => b.textContent)).toEqual(['24 h', '6 h', '1 h', '10 min', '1 min']);
    expect(root.querySelector('[data-testid="case-marker"]')?.getAttribute('aria-label')).toBe('Case HP-2026-0012 at 28/11/2026 08:30:00: Nghi vấn tráo hàng');
  });
});

describe('CameraPlayback', () => {
  let calls: { url: string; headers: Record<string, string> }[];
  let holds: Hold[];

  beforeEach(() => {
    vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
    calls = [];
    holds = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit = {}) => {
        calls.push({ url, headers: (init.headers ?? {}) as Record<string, string> });
        const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });
        if (url.includes('/recordings?')) return json(REC);
        if (url.startsWith('/api/v1/holds')) return json({ items: holds });
        if (url.startsWith('/api/v1/cases')) return json({ items: [CASE], total: 1 });
        if (url.includes('/media.mp4?')) {
          const from = new URL(url, 'http://x').searchParams.get('from')!;
          // The clip from 08:05 stops at 08:50 (as at a change of the camera's encoding); the next one ends at 09:00.
          const end = from < '2026-11-28T01:50:00' ? '2026-11-28T01:50:00.000Z' : '2026-11-28T02:00:00.000Z';
          return new Response(new Uint8Array([0]), { status: 206, headers: { 'X-Recording-Start': from, 'X-Recording-End': end } });
        }
        return new Response('{}', { status: 404 });
      }),
    );
  });

  const media = () => calls.filter((c) => c.url.includes('/media.mp4?')).map((c) => new URL(c.url, 'http://x').searchParams.get('from'));
  const button = (root: HTMLElement, text: string) => [...root.querySelectorAll('button')].find((b) => b.textContent?.trim() === text) as HTMLButtonElement;
  const input = async (root: HTMLElement, id: string, value: string) => {
    const el = root.querySelector(`#${id}`) as HTMLInputElement;
    el.value = value;
    el.dispatchEvent(new Event('input', { bubbles: true }));
    await settle(2);
  };

  it('opens on today, jumps to a typed time, follows the picture across a gap, sets the speed and steps a frame', async () => {
    const spans: unknown[] = [];
    const root = mount(<CameraPlayback camera={CAMERA} tz={VN} now={NOW} onSpan={(s) => spans.push(s)} />);
    await settle();
    const rec = calls.find((c) => c.url.includes('/recordings?'))!;
    const q = new URL(rec.url, 'http://x').searchParams;
    expect([q.get('from'), q.get('to')]).toEqual([new Date(DAY.start).toISOString(), new Date(DAY.end).toISOString()]);
    expect(root.querySelector('[data-testid="case-marker"]')?.getAttribute('href')).toBe('#/cases/12');
    expect(root.querySelector('[data-testid="hold-band"]')).toBeNull();

    // Zoom to ten minutes, then go to 08:05:00 on the 28th.
    button(root, '10 phút').click();
    await settle();
    expect(root.querySelector('[data-testid="timeline"]')?.getAttribute('data-zoom')).toBe('10m');
    await input(root, 'tl-day', '28/11/2026');
    await input(root, 'tl-clock', '08:05:00');
    root.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await settle();
    expect(media()).toEqual(['2026-11-28T01:05:00.000Z']);
    expect(calls.find((c) => c.url.includes('/media.mp4?'))!.headers).toMatchObject({ Range: 'bytes=0-0' });
    const timeline = root.querySelector('[data-testid="timeline"]')!;
    expect([timeline.getAttribute('data-zoom'), timeline.getAttribute('data-start')]).toEqual(['10m', '2026-11-28T01:00:00.000Z']);
    const video = root.querySelector('video') as HTMLVideoElement;
    expect(video.getAttribute('src')).toBe('/api/v1/cameras/3/media.mp4?from=2026-11-28T01%3A05%3A00.000Z&to=2026-11-28T02%3A05%3A00.000Z');
    expect(root.querySelector('[data-testid="position"]')?.textContent).toContain('08:05:00');

    // Six minutes into the clip: 08:11 is in the camera_down gap, collapsed, so the picture is 08:16.
    video.currentTime = 6 * 60;
    video.dispatchEvent(new Event('timeupdate'));
    await settle();
    expect(root.querySelector('[data-testid="position"]')?.textContent).toContain('08:16:00');
    expect(root.querySelector('[role="slider"]')?.getAttribute('aria-valuetext')).toBe('08:16:00');
    // The window followed the playhead out of 08:00–08:10.
    expect(timeline.getAttribute('data-start')).toBe('2026-11-28T01:13:30.000Z');

    button(root, '2×').click();
    await settle();
    expect(video.playbackRate).toBe(2);
    expect(button(root, '2×').getAttribute('aria-pressed')).toBe('true');

    // Paused: one frame forward is 1/25 s (the camera's rate unknown).
    expect(video.paused).toBe(true);
    const before = video.currentTime;
    button(root, 'Tiến 1 khung hình ⏭').click();
    expect(video.currentTime - before).toBeCloseTo(0.04, 6);
    button(root, '⏮ Lùi 1 khung hình').click();
    expect(video.currentTime).toBeCloseTo(before, 6);

    // The hold span offered to the holds panel is the clip.
    expect(spans[spans.length - 1]).toEqual({ from: at('2026-11-28T01:05:00Z'), to: at('2026-11-28T01:50:00Z') });

    // The clip ends at 08:50: the next one is asked from there, at the same speed; after 09:00 the disk is full.
    video.dispatchEvent(new Event('ended'));
    await settle();
    expect(media()).toEqual(['2026-11-28T01:05:00.000Z', '2026-11-28T01:50:00.000Z']);
    const next = root.querySelector('video') as HTMLVideoElement;
    expect(next.getAttribute('src')).toContain('from=2026-11-28T01%3A50%3A00.000Z');
    expect(root.querySelector('[data-testid="position"]')?.textContent).toContain('08:50:00');
    next.dispatchEvent(new Event('ended'));
    await settle();
    expect(root.querySelector('[role="status"]')?.textContent).toContain('Không còn ghi hình sau 09:00:00.');
    expect(media().length).toBe(2);
  });

  it('says why a time in a gap does not play, and refuses a badly typed time', async () => {
    const root = mount(<CameraPlayback camera={CAMERA} tz={VN} now={NOW} onSpan={() => undefined} />);
    await settle();
    await input(root, 'tl-clock', '8:61');
    root.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await settle();
    expect(root.querySelector('.field-error')?.textContent).toBe('Nhập giờ theo dạng HH:mm hoặc HH:mm:ss, ví dụ 08:30 hoặc 08:30:15.');
    await input(root, 'tl-clock', '10:00');
    root.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await settle();
    expect(root.querySelector('[role="status"]')?.textContent).toContain('Không có ghi hình lúc 10:00:00: Đầy ổ lưu trữ.');
    expect(media()).toEqual([]);
  });

  it('asks for the day before when it is shown, and draws it once it comes (not "nothing recorded" meanwhile)', async () => {
    const root = mount(<CameraPlayback camera={CAMERA} tz={VN} now={NOW} onSpan={() => undefined} />);
    await settle();
    expect(root.querySelectorAll('.tl-rec:not(.swatch)')).toHaveLength(2);
    const dayBefore = (x: string) => new Date(Date.parse(x) - 86_400_000).toISOString();
    let answer!: (r: Response) => void;
    const served = globalThis.fetch;
    vi.stubGlobal('fetch', (url: string, init?: RequestInit) =>
      url.includes('/recordings?') ? new Promise<Response>((r) => (answer = r)) : served(url, init),
    );
    button(root, '‹ Ngày trước').click();
    await settle();
    expect(answer).toBeTypeOf('function');
    expect(root.textContent).not.toContain('Không có ghi hình trong ngày này.');
    const earlier: Recordings = {
      segments: REC.segments.map((g) => ({ ...g, start: dayBefore(g.start), end: dayBefore(g.end) })),
      gaps: [],
    };
    answer(new Response(JSON.stringify(earlier), { status: 200, headers: { 'Content-Type': 'application/json' } }));
    await settle();
    expect(root.querySelector('[data-testid="timeline"]')?.getAttribute('data-start')).toBe(new Date(DAY.start - 86_400_000).toISOString());
    expect(root.querySelectorAll('.tl-rec:not(.swatch)')).toHaveLength(2);
  });

  it('draws a hold as soon as the holds panel places it', async () => {
    const root = mount(<CameraPlayback camera={CAMERA} tz={VN} now={NOW} onSpan={() => undefined} />);
    await settle();
    expect(root.querySelector('[data-testid="hold-band"]')).toBeNull();
    holds = [HOLD];
    announceHoldsChanged(4); // another camera: nothing asked
    await settle();
    expect(calls.filter((c) => c.url.startsWith('/api/v1/holds')).length).toBe(1);
    announceHoldsChanged(3);
    await settle();
    expect(root.querySelector('[data-testid="hold-band"]')?.getAttribute('data-hold-id')).toBe('7');
  });
});
