// @vitest-environment happy-dom
import { render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SiteSummary } from './api';
import { setLang } from './i18n';
import { MapPage } from './pages/Map';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

function site(over: Partial<SiteSummary>): SiteSummary {
  return {
    site_id: 1,
    name: 'Cảng Tân Vũ',
    kind: 'seaport',
    address: '',
    unit_id: 5,
    unit_name: 'Chi cục Hải quan cửa khẩu cảng Hải Phòng khu vực I',
    unit_name_en: 'Hai Phong Port Area I',
    latitude: 20.8355,
    longitude: 106.7695,
    camera_counts: { starting: 0, online: 2, offline: 1, degraded: 0, disabled: 0 },
    camera_total: 3,
    cameras: [
      { id: 11, name: 'Cổng B - làn xe ra', state: 'online' },
      { id: 12, name: 'Bãi container số 3', state: 'offline' },
      { id: 13, name: 'Khu vực máy soi container', state: 'online' },
    ],
    open_alerts: 1,
    open_cases: 2,
    state: 'offline',
    ...over,
  };
}

const SITES = [
  site({}),
  site({
    site_id: 2, name: 'Cửa khẩu quốc tế Hữu Nghị', latitude: 21.9756, longitude: 106.7058, state: 'ok', open_alerts: 0, open_cases: 0,
    camera_counts: { starting: 0, online: 1, offline: 0, degraded: 0, disabled: 0 }, camera_total: 1,
    cameras: [{ id: 21, name: 'Làn xe hàng xuất khẩu', state: 'online' }],
  }),
  site({ site_id: 3, name: 'Kho chưa có tọa độ', latitude: null, longitude: null, state: 'none', cameras: [], camera_total: 0 }),
  // In Hải Dương until 2025, in Hải Phòng since: listed with Hải Phòng's sites.
  site({ site_id: 4, name: 'ICD Hải Dương', latitude: 20.94, longitude: 106.33, state: 'ok', open_alerts: 0, open_cases: 0, cameras: [], camera_total: 0 }),
];

/** The live channel's socket, driven by the test. */
class FakeSocket {
  static last: FakeSocket | null = null;
  onopen: ((e: unknown) => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onclose: ((e: { code: number }) => void) | null = null;
  onerror: ((e: unknown) => void) | null = null;
  constructor() {
    FakeSocket.last = this;
  }
  send() {}
  close() {}
  say(msg: unknown) {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
}

const roots: HTMLElement[] = [];

afterEach(() => {
  for (const r of roots.splice(0)) render(null, r); // unmounted: no page left subscribed to the channel
  document.body.innerHTML = '';
  setLang('vi');
  vi.unstubAllGlobals();
});

async function mountMap() {
  const fetch = vi.fn(async (_url: string) => new Response(JSON.stringify({ items: SITES, at: '2026-12-05T10:00:00Z' }), { status: 200 }));
  vi.stubGlobal('fetch', fetch);
  vi.stubGlobal('WebSocket', FakeSocket);
  const root = document.createElement('div');
  document.body.appendChild(root);
  roots.push(root);
  render(<MapPage />, root);
  // Loaded when the table lists the sites (fetch and render take a few turns, more on a busy machine).
  await vi.waitFor(() => expect(root.querySelectorAll('[data-testid="map-sites"] tbody tr').length).toBe(SITES.length), { timeout: 3000 });
  return { root, fetch };
}

describe('MapPage', () => {
  it('draws the provinces, both archipelagos and a marker per site with coordinates, coloured by its state', async () => {
    const { root } = await mountMap();
    // Today's 34 provinces and centrally-run cities (Nghị quyết 202/2025/QH15), each drawn once.
    const paths = [...root.querySelectorAll('path.province')];
    expect(paths).toHaveLength(34);
    expect(new Set(paths.map((p) => p.getAttribute('data-province'))).size).toBe(34);
    expect(root.querySelector('path[data-province="VN-61"]')).toBeNull(); // Hải Dương, now in Hải Phòng
    expect(root.querySelector('path[data-province="VN-15"]')).toBeNull(); // Hà Tây, in Hà Nội since 2008
    expect(root.querySelector('path[data-province="VN-HP"] title')!.textContent).toBe('Thành phố Hải Phòng');
    expect([...root.querySelectorAll('.archipelago text')].map((t) => t.textContent)).toEqual(['Quần đảo Hoàng Sa', 'Quần đảo Trường Sa']);
    const markers = [...root.querySelectorAll('g.site-marker[data-site-id]')] as SVGGElement[];
    // The worst last, drawn on top of a neighbour.
    expect(markers.map((m) => [m.getAttribute('data-site-id'), m.getAttribute('data-state')])).toEqual([
      ['2', 'ok'],
      ['4', 'ok'],
      ['1', 'offline'],
    ]);
    expect(markers[2].getAttribute('aria-label')).toBe('Cảng Tân Vũ: Có camera mất tín hiệu');
    // The table has every site with its province of today, the one without coordinates marked so.
    const rows = [...root.querySelectorAll('[data-testid="map-sites"] tbody tr')];
    expect(rows).toHaveLength(4);
    expect(rows[0].textContent).toContain('Thành phố Hải Phòng');
    expect(rows[1].textContent).toContain('Tỉnh Lạng Sơn');
    expect(rows[2].textContent).toContain('Chưa có tọa độ');
    expect(rows[3].textContent).toContain('Thành phố Hải Phòng');
    expect(root.textContent).toContain('Có vụ việc đang xử lý'); // in the legend
  });

  it('lists a site’s cameras with links to their pages when its marker is clicked', async () => {
    const { root } = await mountMap();
    (root.querySelector('g.site-marker[data-site-id="1"]') as SVGGElement).dispatchEvent(new MouseEvent('click', { bubbles: true }));
    await tick();
    const panel = root.querySelector('[data-testid="map-site"]')!;
    expect(panel.querySelector('h2')!.textContent).toBe('Camera tại Cảng Tân Vũ');
    expect([...panel.querySelectorAll('a')].map((a) => a.getAttribute('href'))).toEqual(['#/cameras/11', '#/cameras/12', '#/cameras/13']);
    expect(panel.textContent).toContain('3 camera, 1 mất tín hiệu, 1 cảnh báo mở, 2 vụ việc đang xử lý');
  });

  it('zooms to a clicked province and back, keeping the table to its sites', async () => {
    const { root } = await mountMap();
    const svg = root.querySelector('[data-testid="vn-map"]')!;
    const country = svg.getAttribute('viewBox');
    (root.querySelector('path[data-province="VN-HP"]') as SVGPathElement).dispatchEvent(new MouseEvent('click', { bubbles: true }));
    await tick();
    expect(svg.getAttribute('data-zoom')).toBe('VN-HP');
    expect(svg.getAttribute('viewBox')).not.toBe(country);
    expect(root.querySelector('[data-testid="map-zoom"]')!.textContent).toBe('Đang xem: Thành phố Hải Phòng');
    expect(root.querySelector('[data-testid="map-sites"] caption')!.textContent).toBe('Địa điểm giám sát — Thành phố Hải Phòng');
    expect([...root.querySelectorAll('[data-testid="map-sites"] tbody tr')].map((r) => r.getAttribute('data-site-id'))).toEqual(['1', '4']);
    const back = [...root.querySelectorAll('button')].find((b) => b.textContent === 'Về toàn quốc')!;
    back.click();
    await tick();
    expect(svg.getAttribute('viewBox')).toBe(country);
    expect(svg.getAttribute('data-zoom')).toBe('');
    // From the keyboard: the province list.
    const select = root.querySelector('select[aria-label="Phóng to tỉnh, thành phố"]') as HTMLSelectElement;
    const options = [...select.options].map((o) => o.textContent);
    expect(options).toHaveLength(35); // the whole country and the 34
    expect(options).toContain('Hải Phòng');
    expect(options).not.toContain('Hải Dương');
    expect(options).not.toContain('Hà Tây');
    select.value = 'VN-09';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    await tick();
    expect(svg.getAttribute('data-zoom')).toBe('VN-09');
    expect(root.querySelector('[data-testid="map-zoom"]')!.textContent).toBe('Đang xem: Tỉnh Lạng Sơn');
    expect([...root.querySelectorAll('[data-testid="map-sites"] tbody tr')].map((r) => r.getAttribute('data-site-id'))).toEqual(['2']);
  });

  it('names a province on hover, in English too', async () => {
    const { root } = await mountMap();
    (root.querySelector('path[data-province="VN-09"]') as SVGPathElement).dispatchEvent(new MouseEvent('mouseenter'));
    await tick();
    expect(root.querySelector('[data-testid="map-hover"]')!.textContent).toBe('Tỉnh Lạng Sơn');
    setLang('en');
    (root.querySelector('path[data-province="VN-26"]') as SVGPathElement).dispatchEvent(new MouseEvent('mouseenter'));
    await tick();
    expect(root.querySelector('[data-testid="map-hover"]')!.textContent).toBe('Hue City');
  });

  it('reloads once after a burst of camera, alert and case events', async () => {
    const { fetch } = await mountMap();
    const socket = FakeSocket.last!;
    socket.say({ type: 'hello', seq: 0 });
    // The first load is in before counting (timers run late on a busy machine: wait, do not guess).
    await vi.waitFor(() => expect(fetch.mock.calls.some((c) => String(c[0]).includes('/api/v1/sites/summary'))).toBe(true));
    await tick(50);
    const calls = fetch.mock.calls.length;
    socket.say({ type: 'event', seq: 1, topic: 'camera.state', unit_id: 5, payload: {}, at: '' });
    socket.say({ type: 'event', seq: 2, topic: 'alert.raised', unit_id: 5, payload: {}, at: '' });
    socket.say({ type: 'event', seq: 3, topic: 'case.changed', unit_id: 5, payload: {}, at: '' });
    await vi.waitFor(() => expect(fetch.mock.calls.length - calls).toBeGreaterThan(0), { timeout: 3000 });
    await tick(400);
    expect(fetch.mock.calls.length - calls).toBe(1);
    expect(String(fetch.mock.calls.at(-1)![0])).toContain('/api/v1/sites/summary');
  });
});
