// @vitest-environment happy-dom
import { render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setCsrfToken, type Camera, type Unit, type User } from './api';
import { setLang } from './i18n';
import { WallPage } from './pages/Wall';
import { AppContext, type AppState } from './session';
import type { WallView } from './wall';

const settle = async () => {
  for (let i = 0; i < 6; i++) await new Promise((r) => setTimeout(r, 20));
};

class StubSocket {
  static all: StubSocket[] = [];
  binaryType = 'blob';
  closed: number | null = null;
  onopen: unknown = null;
  onmessage: unknown = null;
  onclose: ((ev: { code: number }) => void) | null = null;
  onerror: unknown = null;
  constructor(readonly url: string) {
    StubSocket.all.push(this);
  }
  send() {}
  close(code = 1000) {
    this.closed = code;
  }
}

const unit = (id: number, parent_id: number | null, code: string, name: string) =>
  ({ id, parent_id, code, kind: 'department', name_vi: name, name_en: name, time_zone: 'Asia/Ho_Chi_Minh', external: false, designations: {} }) as unknown as Unit;
const units = [unit(1, null, 'TCHQ', 'Tổng cục Hải quan'), unit(2, 1, 'DTCBL', 'Cục ĐTCBL'), unit(3, 2, 'DTCBL-GSTT', 'Phòng GSTT'), unit(4, 1, 'HP', 'Cục Hải quan Hải Phòng')];
const sites = [{ id: 10, unit_id: 4, name: 'Cảng Đình Vũ', kind: 'seaport' }];
const cam = (id: number, name: string, sub: boolean) =>
  ({ id, site_id: 10, site_name: 'Cảng Đình Vũ', unit_id: 4, name, sub_url: sub ? 'rtsp://cam/sub' : null, state: 'online' }) as unknown as Camera;
const cameras = [cam(100, 'Cổng B', true), cam(101, 'Bãi container', false), cam(102, 'Làn xe tải', true)];
const defaultView: WallView = {
  id: 7,
  name: 'Phòng GSTT — mặc định',
  layout: '4',
  tiles: [100, 999],
  unit_id: 3,
  shared: true,
  is_default: true,
  owner_id: 2,
  tour: null,
  can_edit: false,
};

const user = { id: 1, username: 'canbo.gstt', full_name: 'Bùi Thanh Tùng', unit_id: 3, roles: [{ role: 'supervision_officer', unit_id: 3 }] } as unknown as User;
const state: AppState = { user, meta: null, lang: 'vi', refreshUser: async () => undefined };

function stubApi(views: WallView[]) {
  const calls: { url: string; method: string; body: unknown }[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit = {}) => {
      const method = init.method ?? 'GET';
      calls.push({ url, method, body: init.body ? JSON.parse(String(init.body)) : null });
      const json = (b: unknown, status = 200) => new Response(JSON.stringify(b), { status, headers: { 'content-type': 'application/json' } });
      if (url.startsWith('/api/v1/cameras')) return json({ items: cameras });
      if (url.startsWith('/api/v1/sites')) return json({ items: sites });
      if (url.startsWith('/api/v1/units')) return json({ items: units });
      if (url === '/api/v1/wall-views' && method === 'GET') return json({ items: views });
      if (url === '/api/v1/holds' && method === 'POST') return json({ id: 1, ...(calls.at(-1)!.body as object) }, 201);
      if (url === '/api/v1/wall-views' && method === 'POST') return json({ ...defaultView, ...(calls.at(-1)!.body as object), id: 8, is_default: false, can_edit: true }, 201);
      return json({ type: 'about:blank', status: 404, title: 'Not found' }, 404);
    }),
  );
  vi.stubGlobal('WebSocket', StubSocket);
  setCsrfToken('tok');
  return calls;
}

function mount(viewId: number | null) {
  const root = document.createElement('div');
  document.body.appendChild(root);
  render(
    <AppContext.Provider value={state}>
      <WallPage viewId={viewId} />
    </AppContext.Provider>,
    root,
  );
  return root;
}

const tiles = (root: HTMLElement) => [...root.querySelectorAll('[data-testid=live-tile]')].map((t) => Number(t.getAttribute('data-camera-id')));
const liveSockets = () => StubSocket.all.filter((s) => s.url.includes('/live?') && s.closed === null);

afterEach(() => {
  render(null, document.body);
  document.body.innerHTML = '';
  StubSocket.all = [];
  setLang('vi');
  vi.unstubAllGlobals();
});

describe('the video wall', () => {
  it("opens the unit's default view: small tiles on the sub stream, an unseen camera says no permission", async () => {
    stubApi([defaultView]);
    const root = mount(null);
    await settle();
    expect(root.querySelector('h1')!.textContent).toContain('Phòng GSTT — mặc định');
    expect(root.querySelectorAll('[data-testid=wall-slot]')).toHaveLength(4);
    expect(tiles(root)).toEqual([100, 999]);
    expect(liveSockets().map((s) => s.url.replace(/^.*\/cameras\//, ''))).toEqual(['100/live?stream=sub', '999/live?stream=main']);
    // The server withdraws the unseen camera: the tile says so.
    liveSockets()[1].onclose?.({ code: 4403 });
    await settle();
    const unseen = root.querySelector('[data-camera-id="999"]')!;
    expect(unseen.getAttribute('data-state')).toBe('forbidden');
    expect(unseen.textContent).toContain('Không có quyền xem trực tiếp camera này.');
  });

  it('opens a view the list lacks (another unit’s, by a link) by asking for it, and says in Vietnamese why one cannot be had', async () => {
    stubApi([defaultView]);
    const listed = globalThis.fetch;
    const json = (b: unknown, status = 200) => new Response(JSON.stringify(b), { status, headers: { 'content-type': 'application/json' } });
    vi.stubGlobal('fetch', (url: string, init?: RequestInit) => {
      if (url === '/api/v1/wall-views/9') return Promise.resolve(json({ ...defaultView, id: 9, name: 'Cảng Đình Vũ — ca đêm', tiles: [101], unit_id: 4, is_default: false }));
      if (url === '/api/v1/wall-views/10')
        return Promise.resolve(json({ type: 'urn:watchfloor:problem:not-found', title: 'Not found', title_vi: 'Không tìm thấy bố cục màn hình', status: 404 }, 404));
      return listed(url, init);
    });
    const root = mount(9);
    await settle();
    expect(root.querySelector('h1')!.textContent).toContain('Cảng Đình Vũ — ca đêm');
    expect(tiles(root)).toEqual([101]);
    render(null, root);
    const other = mount(10);
    await settle();
    expect(other.querySelector('[role=alert]')!.textContent).toContain('Không tìm thấy bố cục màn hình');
  });

  it('maximises a tile on the main stream by double click', async () => {
    stubApi([defaultView]);
    const root = mount(7);
    await settle();
    root.querySelector('[data-testid=live-tile][data-camera-id="100"]')!.dispatchEvent(new MouseEvent('dblclick', { bubbles: true }));
    await settle();
    expect(root.querySelectorAll('[data-testid=wall-slot]')).toHaveLength(1);
    expect(liveSockets().map((s) => s.url.replace(/^.*\/cameras\//, ''))).toEqual(['100/live?stream=main']);
  });

  it('places a camera picked in the tree with a click on a tile, and saves the view as a new one', async () => {
    const calls = stubApi([]);
    const root = mount(null);
    await settle();
    expect(tiles(root)).toEqual([]);
    (root.querySelector('[data-testid=tree-camera][data-camera-id="102"]') as HTMLButtonElement).click();
    await settle();
    (root.querySelectorAll('[data-testid=wall-slot]')[2] as HTMLElement).click();
    await settle();
    expect(tiles(root)).toEqual([102]);
    // A whole site from tile 0.
    (root.querySelector('[data-testid=tree-site]') as HTMLButtonElement).click();
    await settle();
    (root.querySelectorAll('[data-testid=wall-slot]')[0] as HTMLElement).click();
    await settle();
    expect(tiles(root)).toEqual([101, 100, 102]);
    const name = root.querySelector('[data-testid=wall-name]') as HTMLInputElement;
    name.value = 'Cảng Đình Vũ';
    name.dispatchEvent(new Event('input', { bubbles: true }));
    await settle();
    (root.querySelector('[data-testid=wall-save-new]') as HTMLButtonElement).click();
    await settle();
    const post = calls.find((c) => c.method === 'POST');
    expect(post).toEqual({
      url: '/api/v1/wall-views',
      method: 'POST',
      body: { name: 'Cảng Đình Vũ', layout: '4', tiles: [101, 100, 102], shared: false, is_default: false, tour: null, unit_id: 3 },
    });
    expect(location.hash).toBe('#/wall/8');
  });

  it('searches the tree without diacritics', async () => {
    stubApi([]);
    const root = mount(null);
    await settle();
    const search = root.querySelector('#wall-search') as HTMLInputElement;
    search.value = 'lan xe';
    search.dispatchEvent(new Event('input', { bubbles: true }));
    await settle();
    expect([...root.querySelectorAll('[data-testid=tree-camera]')].map((b) => b.textContent)).toEqual(['Làn xe tải']);
  });

  it('reports a case from a tile: the case form gets the camera, the last 5 minutes and a snapshot', async () => {
    stubApi([defaultView]);
    const root = mount(7);
    await settle();
    const before = Date.now();
    (root.querySelector('[data-testid=live-tile][data-camera-id="100"] [data-testid=tile-report]') as HTMLButtonElement).click();
    await settle();
    expect(location.hash).toBe('#/cases/new');
    const draft = JSON.parse(sessionStorage.getItem('watchfloor.caseDraft')!);
    expect(draft.cameras).toHaveLength(1);
    expect(draft.cameras[0].camera).toBe('Cổng B');
    expect(draft.site).toBe('Cảng Đình Vũ');
    const local = (s: string) => Date.parse(`${s}:00+07:00`);
    expect(local(draft.cameras[0].to) - local(draft.cameras[0].from)).toBe(5 * 60_000);
    expect(Math.abs(local(draft.cameras[0].to) - before)).toBeLessThan(61_000);
    expect(draft.description).toMatch(/\/api\/v1\/cameras\/100\/snapshot\.jpg\?at=/);
    sessionStorage.clear();
  });

  it('holds the last minutes of a tile as evidence, with a reason', async () => {
    const calls = stubApi([defaultView]);
    const root = mount(7);
    await settle();
    (root.querySelector('[data-testid=live-tile][data-camera-id="100"] [data-testid=tile-hold]') as HTMLButtonElement).click();
    await settle();
    const form = root.querySelector('[data-testid=wall-hold]') as HTMLFormElement;
    form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await settle();
    expect(calls.some((c) => c.method === 'POST')).toBe(false); // no reason yet
    expect(form.textContent).toContain('Ghi lý do.');
    const reason = form.querySelector('textarea')!;
    reason.value = 'Xe container rời bãi khi chưa thông quan';
    reason.dispatchEvent(new Event('input', { bubbles: true }));
    await settle();
    form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await settle();
    const post = calls.find((c) => c.method === 'POST')!;
    const body = post.body as { camera_id: number; from: string; to: string; reason: string };
    expect(post.url).toBe('/api/v1/holds');
    expect(body.camera_id).toBe(100);
    expect(body.reason).toBe('Xe container rời bãi khi chưa thông quan');
    expect(Date.parse(body.to) - Date.parse(body.from)).toBe(10 * 60_000);
    expect(root.textContent).toContain('Đã giữ dữ liệu camera Cổng B.');
  });
});
