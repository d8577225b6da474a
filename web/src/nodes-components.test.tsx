// @vitest-environment happy-dom
// The recorder-nodes page (máy ghi hình) as the administrator and a camera administrator use it, the camera form's
// choice of node, and the camera list and detail with a node's camera whose recorder is down.
import { render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Camera, RecorderNode, User } from './api';
import { setLang } from './i18n';
import { CameraDetailPage } from './pages/CameraDetail';
import { CameraFormPage, CameraRows } from './pages/Cameras';
import { RecorderNodesPage } from './pages/RecorderNodes';
import { AppContext, type AppState } from './session';
import { node } from './testnodes';

const NOW = new Date('2026-12-06T03:00:12Z');
const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

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
  for (const r of roots.splice(0)) render(null, r); // unmounted: nothing left subscribed to the live channel
  document.body.innerHTML = '';
  setLang('vi');
  vi.useRealTimers();
  vi.unstubAllGlobals();
  FakeSocket.last = null;
});

const person = (role: string): User => ({
  id: 5,
  username: role,
  full_name: 'Trần Quốc Bảo',
  unit_id: 1,
  title: null,
  active: true,
  must_change_password: false,
  roles: [{ role, unit_id: 1 }],
  created_at: '2026-01-01T00:00:00Z',
  last_login_at: null,
});
const admin = person('admin');
const cameraAdmin = person('camera_admin');

function mount(node: preact.ComponentChild, user: User = admin) {
  const root = document.createElement('div');
  document.body.appendChild(root);
  roots.push(root);
  const app: AppState = { user, meta: null, lang: 'vi', refreshUser: async () => undefined };
  const draw = (n: preact.ComponentChild) => render(<AppContext.Provider value={app}>{n}</AppContext.Provider>, root);
  draw(node);
  return { root, draw };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': status < 300 ? 'application/json' : 'application/problem+json' } });

type Handler = (url: string, init: RequestInit) => Response | Promise<Response>;

/** Answers each request with the first route whose method and path prefix (after /api/v1) match. */
function serve(routes: [string, Handler][]) {
  const fetch = vi.fn(async (url: string, init: RequestInit = {}) => {
    const path = url.replace(/^\/api\/v1/, '');
    const method = init.method ?? 'GET';
    const route = routes.find(([key]) => {
      const [m, prefix] = key.split(' ');
      return m === method && path.startsWith(prefix);
    });
    return route ? route[1](url, init) : json({ items: [] });
  });
  vi.stubGlobal('fetch', fetch);
  vi.stubGlobal('WebSocket', FakeSocket);
  return fetch;
}

const calls = (fetch: ReturnType<typeof serve>, method: string, prefix: string) =>
  fetch.mock.calls
    .filter((c) => ((c[1] as RequestInit | undefined)?.method ?? 'GET') === method && String(c[0]).startsWith(`/api/v1${prefix}`))
    .map((c) => ({ url: String(c[0]), body: (c[1] as RequestInit | undefined)?.body ? JSON.parse(String((c[1] as RequestInit).body)) : null }));



// Listed by name, as the server lists them: hp-node-0 was revoked; hp-node-2 is down and hp-node-1, its standby, records its cameras.
const NODES = [
  node({ id: 4, name: 'hp-node-0', state: 'revoked', revoked_at: '2026-12-05T01:00:00Z', cameras: 0, recording: 0, last_seen_at: '2026-12-05T00:59:00Z' }),
  node({ id: 1, recording: 44 }),
  node({
    id: 2,
    name: 'hp-node-2',
    address: '10.0.3.12:8443',
    state: 'down',
    last_seen_at: '2026-12-06T02:55:00Z',
    down_since: '2026-12-06T02:55:00Z',
    standby_node_id: 1,
    standby_node_name: 'hp-node-1',
    capacity: 32,
    cameras: 32,
    recording: 0,
  }),
  node({ id: 3, name: 'hp-node-3', state: 'new', started_at: null, last_seen_at: null, disk_total_bytes: 0, disk_free_bytes: 0, sample_dirs: [], version: '', cameras: 0, recording: 0 }),
];

const listed = (items: RecorderNode[] = NODES, store = 'postgresql') => () => json({ items, store });
const rows = (root: Element) => [...root.querySelectorAll('[data-testid="node-list"] tbody tr[data-node-id]')] as HTMLTableRowElement[];
const row = (root: Element, id: number) => root.querySelector(`tr[data-node-id="${id}"]`) as HTMLTableRowElement;
const type = (el: Element | null, value: string) => {
  const input = el as HTMLInputElement;
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
};
const choose = (el: Element | null, value: string) => {
  const select = el as HTMLSelectElement;
  select.value = value;
  select.dispatchEvent(new Event('change', { bubbles: true }));
};
/** Submits once what was typed has rendered (the handler reads the state of the last render). */
const submit = async (form: Element | null) => {
  await tick();
  form!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
};
const button = (root: Element, label: string) =>
  [...root.querySelectorAll('button')].find((b) => b.textContent === label || b.getAttribute('aria-label') === label) as HTMLButtonElement;

async function mountList(user: User = admin, items = NODES, nodeId: number | 'new' | null = null) {
  const fetch = serve([['GET /recorder-nodes', listed(items)]]);
  const m = mount(<RecorderNodesPage nodeId={nodeId} />, user);
  await vi.waitFor(() => expect(rows(m.root).length).toBe(items.length));
  return { ...m, fetch };
}

describe('the recorder-nodes page', () => {
  it('shows each node’s state, last heart-beat, how full it is, its disk and standby; down and revoked rows stand out', async () => {
    vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
    const { root } = await mountList();
    // Revoked last; the others by name.
    expect(rows(root).map((r) => r.getAttribute('data-node-id'))).toEqual(['1', '2', '3', '4']);
    expect(rows(root).map((r) => r.querySelector('[data-testid="node-state"]')!.textContent)).toEqual([
      'Hoạt động',
      'Mất kết nối',
      'Chưa kết nối',
      'Đã thu hồi',
    ]);
    expect(rows(root).map((r) => r.className)).toEqual(['', 'node-down', '', 'node-revoked']);
    expect(row(root, 2).textContent).toContain('mất kết nối từ 06/12/2026 09:55:00');
    expect(row(root, 4).textContent).toContain('thu hồi lúc 05/12/2026 08:00');

    // The heart-beat: how long ago, and when in the unit's time.
    const beat = (id: number) => row(root, id).querySelector('[data-testid="heartbeat"]')!;
    expect(beat(1).querySelector('time')!.textContent).toBe('12 giây trước');
    expect(beat(1).textContent).toContain('06/12/2026 10:00:00');
    expect(beat(2).querySelector('time')!.textContent).toBe('5 phút trước');
    expect(beat(3).textContent).toBe('Chưa kết nối lần nào');

    // Cameras over capacity, as a bar; a full node says so.
    const bar = (id: number) => row(root, id).querySelector('[role="meter"]') as HTMLElement;
    const fill = (id: number) => (bar(id).querySelector('.cap-fill') as HTMLElement).style.width;
    expect(row(root, 1).querySelector('.cap-text')!.textContent).toBe('12/64');
    expect(fill(1)).toBe('19%');
    expect(bar(1).getAttribute('aria-valuenow')).toBe('12');
    expect(bar(1).getAttribute('aria-valuemax')).toBe('64');
    expect(bar(1).getAttribute('aria-valuetext')).toBe('12 trên tối đa 64 camera');
    expect(bar(1).className).toBe('cap-bar cap-ok');
    expect(row(root, 1).textContent).toContain('đang ghi 44 camera'); // its own and those of hp-node-2
    expect(row(root, 2).querySelector('.cap-text')!.textContent).toBe('32/32');
    expect(fill(2)).toBe('100%');
    expect(bar(2).className).toBe('cap-bar cap-full');
    expect(row(root, 2).querySelector('.cap-full-mark')!.textContent).toBe('Đã đủ');
    expect(row(root, 1).querySelector('.cap-full-mark')).toBeNull();

    expect(row(root, 1).querySelector('[data-testid="disk"]')!.textContent).toBe('1.234,5 GB / 4.000 GB');
    expect(row(root, 3).querySelector('[data-testid="disk"]')!.textContent).toBe('—');
    expect(row(root, 2).cells[6].textContent).toBe('hp-node-1');
    expect(row(root, 1).cells[0].textContent).toBe('hp-node-1phiên bản 0.16.0');

    // The administrator's actions; none on a revoked node.
    expect([...row(root, 1).querySelectorAll('.row-actions a, .row-actions button')].map((b) => b.textContent)).toEqual(['Sửa', 'Cấp khóa mới', 'Thu hồi']);
    expect(row(root, 4).querySelectorAll('.row-actions a, .row-actions button')).toHaveLength(0);
    expect(root.querySelector('a[href="#/recorder-nodes/new"]')!.textContent).toBe('Đăng ký máy ghi hình');
    // Reached from the camera pages' tabs.
    expect(root.querySelector('.tabs a[aria-current="page"]')!.textContent).toBe('Máy ghi hình');
  });

  it('shows a camera administrator the same list without the administrator’s actions, in English too', async () => {
    vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
    setLang('en');
    const { root } = await mountList(cameraAdmin);
    expect([...root.querySelectorAll('[data-testid="node-list"] thead th')].map((th) => th.textContent)).toEqual([
      'Name',
      'Address (host:port)',
      'State',
      'Last heart-beat',
      'Cameras',
      'Disk (free / total)',
      'Standby node',
    ]);
    expect(root.querySelector('.row-actions')).toBeNull();
    expect(root.querySelector('a[href="#/recorder-nodes/new"]')).toBeNull();
    expect(row(root, 2).querySelector('[data-testid="node-state"]')!.textContent).toBe('Down');
    expect(row(root, 1).querySelector('[data-testid="disk"]')!.textContent).toBe('1,234.5 GB / 4,000 GB');
    expect(row(root, 1).querySelector('time')!.textContent).toBe('12 s ago');
  });

  it('says on the embedded database that nodes cannot be used, and offers no registration', async () => {
    serve([['GET /recorder-nodes', listed([], 'sqlite')]]);
    const { root } = mount(<RecorderNodesPage nodeId="new" />);
    await vi.waitFor(() => expect(root.querySelector('[data-testid="nodes-sqlite"]')).not.toBeNull());
    expect(root.querySelector('[data-testid="nodes-sqlite"]')!.textContent).toContain('không dùng được máy ghi hình, máy chủ này ghi hình tất cả camera');
    expect(root.querySelector('a[href="#/recorder-nodes/new"]')).toBeNull();
    expect(root.querySelector('form[aria-label="Đăng ký máy ghi hình mới"]')).toBeNull();
  });

  it('registers a node and shows its key once, with a copy button and where it goes', async () => {
    const KEY = 'wf1-7Qm2vX9pL4kR8sT3';
    const created = node({ id: 5, name: 'hp-node-5', address: '10.0.3.15:8443', capacity: 32, state: 'new', last_seen_at: null, cameras: 0, recording: 0, standby_node_id: 1 });
    let items = NODES;
    const fetch = serve([
      ['GET /recorder-nodes', () => json({ items, store: 'postgresql' })],
      [
        'POST /recorder-nodes',
        () => {
          items = [...NODES, created];
          return json({ node: created, key: KEY }, 201);
        },
      ],
    ]);
    const writeText = vi.fn(async (_: string) => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const { root, draw } = mount(<RecorderNodesPage nodeId="new" />);
    await vi.waitFor(() => expect(root.querySelector('#nodef-standby option[value="1"]')).not.toBeNull());
    // Another node not revoked may stand in; hp-node-0 is revoked.
    expect([...root.querySelectorAll('#nodef-standby option')].map((o) => o.textContent)).toEqual([
      '(không có)',
      'hp-node-1 (Hoạt động)',
      'hp-node-2 (Mất kết nối)',
      'hp-node-3 (Chưa kết nối)',
    ]);
    type(root.querySelector('#nodef-name'), 'hp-node-5');
    type(root.querySelector('#nodef-address'), '10.0.3.15:8443');
    type(root.querySelector('#nodef-capacity'), '32');
    choose(root.querySelector('#nodef-standby'), '1');
    await submit(root.querySelector('form'));
    await vi.waitFor(() => expect(root.querySelector('[data-testid="node-key"]')).not.toBeNull());
    expect(calls(fetch, 'POST', '/recorder-nodes')).toEqual([
      { url: '/api/v1/recorder-nodes', body: { name: 'hp-node-5', address: '10.0.3.15:8443', capacity: 32, standby_node_id: 1 } },
    ]);
    expect(location.hash).toBe('#/recorder-nodes');

    // As the address now says: the list, with the key still there until it is closed.
    draw(<RecorderNodesPage nodeId={null} />);
    await vi.waitFor(() => expect(row(root, 5)).not.toBeNull());
    const panel = root.querySelector('[data-testid="node-key"]')!;
    expect(panel.querySelector('h2')!.textContent).toBe('Khóa của máy ghi hình hp-node-5');
    expect((panel.querySelector('input') as HTMLInputElement).value).toBe(KEY);
    expect(panel.querySelector('pre')!.textContent).toBe(`[node]\nkey = "${KEY}"`);
    expect(panel.textContent).toContain('Khóa chỉ hiển thị một lần này: sau khi đóng sẽ không xem lại được.');
    expect(panel.textContent).toContain('Ghi khóa này vào tệp cấu hình của máy ghi hình, trong mục [node]:');
    expect(root.textContent).toContain('Đã đăng ký máy ghi hình hp-node-5.');
    button(panel, 'Sao chép khóa').click();
    await vi.waitFor(() => expect(panel.querySelector('[data-testid="copy-state"]')!.textContent).toBe('Đã sao chép khóa.'));
    expect(writeText).toHaveBeenCalledWith(KEY);

    button(panel, 'Đã ghi khóa, đóng').click();
    await tick();
    expect(root.querySelector('[data-testid="node-key"]')).toBeNull();
    expect(document.body.innerHTML).not.toContain(KEY);
    // Nothing brings it back: the list asked again has the node, not its key.
    (root.querySelector('.tabs a[aria-current="page"]') as HTMLElement).click();
    expect(row(root, 5).textContent).toContain('hp-node-5');
    expect(document.body.innerHTML).not.toContain(KEY);
  });

  it('says when the key cannot be copied by the browser, and selects it for copying by hand', async () => {
    serve([
      ['GET /recorder-nodes', listed()],
      ['POST /recorder-nodes/1/key', () => json({ key: 'wf1-second' })],
    ]);
    Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true });
    const execCommand = vi.fn(() => false);
    Object.defineProperty(document, 'execCommand', { value: execCommand, configurable: true });
    const { root } = mount(<RecorderNodesPage nodeId={null} />);
    await vi.waitFor(() => expect(rows(root).length).toBe(4));
    button(root, 'Cấp khóa mới: hp-node-1').click();
    await tick();
    button(root, 'Xác nhận cấp khóa mới').click();
    await vi.waitFor(() => expect(root.querySelector('[data-testid="node-key"]')).not.toBeNull());
    button(root, 'Sao chép khóa').click();
    await vi.waitFor(() => expect(root.querySelector('[data-testid="copy-state"]')!.textContent).toBe('Không sao chép được: hãy chọn khóa và sao chép thủ công.'));
    expect(execCommand).toHaveBeenCalledWith('copy');
  });

  it('checks the address before sending, and shows the server’s message at its field', async () => {
    const fetch = serve([
      ['GET /recorder-nodes', listed()],
      [
        'POST /recorder-nodes',
        () =>
          json(
            {
              type: 'urn:watchfloor:problem:validation',
              title: 'Invalid request',
              title_vi: 'Yêu cầu không hợp lệ',
              status: 400,
              detail: 'The request has invalid fields: name',
              detail_vi: 'Yêu cầu có trường không hợp lệ: name',
              errors: [{ field: 'name', message_vi: 'Đã có máy ghi hình tên này', message_en: 'A node of this name exists' }],
            },
            400,
          ),
      ],
    ]);
    const { root } = mount(<RecorderNodesPage nodeId="new" />);
    await vi.waitFor(() => expect(root.querySelector('#nodef-name')).not.toBeNull());
    type(root.querySelector('#nodef-name'), 'hp-node-1');
    type(root.querySelector('#nodef-address'), '10.0.3.11');
    type(root.querySelector('#nodef-capacity'), '64');
    await submit(root.querySelector('form'));
    await vi.waitFor(() => expect(root.querySelector('#nodef-address-err')?.textContent).toBe('Địa chỉ dạng máy:cổng, ví dụ 10.0.3.11:8443.'));
    expect(calls(fetch, 'POST', '/recorder-nodes')).toEqual([]);

    type(root.querySelector('#nodef-address'), '10.0.3.11:8443');
    await submit(root.querySelector('form'));
    await vi.waitFor(() => expect(root.querySelector('#nodef-name-err')?.textContent).toBe('Đã có máy ghi hình tên này'));
    expect(root.querySelector('#nodef-name')!.getAttribute('aria-invalid')).toBe('true');
    expect(root.querySelector('#nodef-address-err')).toBeNull();
    expect(root.querySelector('[data-testid="node-key"]')).toBeNull();
    expect(calls(fetch, 'POST', '/recorder-nodes')).toHaveLength(1);
  });

  it('changes a node: the name stays, a cleared standby is sent as null', async () => {
    let items = NODES;
    const fetch = serve([
      ['GET /recorder-nodes', () => json({ items, store: 'postgresql' })],
      [
        'PATCH /recorder-nodes/2',
        () => {
          const changed = { ...NODES[2], capacity: 40, standby_node_id: null, standby_node_name: null };
          items = NODES.map((n) => (n.id === 2 ? changed : n));
          return json(changed);
        },
      ],
    ]);
    const { root } = mount(<RecorderNodesPage nodeId={2} />);
    await vi.waitFor(() => expect(root.querySelector('#nodef-capacity')).not.toBeNull());
    const name = root.querySelector('#nodef-name') as HTMLInputElement;
    expect([name.value, name.disabled]).toEqual(['hp-node-2', true]);
    expect((root.querySelector('#nodef-standby') as HTMLSelectElement).value).toBe('1');
    // Not itself.
    expect([...root.querySelectorAll('#nodef-standby option')].map((o) => o.getAttribute('value'))).toEqual(['', '1', '3']);
    type(root.querySelector('#nodef-capacity'), '40');
    choose(root.querySelector('#nodef-standby'), '');
    await submit(root.querySelector('form'));
    await vi.waitFor(() => expect(calls(fetch, 'PATCH', '/recorder-nodes')).toHaveLength(1));
    expect(calls(fetch, 'PATCH', '/recorder-nodes')[0]).toEqual({ url: '/api/v1/recorder-nodes/2', body: { capacity: 40, standby_node_id: null } });
    await vi.waitFor(() => expect(row(root, 2).querySelector('.cap-text')!.textContent).toBe('32/40'));
  });

  it('revokes a node only once told what becomes of its cameras', async () => {
    let items = NODES;
    const fetch = serve([
      ['GET /recorder-nodes', () => json({ items, store: 'postgresql' })],
      [
        'POST /recorder-nodes/1/revoke',
        () => {
          const revoked = { ...NODES[1], state: 'revoked', revoked_at: '2026-12-06T03:01:00Z' };
          items = NODES.map((n) => (n.id === 1 ? revoked : n));
          return json(revoked);
        },
      ],
    ]);
    const { root } = mount(<RecorderNodesPage nodeId={null} />);
    await vi.waitFor(() => expect(rows(root).length).toBe(4));
    button(root, 'Thu hồi: hp-node-1').click();
    await tick();
    const dialog = root.querySelector('[role="alertdialog"]')!;
    expect(dialog.textContent).toContain(
      'Thu hồi máy ghi hình “hp-node-1”? Khóa của máy bị từ chối từ nay. 12 camera được phân công cho máy sẽ không được ghi hình cho đến khi được phân công cho máy khác.',
    );
    expect(calls(fetch, 'POST', '/recorder-nodes')).toEqual([]);
    button(dialog, 'Xác nhận thu hồi').click();
    await vi.waitFor(() => expect(row(root, 1).getAttribute('data-state')).toBe('revoked'));
    expect(calls(fetch, 'POST', '/recorder-nodes').map((c) => c.url)).toEqual(['/api/v1/recorder-nodes/1/revoke']);
    expect(row(root, 1).className).toBe('node-revoked');
    expect(root.querySelector('[role="alertdialog"]')).toBeNull();
    expect(root.textContent).toContain('Đã thu hồi máy ghi hình hp-node-1.');
  });

  it('asks again on the registry’s events and on recorder alerts, and every 10 s', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { fetch } = await mountList(cameraAdmin);
    const asked = () => calls(fetch, 'GET', '/recorder-nodes').length;
    const socket = FakeSocket.last!;
    socket.say({ type: 'hello', seq: 1 });
    await vi.waitFor(() => expect(asked()).toBe(2)); // connected: what was missed meanwhile
    socket.say({ type: 'event', seq: 2, topic: 'recorder.changed', unit_id: null, payload: { node_id: 2 }, at: '' });
    await vi.waitFor(() => expect(asked()).toBe(3));
    // An alert about something else changes no node.
    socket.say({ type: 'event', seq: 3, topic: 'alert.raised', unit_id: 1, payload: { id: 8, kind: 'shift.member_missing' }, at: '' });
    await tick(20);
    expect(asked()).toBe(3);
    socket.say({ type: 'event', seq: 4, topic: 'alert.raised', unit_id: null, payload: { id: 9, kind: 'recorder.down' }, at: '' });
    await vi.waitFor(() => expect(asked()).toBe(4));
    vi.advanceTimersByTime(9_000);
    await tick(20);
    expect(asked()).toBe(4);
    vi.advanceTimersByTime(1_000);
    await vi.waitFor(() => expect(asked()).toBe(5));
  });
});

// ---- cameras -------------------------------------------------------------------------------------------

const camera = (over: Partial<Camera> = {}): Camera => ({
  id: 7,
  site_id: 1,
  site_name: 'Cảng Tân Vũ',
  unit_id: 1,
  name: 'Cổng B - làn xe ra',
  owner: 'customs',
  owner_name: '',
  connection: 'customs_network',
  main_url: 'rtsp://10.0.0.21/1',
  sub_url: null,
  credentials_set: false,
  enabled: true,
  retention_days: 30,
  retention_bytes: 0,
  state: 'online',
  state_since: '2026-12-06T02:00:00Z',
  live: null,
  node_id: 1,
  node_name: 'hp-node-1',
  recording_node_id: 1,
  recording_node_name: 'hp-node-1',
  created_at: '',
  updated_at: '',
  ...over,
});

describe('the camera form’s recorder node', () => {
  const FORM_NODES = [
    node({ id: 1, cameras: 12, capacity: 64 }),
    node({ id: 2, name: 'hp-node-2', cameras: 32, capacity: 32 }),
    node({ id: 3, name: 'hp-node-3', cameras: 3, capacity: 16, state: 'down' }),
    node({ id: 4, name: 'hp-node-0', state: 'revoked' }),
  ];

  function serveForm(store: string, onPatch: Handler = () => json(camera())) {
    return serve([
      ['GET /cameras/7', () => json(camera())],
      ['GET /sites', () => json({ items: [{ id: 1, name: 'Cảng Tân Vũ', unit_id: 1, kind: 'seaport' }] })],
      ['GET /recorder-nodes', () => json({ items: store === 'sqlite' ? [] : FORM_NODES, store })],
      ['PATCH /cameras/7', onPatch],
    ]);
  }

  it('offers this server and the nodes with their room and state, and shows “node full” at the field', async () => {
    const fetch = serveForm('postgresql', () =>
      json(
        {
          type: 'urn:watchfloor:problem:node-full',
          title: 'The recorder node is full',
          title_vi: 'Máy ghi hình đã đủ số camera',
          status: 409,
          detail: 'hp-node-3 records at most 16 cameras.',
          detail_vi: 'Máy hp-node-3 ghi tối đa 16 camera.',
          errors: [{ field: 'node_id', message_vi: '', message_en: '' }],
        },
        409,
      ),
    );
    const { root } = mount(<CameraFormPage cameraId={7} siteId={null} />);
    await vi.waitFor(() => expect(root.querySelector('#camf-node')).not.toBeNull());
    const select = root.querySelector('#camf-node') as HTMLSelectElement;
    expect(select.value).toBe('1');
    expect([...select.options].map((o) => [o.value, o.textContent, o.disabled])).toEqual([
      ['', 'Máy chủ trung tâm', false],
      ['1', 'hp-node-1 — 12/64 camera, Hoạt động', false],
      ['2', 'hp-node-2 — đã đủ 32 camera, Hoạt động', true],
      ['3', 'hp-node-3 — 3/16 camera, Mất kết nối', false],
    ]);
    choose(select, '3');
    await submit(root.querySelector('form'));
    await vi.waitFor(() => expect(root.querySelector('#camf-node-err')?.textContent).toBe('Máy hp-node-3 ghi tối đa 16 camera.'));
    expect(calls(fetch, 'PATCH', '/cameras/7')).toEqual([{ url: '/api/v1/cameras/7', body: { node_id: 3 } }]);
    expect(select.getAttribute('aria-invalid')).toBe('true');
  });

  it('moves a camera back to this server', async () => {
    const fetch = serveForm('postgresql');
    const { root } = mount(<CameraFormPage cameraId={7} siteId={null} />);
    await vi.waitFor(() => expect(root.querySelector('#camf-node')).not.toBeNull());
    choose(root.querySelector('#camf-node'), '');
    await submit(root.querySelector('form'));
    await vi.waitFor(() => expect(calls(fetch, 'PATCH', '/cameras/7')).toEqual([{ url: '/api/v1/cameras/7', body: { node_id: null } }]));
  });

  it('offers no choice on the embedded database', async () => {
    const fetch = serveForm('sqlite');
    const { root } = mount(<CameraFormPage cameraId={7} siteId={null} />);
    await vi.waitFor(() => expect(root.querySelector('#camf-name')).not.toBeNull());
    await vi.waitFor(() => expect(calls(fetch, 'GET', '/recorder-nodes')).toHaveLength(1));
    await tick();
    expect(root.querySelector('#camf-node')).toBeNull();
  });
});

describe('a camera on a recorder node', () => {
  const down = camera({ state: 'recorder_down', recording_node_id: null, recording_node_name: null });
  const standby = camera({ id: 8, name: 'Bãi container số 3', recording_node_id: 2, recording_node_name: 'hp-node-2' });

  it('shows in the list its node, the standby recording it, and “recorder node down” like offline', () => {
    const { root } = mount(
      <table>
        <tbody>
          <CameraRows cameras={[down, standby]} now={NOW.getTime()} tz="Asia/Ho_Chi_Minh" showNode />
        </tbody>
      </table>,
    );
    const [first, second] = [...root.querySelectorAll('tr')];
    const badge = first.querySelector('[data-testid="camera-state"]')!;
    expect(badge.textContent).toBe('Máy ghi hình mất kết nối');
    expect(badge.className).toBe('badge cam-state st-recorder_down');
    expect(first.querySelector('[data-testid="camera-node"]')!.textContent).toBe('hp-node-1');
    expect(second.querySelector('[data-testid="camera-node"]')!.textContent).toBe('hp-node-1Đang do máy dự phòng hp-node-2 ghi hình');
    // Without nodes in the list, no column for them.
    const plain = mount(
      <table>
        <tbody>
          <CameraRows cameras={[camera({ node_id: null, recording_node_id: null })]} now={NOW.getTime()} tz="Asia/Ho_Chi_Minh" />
        </tbody>
      </table>,
    ).root;
    expect(plain.querySelector('[data-testid="camera-node"]')).toBeNull();
    expect(plain.querySelectorAll('td')).toHaveLength(first.querySelectorAll('td').length - 1);
  });

  it('shows on its page its node and state, and asks again when it is moved or its node goes down', async () => {
    let answer = camera();
    const fetch = serve([
      ['GET /cameras/7', () => json(answer)],
      ['GET /holds', () => json({ items: [] })],
    ]);
    // An auditor sees the camera's facts without live view or playback.
    const { root } = mount(<CameraDetailPage cameraId={7} />, person('auditor'));
    await vi.waitFor(() => expect(root.querySelector('[data-testid="camera-node"]')?.textContent).toBe('hp-node-1'));
    const socket = FakeSocket.last!;
    socket.say({ type: 'hello', seq: 1 });
    await vi.waitFor(() => expect(calls(fetch, 'GET', '/cameras/7')).toHaveLength(2)); // connected: asked again once
    answer = down;
    // Another camera's change is not this one's.
    socket.say({ type: 'event', seq: 2, topic: 'camera.changed', unit_id: 1, payload: { camera_id: 8 }, at: '' });
    await tick(20);
    expect(calls(fetch, 'GET', '/cameras/7')).toHaveLength(2);
    socket.say({ type: 'event', seq: 3, topic: 'camera.changed', unit_id: 1, payload: { camera_id: 7, state: 'recorder_down' }, at: '' });
    await vi.waitFor(() => expect(root.querySelector('.page-head [data-testid="camera-state"]')?.textContent).toBe('Máy ghi hình mất kết nối'));
    expect(calls(fetch, 'GET', '/cameras/7')).toHaveLength(3);
    expect(root.querySelector('.props')!.textContent).toContain('Máy ghi hìnhhp-node-1');
  });
});
