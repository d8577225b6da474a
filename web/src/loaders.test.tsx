// @vitest-environment happy-dom
// What the shell and the pages load through the shared hooks: the start-up, the open alerts and the
// inbox that live events keep current (an event that comes while they load is not lost), the names of
// people, the organisation page; a load that fails says why in Vietnamese.
import { render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useAlerts, type AlertScope } from './alerts';
import { setCsrfToken, type Alert, type Notification, type Unit, type User } from './api';
import { App } from './app';
import { setLang } from './i18n';
import { useInbox } from './inbox';
import type { LiveChannel } from './live';
import { OrgPage } from './pages/Org';
import { useNames } from './people';
import { AppContext, type AppState } from './session';
import { fakeChannel } from './testlive';
import { ProblemBox } from './ui';

const roots: HTMLElement[] = [];

function mount(node: preact.ComponentChild) {
  const root = document.createElement('div');
  document.body.appendChild(root);
  roots.push(root);
  render(node, root);
  return root;
}

const releases: (() => void)[] = [];

afterEach(() => {
  for (const r of roots.splice(0)) render(null, r);
  for (const r of releases.splice(0)) r();
  document.body.innerHTML = '';
  setLang('vi');
  vi.unstubAllGlobals();
});

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': status < 300 ? 'application/json' : 'application/problem+json' } });

const unavailable = () =>
  json(
    {
      type: 'urn:watchfloor:problem:unavailable',
      title: 'Service unavailable',
      title_vi: 'Máy chủ tạm thời không phục vụ được',
      status: 503,
      detail: 'Try again later.',
      detail_vi: 'Vui lòng thử lại sau.',
    },
    503,
  );

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Answers each request with the first of `routes` whose prefix starts its path (after /api/v1). */
function serve(routes: [string, (url: string, init: RequestInit) => Response | Promise<Response>][]) {
  const fetch = vi.fn(async (url: string, init: RequestInit = {}) => {
    const path = url.replace(/^\/api\/v1/, '');
    const route = routes.find(([prefix]) => path.startsWith(prefix));
    return route ? route[1](url, init) : json({ items: [] });
  });
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

const urls = (fetch: ReturnType<typeof serve>, prefix: string) =>
  fetch.mock.calls.map((c) => String(c[0])).filter((u) => u.startsWith(`/api/v1${prefix}`));

/** A channel the test plays the server of, already connected. */
function connectedChannel() {
  const { channel, sockets } = fakeChannel();
  releases.push(channel.retain());
  sockets[0].server({ type: 'hello', seq: 1 });
  let seq = 1;
  const event = (topic: string, payload: unknown, unit_id: number | null = null) =>
    sockets[0].server({ type: 'event', seq: ++seq, topic, unit_id, payload, at: '2025-03-01T01:00:00Z' });
  return { channel, event };
}

// ---- the open alerts

const alert = (id: number, unit_id: number, severity: string, title: string): Alert => ({
  id,
  kind: 'coverage.gap',
  subject: `unit:${unit_id}`,
  unit_id,
  severity,
  title_vi: title,
  title_en: title,
  audience: [],
  details: {},
  raised_at: `2025-03-01T0${id % 10}:00:00Z`,
  acknowledged_at: null,
  acknowledged_by: null,
  closed_at: null,
  status: 'open',
});

function AlertList({ unit, scope, channel }: { unit: number | null; scope: AlertScope | null; channel: LiveChannel }) {
  const { alerts, error } = useAlerts(unit, scope, channel);
  return (
    <div>
      <ProblemBox error={error} />
      {alerts ? (
        <ul>
          {alerts.map((a) => (
            <li key={a.id}>{a.title_vi}</li>
          ))}
        </ul>
      ) : (
        <p>loading</p>
      )}
    </div>
  );
}

const items = (root: HTMLElement) => [...root.querySelectorAll('li')].map((li) => li.textContent);
const scope3: AlertScope = { ids: new Set([3]), known: new Set([1, 3]) };

describe('useAlerts', () => {
  it('keeps an alert raised while the list was loading, which the answer was read too early to hold', async () => {
    const { channel, event } = connectedChannel();
    const answer = deferred<Response>();
    const fetch = serve([['/alerts', () => answer.promise]]);
    const root = mount(<AlertList unit={3} scope={scope3} channel={channel} />);
    await vi.waitFor(() => expect(urls(fetch, '/alerts')).toEqual(['/api/v1/alerts?unit=3&status=open']));
    event('alert.raised', alert(12, 3, 'medium', 'Ca trực thiếu người'), 3);
    answer.resolve(json({ items: [alert(11, 3, 'low', 'Camera mất tín hiệu')] }));
    await vi.waitFor(() => expect(items(root)).toEqual(['Ca trực thiếu người', 'Camera mất tín hiệu']));
    // Applied on top of the answer, not instead of it, and no second request for it.
    expect(urls(fetch, '/alerts')).toHaveLength(1);
  });

  it('asks the server again for an alert of a unit it cannot place (created since the units were read)', async () => {
    const { channel, event } = connectedChannel();
    let answers = 0;
    const fetch = serve([
      ['/alerts', () => json({ items: ++answers === 1 ? [] : [alert(21, 9, 'medium', 'Đội mới: chưa có ca trực')] })],
    ]);
    const root = mount(<AlertList unit={3} scope={scope3} channel={channel} />);
    await vi.waitFor(() => expect(root.querySelector('ul')).not.toBeNull());
    event('alert.raised', alert(21, 9, 'medium', 'Đội mới: chưa có ca trực'), 9);
    await vi.waitFor(() => expect(items(root)).toEqual(['Đội mới: chưa có ca trực']));
    expect(urls(fetch, '/alerts')).toHaveLength(2);
  });

  it('says in Vietnamese why the open alerts could not be had', async () => {
    const { channel } = connectedChannel();
    serve([['/alerts', unavailable]]);
    const root = mount(<AlertList unit={3} scope={scope3} channel={channel} />);
    await vi.waitFor(() => expect(root.querySelector('[role="alert"]')?.textContent).toContain('Máy chủ tạm thời không phục vụ được'));
    expect(root.textContent).toContain('Vui lòng thử lại sau.');
  });

  it('asks nothing and opens no socket without a unit', async () => {
    const { channel, sockets } = fakeChannel();
    const fetch = serve([]);
    mount(<AlertList unit={null} scope={null} channel={channel} />);
    await new Promise((r) => setTimeout(r, 20));
    expect(fetch).not.toHaveBeenCalled();
    expect(sockets).toHaveLength(0);
  });
});

// ---- the inbox

const note = (id: number, read = false): Notification => ({
  id,
  kind: 'case_reported',
  case_id: id,
  coordination_id: null,
  title_vi: `Vụ việc VV-${id}`,
  title_en: `Case VV-${id}`,
  severity: 'medium',
  created_at: `2025-03-01T${String(id).padStart(2, '0')}:00:00Z`,
  read_at: read ? '2025-03-01T00:00:00Z' : null,
});

function InboxProbe({ channel }: { channel: LiveChannel }) {
  const inbox = useInbox(true, channel);
  return (
    <div>
      <ProblemBox error={inbox.error} />
      <p class="unread">{inbox.unread}</p>
      <ul>
        {inbox.items?.map((n) => (
          <li key={n.id}>{n.title_vi}</li>
        ))}
      </ul>
      {inbox.hasMore ? (
        <button type="button" onClick={inbox.loadMore}>
          Xem thêm
        </button>
      ) : null}
    </div>
  );
}

describe('useInbox', () => {
  it('keeps a notification that came while the inbox was loading, with the unread count the event carried', async () => {
    const { channel, event } = connectedChannel();
    const answer = deferred<Response>();
    const fetch = serve([['/inbox', () => answer.promise]]);
    const root = mount(<InboxProbe channel={channel} />);
    await vi.waitFor(() => expect(urls(fetch, '/inbox')).toHaveLength(1));
    event('inbox.notification', { notification: note(5), unread: 3 });
    answer.resolve(json({ items: [note(4), note(3, true)], unread: 2, next_cursor: null }));
    await vi.waitFor(() => expect(items(root)).toEqual(['Vụ việc VV-5', 'Vụ việc VV-4', 'Vụ việc VV-3']));
    expect(root.querySelector('.unread')!.textContent).toBe('3');
  });

  it('adds older notifications with Xem thêm, the count being the latest page’s', async () => {
    const { channel } = connectedChannel();
    const fetch = serve([
      [
        '/inbox',
        (url) =>
          new URL(url, 'http://console').searchParams.get('cursor') === 'c2'
            ? json({ items: [note(2)], unread: 1, next_cursor: null })
            : json({ items: [note(4), note(3)], unread: 4, next_cursor: 'c2' }),
      ],
    ]);
    const root = mount(<InboxProbe channel={channel} />);
    await vi.waitFor(() => expect(items(root)).toEqual(['Vụ việc VV-4', 'Vụ việc VV-3']));
    expect(root.querySelector('.unread')!.textContent).toBe('4');
    root.querySelector('button')!.click();
    await vi.waitFor(() => expect(items(root)).toEqual(['Vụ việc VV-4', 'Vụ việc VV-3', 'Vụ việc VV-2']));
    expect(root.querySelector('.unread')!.textContent).toBe('1');
    expect(root.querySelector('button')).toBeNull();
    expect(urls(fetch, '/inbox')).toHaveLength(2);
  });

  it('says in Vietnamese why the inbox could not be had', async () => {
    const { channel } = connectedChannel();
    serve([['/inbox', unavailable]]);
    const root = mount(<InboxProbe channel={channel} />);
    await vi.waitFor(() => expect(root.querySelector('[role="alert"]')?.textContent).toContain('Máy chủ tạm thời không phục vụ được'));
  });
});

// ---- names of people

describe('useNames', () => {
  it('looks a missing name up once, shows it when it comes, and "Người dùng #id" for one it may not read', async () => {
    const fetch = serve([
      ['/users/901', () => json({ id: 901, full_name: 'Trần Thị Mai' })],
      ['/users/902', () => json({ type: 'urn:watchfloor:problem:forbidden', title: 'Forbidden', status: 403 }, 403)],
    ]);
    const known = new Map([[900, 'Lê Văn Hùng']]);
    const wanted = [900, 901, 902, 901];
    function Names() {
      const nameOf = useNames(known, wanted, true);
      return <p>{wanted.map(nameOf).join(' | ')}</p>;
    }
    const root = mount(<Names />);
    await vi.waitFor(() => expect(root.textContent).toBe('Lê Văn Hùng | Trần Thị Mai | Người dùng #902 | Trần Thị Mai'));
    expect(urls(fetch, '/users')).toEqual(['/api/v1/users/901', '/api/v1/users/902']);
  });
});

// ---- the organisation page

const unit = (id: number, parent_id: number | null, name: string) =>
  ({ id, parent_id, code: `U${id}`, kind: 'department', name_vi: name, name_en: name, time_zone: 'Asia/Ho_Chi_Minh', external: false, designations: {} }) as unknown as Unit;
const officer = { id: 1, username: 'canbo', full_name: 'Bùi Thanh Tùng', unit_id: 1, roles: [{ role: 'duty_officer', unit_id: 1 }] } as unknown as User;
const appState: AppState = { user: officer, meta: null, lang: 'vi', refreshUser: async () => undefined };

describe('the organisation page', () => {
  it('says in Vietnamese why the units could not be had, and shows them after "Thử lại"', async () => {
    let down = true;
    serve([['/units', () => (down ? unavailable() : json({ items: [unit(1, null, 'Tổng cục Hải quan'), unit(2, 1, 'Cục Điều tra chống buôn lậu')] }))]]);
    const root = mount(
      <AppContext.Provider value={appState}>
        <OrgPage unitId={null} />
      </AppContext.Provider>,
    );
    await vi.waitFor(() => expect(root.querySelector('[role="alert"]')?.textContent).toContain('Máy chủ tạm thời không phục vụ được'));
    down = false;
    [...root.querySelectorAll('button')].find((b) => b.textContent === 'Thử lại')!.click();
    await vi.waitFor(() => expect(root.textContent).toContain('2 đơn vị'));
    // The top level opens by itself: the department under headquarters shows.
    await vi.waitFor(() => expect(root.textContent).toContain('Cục Điều tra chống buôn lậu'));
    expect(root.querySelector('[role="alert"]')).toBeNull();
  });
});

// ---- start-up

class StubSocket {
  onopen: unknown = null;
  onmessage: unknown = null;
  onclose: unknown = null;
  onerror: unknown = null;
  send() {}
  close() {}
}

const session = (must_change_password: boolean) => ({
  csrf_token: 'tok',
  user: { ...officer, must_change_password, active: true, title: null, created_at: '', last_login_at: null },
});

describe('start-up', () => {
  it('opens the login page saying in Vietnamese why the session could not be read', async () => {
    serve([['/auth/me', unavailable]]);
    const root = mount(<App />);
    await vi.waitFor(() => expect(root.querySelector('[role="alert"]')?.textContent).toContain('Máy chủ tạm thời không phục vụ được'));
    expect(root.querySelector('h1')!.textContent).toBe('Đăng nhập');
  });

  it('opens the login page without a problem when nobody is signed in', async () => {
    serve([['/auth/me', () => json({ type: 'urn:watchfloor:problem:unauthorized', title: 'Unauthorized', status: 401 }, 401)]]);
    const root = mount(<App />);
    await vi.waitFor(() => expect(root.querySelector('h1')?.textContent).toBe('Đăng nhập'));
    expect(root.querySelector('[role="alert"]')).toBeNull();
  });

  it('asks a user whose password must change for a new one, then opens the console as the server says', async () => {
    vi.stubGlobal('WebSocket', StubSocket);
    let changed = false;
    const fetch = serve([
      ['/auth/me', () => json(session(!changed))],
      [
        '/auth/password',
        () => {
          changed = true;
          return new Response(null, { status: 204 });
        },
      ],
      ['/units/1', () => json(unit(1, null, 'Tổng cục Hải quan'))],
      ['/meta', () => json({ roles: [], unit_kinds: [], designation_kinds: [] })],
      ['/inbox', () => json({ items: [], unread: 0, next_cursor: null })],
    ]);
    const root = mount(<App />);
    await vi.waitFor(() => expect(root.querySelector('h1')?.textContent).toBe('Đổi mật khẩu'));
    setCsrfToken('tok');
    const type = (id: string, v: string) => {
      const input = root.querySelector<HTMLInputElement>(`#${id}`)!;
      input.value = v;
      input.dispatchEvent(new Event('input', { bubbles: true }));
    };
    type('pw-current', 'mat-khau-cu-123');
    type('pw-new', 'mat-khau-moi-456789');
    type('pw-confirm', 'mat-khau-moi-456789');
    root.querySelector<HTMLFormElement>('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await vi.waitFor(() => expect(root.querySelector('nav.sidenav')).not.toBeNull());
    expect(root.querySelector('.whoami-unit')?.textContent).toBe('Tổng cục Hải quan');
    expect(urls(fetch, '/auth/me')).toHaveLength(2);
    await vi.waitFor(() => expect(urls(fetch, '/meta')).toHaveLength(1));
  });
});
