// @vitest-environment happy-dom
// The data-sharing pages (Art. 16.3): filing a request, deciding it, grants and their revocation.
import { render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setCsrfToken, type DataRequest, type Grant, type Notification, type SharedCase, type Unit, type User } from './api';
import { setLang } from './i18n';
import { notificationHref } from './inbox';
import { CaseDetailPage } from './pages/CaseDetail';
import { DataRequestDetailPage, DecideForm } from './pages/DataRequestDetail';
import { DataRequestFormPage } from './pages/DataRequests';
import { GrantsPage } from './pages/Grants';
import { InboxItem } from './pages/Inbox';
import { AppContext, type AppState } from './session';
import { expiryText } from './sharing';

const roots: HTMLElement[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) render(null, r);
  document.body.innerHTML = '';
  location.hash = '';
  setLang('vi');
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status });
/** The server's 400 naming one field, in English and Vietnamese. */
const fieldProblem = (field: string, message: string, message_vi: string) =>
  json({ type: 'urn:watchfloor:problem:validation', title: 'Invalid input', title_vi: 'Dữ liệu không hợp lệ', status: 400, errors: [{ field, message, message_vi }] }, 400);

interface Call {
  method: string;
  path: string;
  body: unknown;
}

/** fetch answered by `answer` (path without /api/v1 and query), every call recorded with its parsed body. */
function stubFetch(answer: (c: Call, url: URL) => Response): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (u: string, init: RequestInit = {}) => {
      const url = new URL(u, 'http://console');
      const c = { method: init.method ?? 'GET', path: url.pathname.replace('/api/v1', ''), body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined };
      calls.push(c);
      return answer(c, url);
    }),
  );
  setCsrfToken('tok');
  return calls;
}

const unit = (id: number, name_vi: string, time_zone = 'Asia/Ho_Chi_Minh', external = false): Unit => ({
  id,
  parent_id: null,
  code: `U${id}`,
  kind: external ? 'external' : 'provincial_department',
  name_vi,
  name_en: name_vi,
  time_zone,
  place: '',
  has_camera_room: false,
  must_run_24x7: false,
  external,
  designations: {},
});

const borderGuard: User = {
  id: 70,
  username: 'bdbp.lang.son',
  full_name: 'Hoàng Văn Biên',
  unit_id: 50,
  title: null,
  active: true,
  must_change_password: false,
  roles: [{ role: 'external_requester', unit_id: 50 }],
  created_at: '2026-01-01T00:00:00Z',
  last_login_at: null,
};

function mount(node: preact.ComponentChild, user: User = borderGuard) {
  const root = document.createElement('div');
  document.body.appendChild(root);
  roots.push(root);
  const app: AppState = { user, meta: null, lang: 'vi', refreshUser: async () => undefined };
  render(<AppContext.Provider value={app}>{node}</AppContext.Provider>, root);
  return root;
}

const type = (el: Element | null, value: string) => {
  const input = el as HTMLInputElement;
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
};
const tick = (el: Element | null, on = true) => {
  const input = el as HTMLInputElement;
  input.checked = on;
  input.dispatchEvent(new Event('change', { bubbles: true }));
};
/** Submits once what was typed has rendered (the handler reads the state of the last render). */
const submit = async (form: Element | null) => {
  await new Promise((r) => setTimeout(r, 0));
  form!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
};
const labelled = (root: Element, text: string) =>
  [...root.querySelectorAll('label.check')].find((l) => l.textContent?.trim() === text)?.querySelector('input') ?? null;

const catalogue = {
  sites: [
    { id: 3, name: 'Cửa khẩu Hữu Nghị', kind: 'border_gate', unit_id: 30, unit_name: 'Cục Hải quan tỉnh Lạng Sơn', cameras: [{ id: 11, name: 'Làn xe nhập' }, { id: 12, name: 'Bãi kiểm hóa' }] },
    { id: 4, name: 'Cửa khẩu Tân Thanh', kind: 'border_gate', unit_id: 30, unit_name: 'Cục Hải quan tỉnh Lạng Sơn', cameras: [{ id: 21, name: 'Cổng chính' }] },
  ],
};

const request = (over: Partial<DataRequest> = {}): DataRequest => ({
  id: 9,
  number: 'YC-2026-9',
  status: 'pending',
  requester_id: 70,
  requester_name: 'Hoàng Văn Biên',
  requester_unit_id: 50,
  requester_unit_name: 'Đồn Biên phòng cửa khẩu Hữu Nghị',
  requester_external: true,
  purpose: 'Xác minh xe nghi vận chuyển hàng lậu',
  reference: 'Công văn số 215/ĐBP',
  case_id: null,
  case_number: null,
  data_types: ['recordings', 'snapshots'],
  camera_ids: [11, 12],
  cameras: [
    { id: 11, name: 'Làn xe nhập', site_name: 'Cửa khẩu Hữu Nghị', unit_id: 30, unit_name: 'Cục Hải quan tỉnh Lạng Sơn' },
    { id: 12, name: 'Bãi kiểm hóa', site_name: 'Cửa khẩu Hữu Nghị', unit_id: 30, unit_name: 'Cục Hải quan tỉnh Lạng Sơn' },
  ],
  from: '2026-12-01T01:00:00.000Z',
  to: '2026-12-01T05:00:00.000Z',
  mode: 'download',
  access_days: 14,
  created_at: '2026-12-05T02:00:00Z',
  routing: null,
  history: [],
  decision: null,
  grant_id: null,
  can: { forward: false, decide: true, answer: false, withdraw: false },
  ...over,
});

describe('the data request form', () => {
  it('sends what was chosen: a site’s box takes all its cameras, the window is read in the unit’s zone', async () => {
    const calls = stubFetch((c) => {
      if (c.path === '/units') return json({ items: [unit(50, 'Đồn Biên phòng cửa khẩu Hữu Nghị', 'Asia/Ho_Chi_Minh', true)] });
      if (c.path === '/data-requests/catalogue') return json(catalogue);
      if (c.path === '/data-requests' && c.method === 'POST') return json(request({ id: 31, number: 'YC-2026-31' }), 201);
      return json({ items: [] });
    });
    const root = mount(<DataRequestFormPage />);
    await vi.waitFor(() => expect(root.querySelectorAll('.site-choice').length).toBe(2));
    // Outside customs too a case can be named, by its number; without case data no case is needed.
    expect(root.querySelector('label[for="dr-case"]')?.textContent).toBe('Số vụ việc');
    type(root.querySelector('#dr-purpose'), 'Xác minh xe nghi vận chuyển hàng lậu');
    type(root.querySelector('#dr-reference'), 'Công văn số 215/ĐBP');
    tick(labelled(root, 'Dữ liệu ghi hình'));
    tick(root.querySelector('.site-choice[data-site-id="3"] .site-check input'));
    await vi.waitFor(() => expect(root.querySelector('#dr-from')).not.toBeNull());
    // Both cameras of the site are now chosen, the other site's not.
    expect([...root.querySelectorAll<HTMLInputElement>('.site-cameras input')].map((i) => i.checked)).toEqual([true, true, false]);
    type(root.querySelector('#dr-from'), '2026-12-01T08:00');
    type(root.querySelector('#dr-to'), '2026-12-01T12:00');
    (root.querySelector('#dr-mode') as HTMLSelectElement).value = 'download';
    root.querySelector('#dr-mode')!.dispatchEvent(new Event('change', { bubbles: true }));
    type(root.querySelector('#dr-days'), '14');
    await submit(root.querySelector('form'));
    await vi.waitFor(() => expect(location.hash).toBe('#/data-requests/31'));
    const post = calls.find((c) => c.method === 'POST')!;
    expect(post.path).toBe('/data-requests');
    expect(post.body).toEqual({
      purpose: 'Xác minh xe nghi vận chuyển hàng lậu',
      reference: 'Công văn số 215/ĐBP',
      data_types: ['recordings'],
      camera_ids: [11, 12],
      from: '2026-12-01T01:00:00.000Z',
      to: '2026-12-01T05:00:00.000Z',
      mode: 'download',
      access_days: 14,
    });
  });

  it('shows the server’s field error at its field, in Vietnamese', async () => {
    stubFetch((c) => {
      if (c.path === '/data-requests/catalogue') return json(catalogue);
      if (c.path === '/data-requests' && c.method === 'POST')
        return fieldProblem('to', 'The range is longer than 24 hours', 'Khoảng thời gian dài quá 24 giờ');
      return json({ items: [] });
    });
    const root = mount(<DataRequestFormPage />);
    await vi.waitFor(() => expect(root.querySelectorAll('.site-choice').length).toBe(2));
    type(root.querySelector('#dr-purpose'), 'Xác minh');
    tick(labelled(root, 'Ảnh chụp'));
    tick(root.querySelector('.site-cameras label[data-camera-id="21"] input'));
    await vi.waitFor(() => expect(root.querySelector('#dr-from')).not.toBeNull());
    type(root.querySelector('#dr-from'), '2026-12-01T08:00');
    type(root.querySelector('#dr-to'), '2026-12-04T08:00');
    await submit(root.querySelector('form'));
    await vi.waitFor(() => expect(root.querySelector('#dr-to-err')?.textContent).toBe('Khoảng thời gian dài quá 24 giờ'));
    expect(root.querySelector('#dr-to')?.getAttribute('aria-invalid')).toBe('true');
    expect(location.hash).toBe('');
  });

  it('asks for a camera and a data type before sending anything', async () => {
    const calls = stubFetch((c) => (c.path === '/data-requests/catalogue' ? json(catalogue) : json({ items: [] })));
    const root = mount(<DataRequestFormPage />);
    await vi.waitFor(() => expect(root.querySelectorAll('.site-choice').length).toBe(2));
    type(root.querySelector('#dr-purpose'), 'Xác minh');
    await submit(root.querySelector('form'));
    await vi.waitFor(() => expect(root.querySelector('#dr-types-err')?.textContent).toBe('Chọn ít nhất một loại dữ liệu.'));
    tick(labelled(root, 'Xem trực tiếp'));
    await submit(root.querySelector('form'));
    await vi.waitFor(() => expect(root.querySelector('#dr-cameras-err')?.textContent).toBe('Chọn ít nhất một camera.'));
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
  });

  it('asks an outside agency for case information by the case number alone: no camera, no time range', async () => {
    const calls = stubFetch((c) => {
      if (c.path === '/units') return json({ items: [unit(50, 'Đồn Biên phòng cửa khẩu Hữu Nghị', 'Asia/Ho_Chi_Minh', true)] });
      if (c.path === '/data-requests/catalogue') return json(catalogue);
      if (c.path === '/data-requests' && c.method === 'POST') return json(request({ id: 32, number: 'YC-2026-32' }), 201);
      return json({ items: [] });
    });
    const root = mount(<DataRequestFormPage />);
    await vi.waitFor(() => expect(root.querySelectorAll('.site-choice').length).toBe(2));
    type(root.querySelector('#dr-purpose'), 'Phối hợp điều tra vụ vận chuyển hàng lậu');
    tick(labelled(root, 'Thông tin vụ việc'));
    await vi.waitFor(() => expect(root.querySelector('#dr-cameras-hint')?.textContent).toBe('Không bắt buộc khi chỉ đề nghị thông tin vụ việc.'));
    expect(root.querySelector('#dr-from')).toBeNull();
    // Case data asked for without naming the case: said at the field, nothing sent.
    await submit(root.querySelector('form'));
    await vi.waitFor(() => expect(root.querySelector('#dr-case-err')?.textContent).toBe('Nêu số vụ việc cần khai thác thông tin.'));
    expect(root.querySelector('#dr-cameras-err')).toBeNull();
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
    type(root.querySelector('#dr-case'), ' HP-2026-0003 ');
    await submit(root.querySelector('form'));
    await vi.waitFor(() => expect(location.hash).toBe('#/data-requests/32'));
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.body)).toEqual([
      { purpose: 'Phối hợp điều tra vụ vận chuyển hàng lậu', reference: '', case_number: 'HP-2026-0003', data_types: ['case_data'], mode: 'view', access_days: 7 },
    ]);
    // The server resolves the number: the console looks no case up.
    expect(calls.some((c) => c.path.startsWith('/cases'))).toBe(false);
  });

  it('shows the server’s answer that no case has that number at the case field', async () => {
    stubFetch((c) => {
      if (c.path === '/data-requests/catalogue') return json(catalogue);
      if (c.path === '/data-requests' && c.method === 'POST')
        return fieldProblem('case_number', 'No case numbered HP-2026-9999', 'Không có vụ việc số HP-2026-9999');
      return json({ items: [] });
    });
    const root = mount(<DataRequestFormPage />);
    await vi.waitFor(() => expect(root.querySelectorAll('.site-choice').length).toBe(2));
    type(root.querySelector('#dr-purpose'), 'Xác minh');
    type(root.querySelector('#dr-case'), 'HP-2026-9999');
    tick(labelled(root, 'Thông tin vụ việc'));
    await submit(root.querySelector('form'));
    await vi.waitFor(() => expect(root.querySelector('#dr-case-err')?.textContent).toBe('Không có vụ việc số HP-2026-9999'));
    expect(root.querySelector('#dr-case')?.getAttribute('aria-invalid')).toBe('true');
    // Claimed by its field, not repeated in the box above the form.
    expect(root.querySelector('.alert-error')?.textContent).not.toContain('case_number');
    expect(location.hash).toBe('');
  });
});

describe('the decision on a data request', () => {
  it('requires reasons, then sends the narrower scope: one camera, view only, fewer days, a shorter window', async () => {
    const calls = stubFetch((c) => (c.path === '/data-requests/9/decide' ? json(request({ status: 'approved', grant_id: 4 })) : json({})));
    const done: string[] = [];
    const root = mount(<DecideForm r={request()} tz="Asia/Ho_Chi_Minh" onCancel={() => undefined} onDone={(_r, msg) => done.push(msg)} />);
    tick(root.querySelector('input[value="approve_narrower"]'));
    await vi.waitFor(() => expect(root.querySelector('[data-testid="narrower"]')).not.toBeNull());
    // The editor keeps within the request: its two cameras, its two data types.
    expect([...root.querySelectorAll('#dr-n-cameras label')].map((l) => l.textContent?.trim())).toEqual(['Làn xe nhập Cửa khẩu Hữu Nghị', 'Bãi kiểm hóa Cửa khẩu Hữu Nghị']);
    expect([...root.querySelectorAll('#dr-n-types label')].map((l) => l.textContent?.trim())).toEqual(['Dữ liệu ghi hình', 'Ảnh chụp']);
    expect((root.querySelector('#dr-n-from') as HTMLInputElement).value).toBe('2026-12-01T08:00');
    tick(root.querySelector('#dr-n-cameras label[data-camera-id="12"] input'), false);
    (root.querySelector('#dr-n-mode') as HTMLSelectElement).value = 'view';
    root.querySelector('#dr-n-mode')!.dispatchEvent(new Event('change', { bubbles: true }));
    type(root.querySelector('#dr-n-days'), '7');
    type(root.querySelector('#dr-n-to'), '2026-12-01T10:00');
    await submit(root.querySelector('form'));
    await vi.waitFor(() => expect(root.querySelector('#dr-reasons-err')?.textContent).toBe('Phải nêu lý do của quyết định.'));
    expect(calls).toEqual([]);
    type(root.querySelector('#dr-reasons'), 'Chỉ camera làn xe nhập liên quan; không cần tải về.');
    await submit(root.querySelector('form'));
    await vi.waitFor(() => expect(done).toEqual(['Đã ghi quyết định: Chấp thuận phạm vi hẹp hơn.']));
    expect(calls).toHaveLength(1);
    expect(calls[0].method).toBe('POST');
    expect(calls[0].body).toEqual({
      decision: 'approve_narrower',
      reasons: 'Chỉ camera làn xe nhập liên quan; không cần tải về.',
      narrower: { camera_ids: [11], from: '2026-12-01T01:00:00.000Z', to: '2026-12-01T03:00:00.000Z', mode: 'view', access_days: 7 },
    });
  });

  it('lets the decider keep only the case information, with no camera and no time range', async () => {
    const calls = stubFetch(() => json(request({ status: 'approved', grant_id: 4 })));
    const r = request({ data_types: ['recordings', 'case_data'], case_id: 3, case_number: 'HP-2026-0003' });
    const root = mount(<DecideForm r={r} tz="Asia/Ho_Chi_Minh" onCancel={() => undefined} onDone={() => undefined} />);
    tick(root.querySelector('input[value="approve_narrower"]'));
    await vi.waitFor(() => expect(root.querySelector('[data-testid="narrower"]')).not.toBeNull());
    expect(root.querySelector('#dr-n-from')).not.toBeNull();
    expect(root.querySelector('#dr-n-cameras-hint')).toBeNull();
    // With recordings kept, a camera is still needed.
    tick(root.querySelector('#dr-n-cameras label[data-camera-id="11"] input'), false);
    await vi.waitFor(() => expect((root.querySelector('#dr-n-cameras label[data-camera-id="11"] input') as HTMLInputElement).checked).toBe(false));
    tick(root.querySelector('#dr-n-cameras label[data-camera-id="12"] input'), false);
    type(root.querySelector('#dr-reasons'), 'Chỉ cung cấp thông tin vụ việc.');
    await submit(root.querySelector('form'));
    await vi.waitFor(() => expect(root.querySelector('#dr-n-cameras-err')?.textContent).toBe('Chọn ít nhất một camera.'));
    tick(labelled(root.querySelector('#dr-n-types')!, 'Dữ liệu ghi hình'), false);
    await vi.waitFor(() => expect(root.querySelector('#dr-n-from')).toBeNull());
    expect(root.querySelector('#dr-n-cameras-hint')?.textContent).toBe('Không bắt buộc khi chỉ đề nghị thông tin vụ việc.');
    await submit(root.querySelector('form'));
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0].body).toEqual({ decision: 'approve_narrower', reasons: 'Chỉ cung cấp thông tin vụ việc.', narrower: { camera_ids: [], data_types: ['case_data'] } });
  });

  it('refuses a "narrower" scope wider than the request, and one that narrows nothing', async () => {
    const calls = stubFetch(() => json({}));
    const root = mount(<DecideForm r={request({ mode: 'view' })} tz="Asia/Ho_Chi_Minh" onCancel={() => undefined} onDone={() => undefined} />);
    tick(root.querySelector('input[value="approve_narrower"]'));
    await vi.waitFor(() => expect(root.querySelector('[data-testid="narrower"]')).not.toBeNull());
    // A view request cannot be approved for download.
    expect((root.querySelector('#dr-n-mode') as HTMLSelectElement).disabled).toBe(true);
    type(root.querySelector('#dr-reasons'), 'Lý do');
    type(root.querySelector('#dr-n-days'), '30');
    await submit(root.querySelector('form'));
    await vi.waitFor(() => expect(root.querySelector('#dr-n-days-err')?.textContent).toBe('Nhập số ngày từ 1 đến 14.'));
    type(root.querySelector('#dr-n-days'), '14');
    type(root.querySelector('#dr-n-from'), '2026-11-30T08:00');
    await submit(root.querySelector('form'));
    await vi.waitFor(() => expect(root.querySelector('#dr-n-from-err')?.textContent).toBe('Khoảng thời gian phải nằm trong khoảng đã đề nghị.'));
    type(root.querySelector('#dr-n-from'), '2026-12-01T08:00');
    await submit(root.querySelector('form'));
    await vi.waitFor(() => expect(root.querySelector('[data-testid="narrower"] > .field-error')?.textContent).toContain('chưa hẹp hơn đề nghị'));
    expect(calls).toEqual([]);
  });
});

const grant = (over: Partial<Grant> = {}): Grant => ({
  id: 4,
  request_id: 9,
  request_number: 'YC-2026-9',
  user_id: 70,
  user_name: 'Hoàng Văn Biên',
  unit_id: 50,
  unit_name: 'Đồn Biên phòng cửa khẩu Hữu Nghị',
  camera_ids: [11],
  cameras: [{ id: 11, name: 'Làn xe nhập', site_name: 'Cửa khẩu Hữu Nghị', unit_id: 30, unit_name: 'Cục Hải quan tỉnh Lạng Sơn' }],
  data_types: ['recordings'],
  mode: 'view',
  from: '2026-12-01T01:00:00.000Z',
  to: '2026-12-01T03:00:00.000Z',
  starts_at: '2026-12-05T03:00:00Z',
  expires_at: '2026-12-12T16:30:00Z',
  status: 'active',
  case_id: null,
  case_number: null,
  revoked_at: null,
  revoked_by: null,
  revoked_by_name: null,
  revoke_reason: null,
  uses: 2,
  can_revoke: false,
  ...over,
});

describe('grants', () => {
  it('shows the expiry as a date in the holder unit’s zone with the days left, and links each camera', async () => {
    vi.useFakeTimers({ now: new Date('2026-12-06T05:00:00Z'), toFake: ['Date'] });
    stubFetch((c) => {
      if (c.path === '/units') return json({ items: [unit(50, 'Đồn Biên phòng', 'Asia/Ho_Chi_Minh', true)] });
      if (c.path === '/grants') return json({ items: [grant(), grant({ id: 5, status: 'expired', expires_at: '2026-12-05T20:00:00Z' })] });
      return json({ items: [] });
    });
    const root = mount(<GrantsPage tab="mine" id={null} />);
    await vi.waitFor(() => expect(root.querySelectorAll('[data-grant-id]').length).toBe(2));
    const expiry = [...root.querySelectorAll('[data-testid="grant-expiry"]')].map((e) => e.textContent);
    // 16:30 UTC on the 12th is 23:30 in Vietnam.
    expect(expiry).toEqual(['12/12/2026 23:30 (còn 6 ngày)', '06/12/2026 03:00 (đã hết hạn)']);
    const link = root.querySelector('[data-grant-id="4"] .grant-cameras a') as HTMLAnchorElement;
    expect(link.getAttribute('href')).toBe('#/cameras/11');
    expect(root.querySelector('[data-grant-id="5"] .grant-cameras a')).toBeNull();
    // Outside customs there is only one tab: theirs.
    expect(root.querySelector('nav.tabs')).toBeNull();
    expect(root.querySelector('.grant-case')).toBeNull();
  });

  it('opens the case whose information a grant gives', async () => {
    stubFetch((c) =>
      c.path === '/grants'
        ? json({ items: [grant({ id: 6, data_types: ['case_data'], camera_ids: [], cameras: [], from: null, to: null, case_id: 3, case_number: 'HP-2026-0003' })] })
        : json({ items: [] }),
    );
    const root = mount(<GrantsPage tab="mine" id={null} />);
    await vi.waitFor(() => expect(root.querySelector('[data-grant-id="6"]')).not.toBeNull());
    const link = root.querySelector('[data-grant-id="6"] .grant-case a') as HTMLAnchorElement;
    expect(link.textContent).toBe('Xem thông tin vụ việc HP-2026-0003');
    expect(link.getAttribute('href')).toBe('#/cases/3');
  });

  it('says how long is left in both languages', () => {
    const now = Date.parse('2026-12-06T05:00:00Z');
    expect(expiryText('2026-12-06T17:00:00Z', now)).toBe('còn dưới 1 ngày');
    expect(expiryText('2026-12-09T05:00:01Z', now, 'en')).toBe('3 days left');
    expect(expiryText('2026-12-06T05:00:00Z', now)).toBe('đã hết hạn');
  });

  it('asks for a reason before revoking, then revokes with it', async () => {
    const calls = stubFetch((c) => {
      if (c.path === '/grants') return json({ items: [grant({ can_revoke: true })] });
      if (c.path === '/grants/4/revoke') return json(grant({ status: 'revoked', revoked_at: '2026-12-06T05:10:00Z', revoke_reason: (c.body as { reason: string }).reason }));
      return json({ items: [] });
    });
    const leader: User = { ...borderGuard, id: 5, unit_id: 30, roles: [{ role: 'unit_leader', unit_id: 30 }] };
    const root = mount(<GrantsPage tab="issued" id={null} />, leader);
    await vi.waitFor(() => expect(root.querySelector('[data-grant-id="4"] button')?.textContent).toBe('Thu hồi'));
    (root.querySelector('[data-grant-id="4"] button') as HTMLButtonElement).click();
    await vi.waitFor(() => expect(root.querySelector('.revoke-form')).not.toBeNull());
    await submit(root.querySelector('.revoke-form'));
    await vi.waitFor(() => expect(root.querySelector('#revoke-4-err')?.textContent).toBe('Phải nêu lý do thu hồi.'));
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
    type(root.querySelector('#revoke-4'), 'Đã xác minh xong');
    await submit(root.querySelector('.revoke-form'));
    await vi.waitFor(() => expect(root.querySelector('[data-grant-id="4"] .badge.grant-status')?.textContent).toBe('Đã thu hồi'));
    expect(calls.filter((c) => c.method === 'POST')).toEqual([{ method: 'POST', path: '/grants/4/revoke', body: { reason: 'Đã xác minh xong' } }]);
  });
});

describe('a notification about a data request', () => {
  const n: Notification = {
    id: 8,
    kind: 'data_request.decided',
    case_id: null,
    coordination_id: null,
    data_request_id: 9,
    title_vi: 'Yêu cầu YC-2026-9 đã được chấp thuận',
    title_en: 'Request YC-2026-9 approved',
    severity: 'medium',
    created_at: '2026-12-06T05:00:00Z',
    read_at: null,
  };

  it('opens the request, named by its kind', () => {
    const root = mount(<InboxItem n={n} inbox={{ markRead: async () => undefined }} onError={() => undefined} />);
    expect(root.querySelector('a.inbox-title')?.getAttribute('href')).toBe('#/data-requests/9');
    expect(root.querySelector('.badge.kind')?.textContent).toBe('Yêu cầu khai thác dữ liệu đã có quyết định');
  });

  it('a data request wins over a case it names', () => {
    expect(notificationHref({ ...n, case_id: 12 })).toBe('#/data-requests/9');
    expect(notificationHref({ ...n, data_request_id: null, case_id: 12 })).toBe('#/cases/12');
  });
});

describe('the request page', () => {
  it('shows who decides and on what basis, the history, the decision with its reasons and the grant, and only the steps allowed', async () => {
    const r = request({
      status: 'approved',
      routing: {
        route: 'hq_leadership',
        operating_unit_id: 30,
        operating_unit_name: 'Cục Hải quan tỉnh Lạng Sơn',
        decider_unit_id: 2,
        decider_unit_name: 'Lãnh đạo Tổng cục',
        focal_unit_id: 3,
        focal_unit_name: 'Phòng Tổng hợp - Văn phòng Tổng cục',
        relationship_id: null,
        basis_vi: 'Điều 16 khoản 3: ngoài quan hệ phối hợp công tác',
        basis_en: 'Art. 16(3): outside any working relationship',
        explanation_vi: 'Đơn vị ngoài ngành đề nghị tải về: trình Lãnh đạo Tổng cục qua đầu mối.',
        explanation_en: 'Download by an outside agency: to the leadership through the focal point.',
        reasons: [{ code: 'outside_download', vi: 'Đơn vị ngoài ngành đề nghị tải về', en: 'Download by an outside agency' }],
      },
      history: [
        { at: '2026-12-05T02:00:00Z', by: 70, by_name: 'Hoàng Văn Biên', action: 'submitted', text: null },
        { at: '2026-12-05T03:00:00Z', by: 9, by_name: 'Nguyễn Văn Cẩn', action: 'decided', text: 'Chấp thuận phạm vi hẹp hơn' },
      ],
      decision: {
        decision: 'approve_narrower',
        reasons: 'Chỉ camera làn xe nhập liên quan',
        decided_by: 9,
        decided_by_name: 'Nguyễn Văn Cẩn',
        decided_at: '2026-12-05T03:00:00Z',
        scope: { camera_ids: [11], from: '2026-12-01T01:00:00.000Z', to: '2026-12-01T03:00:00.000Z', mode: 'view', access_days: 7, data_types: ['recordings'] },
      },
      grant_id: 4,
      can: { forward: false, decide: false, answer: false, withdraw: false },
    });
    stubFetch((c) => (c.path === '/data-requests/9' ? json(r) : json({ items: [] })));
    const root = mount(<DataRequestDetailPage id={9} />);
    await vi.waitFor(() => expect(root.querySelector('h1')?.textContent).toBe('Yêu cầu khai thác dữ liệu YC-2026-9'));
    const routing = root.querySelector('[data-testid="sharing-routing"]')!;
    expect(routing.querySelector('.routing-clause')?.textContent).toBe('Trình Lãnh đạo Tổng cục qua đầu mối');
    expect(routing.textContent).toContain('Căn cứ: Điều 16 khoản 3: ngoài quan hệ phối hợp công tác');
    expect(routing.textContent).toContain('Đầu mối trìnhPhòng Tổng hợp - Văn phòng Tổng cục');
    expect(routing.querySelector('.routing-reasons')?.textContent).toBe('Đơn vị ngoài ngành đề nghị tải về');
    const decision = root.querySelector('[data-testid="request-decision"]')!;
    expect(decision.textContent).toContain('Chấp thuận phạm vi hẹp hơn');
    expect(decision.querySelector('.decision-reasons')?.textContent).toBe('Chỉ camera làn xe nhập liên quan');
    expect(decision.textContent).toContain('Làn xe nhập (Cửa khẩu Hữu Nghị)');
    expect(decision.textContent).not.toContain('Bãi kiểm hóa');
    expect(decision.textContent).toContain('01/12/2026 08:00 – 01/12/2026 10:00');
    expect(root.querySelector('[data-testid="grant-link"]')?.getAttribute('href')).toBe('#/grants/4');
    expect([...root.querySelectorAll('[data-testid="request-history"] li')].map((li) => li.querySelector('.tl-text strong')?.textContent)).toEqual([
      'Gửi yêu cầu',
      'Quyết định',
    ]);
    // Nothing is left to do on a decided request.
    expect(root.querySelector('#dr-actions-h')).toBeNull();
  });

  it('names the case: as a link inside customs, as text for the outside requester', async () => {
    stubFetch((c) => (c.path === '/data-requests/9' ? json(request({ data_types: ['case_data'], case_id: 3, case_number: 'HP-2026-0003' })) : json({ items: [] })));
    const outside = mount(<DataRequestDetailPage id={9} />);
    await vi.waitFor(() => expect(outside.querySelector('[data-testid="request-case"]')?.textContent).toBe('HP-2026-0003'));
    expect(outside.querySelector('[data-testid="request-case"] a')).toBeNull();
    const officer: User = { ...borderGuard, id: 8, unit_id: 30, roles: [{ role: 'supervision_officer', unit_id: 30 }] };
    const inside = mount(<DataRequestDetailPage id={9} />, officer);
    await vi.waitFor(() => expect(inside.querySelector('[data-testid="request-case"] a')?.getAttribute('href')).toBe('#/cases/3'));
  });

  it('offers the requester the answer to a request for information, and sends it', async () => {
    const calls = stubFetch((c) =>
      c.path === '/data-requests/9/answer'
        ? json(request({ status: 'pending', can: { forward: false, decide: false, answer: false, withdraw: true } }))
        : c.path === '/data-requests/9'
          ? json(request({ status: 'info_requested', can: { forward: false, decide: false, answer: true, withdraw: true } }))
          : json({ items: [] }),
    );
    const root = mount(<DataRequestDetailPage id={9} />);
    await vi.waitFor(() => expect(root.querySelector('#dr-actions-h')).not.toBeNull());
    const buttons = [...root.querySelectorAll<HTMLButtonElement>('.toolbar button')];
    expect(buttons.map((b) => b.textContent)).toEqual(['Bổ sung thông tin', 'Rút yêu cầu']);
    buttons[0].click();
    await vi.waitFor(() => expect(root.querySelector('#dr-answer')).not.toBeNull());
    type(root.querySelector('#dr-answer'), 'Biển số xe 12C-345.67, khoảng 9 giờ sáng');
    await submit(root.querySelector('form[aria-label="Bổ sung thông tin"]'));
    await vi.waitFor(() => expect(root.textContent).toContain('Đã gửi thông tin bổ sung.'));
    expect(calls.find((c) => c.method === 'POST')).toEqual({ method: 'POST', path: '/data-requests/9/answer', body: { text: 'Biển số xe 12C-345.67, khoảng 9 giờ sáng' } });
    expect(root.querySelector('.badge.request-status')?.textContent).toBe('Chờ quyết định');
  });
});

class NoSocket {
  onopen: unknown = null;
  onclose: unknown = null;
  onmessage: unknown = null;
  onerror: unknown = null;
  close() {}
  send() {}
}

describe('a case read through a grant of case information', () => {
  const shared: SharedCase = {
    id: 3,
    number: 'HP-2026-0003',
    status: 'concluded',
    method: 'regular',
    severity: 'high',
    observed_at: '2026-11-28T02:10:00Z',
    site: 'Cảng Hải Phòng, bãi container số 3',
    unit_id: 20,
    unit_name: 'Cục Hải quan TP. Hải Phòng',
    unit_name_en: 'Hai Phong Customs Department',
    cameras: [],
    subject: 'goods',
    description: 'Xe đầu kéo rời bãi khi chưa hoàn thành thủ tục',
    suspected_violation: 'Đưa hàng ra khỏi khu vực giám sát trái phép',
    identifiers: { declarations: [], containers: ['TGHU1234567'], plates: ['15C-123.45'], seals: [], persons: [], baggage: [] },
    reported_at: '2026-11-28T02:15:00Z',
    outcome: 'administrative_violation',
    concluded_at: '2026-11-29T08:00:00Z',
    closed_at: null,
    shared: { grant_id: 4, request_number: 'YC-2026-9', expires_at: '2026-12-12T16:30:00Z' },
  };

  it('shows the facts and the outcome read-only, says under which grant until when, and asks for nothing else', async () => {
    vi.stubGlobal('WebSocket', NoSocket);
    const calls = stubFetch((c) => (c.path === '/cases/3' ? json(shared) : json({ items: [] })));
    const root = mount(<CaseDetailPage caseId={3} />);
    await vi.waitFor(() => expect(root.querySelector('[data-testid="case-shared"]')).not.toBeNull());
    // 16:30 UTC is 23:30 in Vietnam.
    expect(root.querySelector('[data-testid="case-shared"]')?.textContent).toBe('Thông tin vụ việc được chia sẻ theo quyền khai thác YC-2026-9, hết hạn 12/12/2026 23:30.');
    expect(root.querySelector('h1')?.textContent).toBe('Vụ việc HP-2026-0003');
    const facts = root.querySelector('dl.props')!.textContent;
    expect(facts).toContain('Xe đầu kéo rời bãi khi chưa hoàn thành thủ tục');
    expect(facts).toContain('Đưa hàng ra khỏi khu vực giám sát trái phép');
    expect(facts).toContain('TGHU1234567');
    expect(facts).toContain('Cảng Hải Phòng, bãi container số 3');
    expect(facts).toContain('Xử lý vi phạm hành chính');
    expect(facts).not.toContain('Người báo cáo');
    expect(root.querySelector('a.btn')?.getAttribute('href')).toBe('#/grants/4');
    // No step to take, no timeline, no evidence, no relay: and none of them asked for.
    await new Promise((r) => setTimeout(r, 20));
    expect(root.querySelectorAll('button')).toHaveLength(0);
    expect(root.querySelector('#timeline-h, [data-testid="relay"], [data-testid="routing"]')).toBeNull();
    expect(calls.map((c) => c.path).filter((p) => p !== '/units')).toEqual(['/cases/3']);
  });

  it('after the grant lapses, says so with the server’s words only', async () => {
    vi.stubGlobal('WebSocket', NoSocket);
    stubFetch((c) =>
      c.path === '/cases/3'
        ? json(
            {
              type: 'urn:watchfloor:problem:grant-expired',
              title: 'The grant has expired',
              title_vi: 'Quyền khai thác đã hết hạn',
              status: 403,
              detail: 'Grant 4 expired on 12/12/2026 23:30',
              detail_vi: 'Quyền khai thác số 4 đã hết hạn lúc 12/12/2026 23:30',
            },
            403,
          )
        : json({ items: [] }),
    );
    const root = mount(<CaseDetailPage caseId={3} />);
    await vi.waitFor(() => expect(root.querySelector('.alert-error')?.textContent).toContain('Quyền khai thác đã hết hạn'));
    expect(root.querySelector('.alert-error')?.textContent).toContain('Quyền khai thác số 4 đã hết hạn lúc 12/12/2026 23:30');
    // Not the "ask an administrator" of a page one may never open.
    expect(root.querySelector('.alert-error ul')).toBeNull();
  });
});
