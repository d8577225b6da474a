// @vitest-environment happy-dom
import { render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, RELAY_STAGES, setCsrfToken, type Case, type Relay, type RelayStage, type Task, type User } from './api';
import { setLang } from './i18n';
import { CaseFormPage } from './pages/Cases';
import { CaseDetailPage } from './pages/CaseDetail';
import { RelayPanel } from './pages/CaseRelay';
import { PlanApproval } from './pages/Tasks';
import { AppContext, type AppState } from './session';

const VN = 'Asia/Ho_Chi_Minh';
const tick = () => new Promise((r) => setTimeout(r, 0));

function mount(node: preact.ComponentChild) {
  const root = document.createElement('div');
  document.body.appendChild(root);
  render(node, root);
  return root;
}

afterEach(() => {
  render(null, document.body);
  document.body.innerHTML = '';
  setLang('vi');
  vi.unstubAllGlobals();
});

const cẩn = { user_id: 31, full_name: 'Nguyễn Văn Cẩn', username: 'lanhdao.tc' };
const cường = { user_id: 32, full_name: 'Hoàng Việt Cường', username: 'pholanhdao.tc' };

const STAGE_TEXT: Record<RelayStage, string> = {
  at_focal_point: 'Chờ đầu mối chuyển Lãnh đạo',
  at_focal_leadership: 'Chờ lãnh đạo đơn vị đầu mối chuyển (quá hạn)',
  forwarded: 'Đã chuyển Lãnh đạo, chờ chỉ đạo',
  sent_to_leaders: 'Đã gửi thẳng Lãnh đạo (đầu mối quá hạn), chờ chỉ đạo',
  directed: 'Có chỉ đạo, chờ đầu mối chuyển đơn vị',
  direction_relayed: 'Đầu mối đã chuyển chỉ đạo đến đơn vị',
  direction_sent: 'Đã gửi thẳng chỉ đạo đến đơn vị (đầu mối quá hạn)',
};

const LATE_FORWARD = { vi: 'Đầu mối không chuyển báo cáo trong thời hạn (15 phút mỗi bước): gửi thẳng Lãnh đạo', en: 'Sent directly' };
const LATE_DIRECTION = { vi: 'Đầu mối không chuyển ý kiến chỉ đạo trong 15 phút: gửi thẳng đơn vị', en: 'Direction sent directly' };

/** The relay as the server gives it at `stage`, with what the earlier hops recorded. */
function relay(stage: RelayStage, over: Partial<Relay> = {}): Relay {
  const i = RELAY_STAGES.indexOf(stage);
  const bypassed = stage === 'sent_to_leaders';
  const forwarded = i >= 2 && !bypassed;
  const directed = i >= 4;
  const waiting = stage === 'at_focal_point' || stage === 'at_focal_leadership' || stage === 'directed';
  return {
    stage,
    stage_vi: STAGE_TEXT[stage],
    stage_en: stage,
    focal_unit_id: 3,
    focal_unit_name: 'Phòng Tổng hợp - Văn phòng Tổng cục',
    hq_unit_id: 1,
    hq_unit_name: 'Tổng cục Hải quan',
    due_at: waiting ? (directed ? '2026-11-28T06:30:00Z' : '2026-11-28T04:27:00Z') : null,
    overdue: false,
    leaders: bypassed ? [cẩn, cường] : forwarded || directed ? [cẩn] : [],
    summary: forwarded ? 'Container TCNU1234567 nghi cắt niêm phong tại cảng Tân Vũ' : null,
    proposal: forwarded ? 'Đề nghị chỉ đạo kiểm tra thực tế' : null,
    forwarded_by: forwarded ? 40 : null,
    forwarded_by_name: forwarded ? 'Trần Thị Hạnh' : null,
    forwarded_at: forwarded ? '2026-11-28T04:20:00Z' : null,
    bypass_reason: bypassed ? LATE_FORWARD : stage === 'direction_sent' ? LATE_DIRECTION : null,
    direction: directed ? 'Yêu cầu Chi cục kiểm tra thực tế lô hàng, báo cáo kết quả trước 17 giờ' : null,
    directed_by: directed ? 31 : null,
    directed_by_name: directed ? 'Nguyễn Văn Cẩn' : null,
    directed_at: directed ? '2026-11-28T05:00:00Z' : null,
    relay_note: stage === 'direction_relayed' ? 'Đã gọi điện cho Chi cục' : null,
    relayed_by: stage === 'direction_relayed' ? 40 : null,
    relayed_by_name: stage === 'direction_relayed' ? 'Trần Thị Hạnh' : null,
    relayed_at: stage === 'direction_relayed' ? '2026-11-28T05:10:00Z' : null,
    actions: [],
    candidates: [],
    ...over,
  };
}

function kase(r: Relay | null, over: Partial<Case> = {}): Case {
  return {
    id: 7,
    number: 'HP-2026-0007',
    unit_id: 23,
    unit_name: 'Chi cục Hải quan cửa khẩu cảng Hải Phòng khu vực I',
    task_id: 4,
    task_title: 'Theo dõi lô hàng điện tử',
    method: 'keypoint_directive',
    status: 'reported',
    severity: 'high',
    observed_at: '2026-11-28T04:10:00Z',
    site: 'Cổng B cảng Tân Vũ',
    site_unit_id: null,
    site_unit_name: null,
    cameras: [],
    subject: 'goods',
    description: 'Container có dấu hiệu bị cắt niêm phong',
    suspected_violation: '',
    immediate_measure: '',
    identifiers: { declarations: [], containers: ['TCNU1234567'], plates: [], seals: [], persons: [], baggage: [] },
    reported_by: 15,
    reported_by_name: 'Lương Văn Sơn',
    reported_at: '2026-11-28T04:12:00Z',
    reporter_on_duty: false,
    routing: null,
    acknowledged_by: null,
    acknowledged_by_name: null,
    acknowledged_at: null,
    outcome: null,
    outcome_note: null,
    concluded_at: null,
    closed_at: null,
    relay: r,
    proposals: [],
    coordination: [],
    my_role: 'approver',
    created_by: 15,
    created_at: '2026-11-28T04:11:00Z',
    updated_at: '2026-11-28T04:12:00Z',
    ...over,
  };
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status });
const problem = (status: number, slug: string, extra: object = {}) =>
  json({ type: `urn:watchfloor:problem:${slug}`, title: 'Refused', title_vi: 'Bị từ chối', status, ...extra }, status);

interface Call {
  method: string;
  url: string;
  body: unknown;
}

/** fetch answered by `answer`, every call recorded with its parsed body. */
function stubFetch(answer: (c: Call) => Response): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit = {}) => {
      const c = { method: init.method ?? 'GET', url, body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined };
      calls.push(c);
      return answer(c);
    }),
  );
  setCsrfToken('tok');
  return calls;
}

const hops = (root: Element) => [...root.querySelectorAll('.relay-step')].map((li) => `${li.getAttribute('data-hop')}:${li.className.split('rs-')[1]}`);
const hop = (root: Element, name: string) => root.querySelector(`.relay-step[data-hop="${name}"]`)!;
const type = (el: Element | null, value: string) => {
  const input = el as HTMLTextAreaElement;
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
};
const submit = (form: Element | null) => form!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
const buttons = (root: Element) => [...root.querySelectorAll('.relay-actions .toolbar button')].map((b) => b.textContent);

function panel(r: Relay, handlers: Partial<Parameters<typeof RelayPanel>[0]> = {}) {
  return mount(<RelayPanel c={kase(r)} tz={VN} onDone={() => undefined} onProblem={() => undefined} {...handlers} />);
}

describe('Art. 16.4(c) relay panel: each hop through the focal point', () => {
  it('shows nothing for a case that does not go through the focal point', () => {
    expect(mount(<RelayPanel c={kase(null)} tz={VN} onDone={() => undefined} onProblem={() => undefined} />).innerHTML).toBe('');
  });

  it('waits at the focal point with its deadline in the unit’s time', () => {
    const root = panel(relay('at_focal_point'));
    expect(root.querySelector('h2')?.textContent).toBe('Báo cáo Lãnh đạo qua đầu mối (Điều 16.4.c)');
    expect(root.querySelector('.relay-stage')?.textContent).toBe('Bước hiện tại: Chờ đầu mối chuyển Lãnh đạo');
    expect(hops(root)).toEqual(['reported:done', 'focal_point:current', 'forwarded:pending', 'direction:pending', 'units:pending']);
    expect(hop(root, 'reported').textContent).toContain('Chi cục Hải quan cửa khẩu cảng Hải Phòng khu vực I');
    expect(hop(root, 'reported').textContent).toContain('Lương Văn Sơn, 28/11/2026 11:12');
    expect(hop(root, 'focal_point').getAttribute('aria-current')).toBe('step');
    expect(hop(root, 'focal_point').textContent).toContain('Phòng Tổng hợp - Văn phòng Tổng cục');
    expect(hop(root, 'focal_point').querySelector('.relay-due')?.textContent).toBe('Hạn chuyển Lãnh đạo: 28/11/2026 11:27');
    expect(root.querySelector('.overdue-mark')).toBeNull();
  });

  it('marks an overdue hop', () => {
    const root = panel(relay('at_focal_point', { overdue: true }));
    expect(hop(root, 'focal_point').querySelector('.relay-due .overdue-mark')?.textContent).toBe('Quá hạn');
  });

  it('says when the focal point’s leadership was asked to see it forwarded', () => {
    const root = panel(relay('at_focal_leadership'));
    expect(hops(root)).toEqual(['reported:done', 'focal_point:current', 'forwarded:pending', 'direction:pending', 'units:pending']);
    expect(hop(root, 'focal_point').querySelector('.alert-warn')?.textContent).toContain('đã báo lãnh đạo đơn vị đầu mối');
    expect(root.querySelector('.relay-stage')?.textContent).toContain('Chờ lãnh đạo đơn vị đầu mối chuyển (quá hạn)');
  });

  it('shows whom the focal point forwarded it to, its summary and proposal, then waits for the direction', () => {
    const root = panel(relay('forwarded'));
    expect(hops(root)).toEqual(['reported:done', 'focal_point:done', 'forwarded:done', 'direction:current', 'units:pending']);
    const f = hop(root, 'forwarded');
    expect(f.querySelector('.relay-leaders')?.textContent).toBe('Lãnh đạo nhận báo cáo: Nguyễn Văn Cẩn');
    expect(f.textContent).toContain('Người chuyển: Trần Thị Hạnh, 28/11/2026 11:20');
    expect(f.textContent).toContain('Tóm tắt nội dung báo cáoContainer TCNU1234567 nghi cắt niêm phong');
    expect(f.textContent).toContain('Đề xuấtĐề nghị chỉ đạo kiểm tra thực tế');
    expect(f.querySelector('.relay-bypass')).toBeNull();
    expect(hop(root, 'direction').textContent).toContain('Chờ Lãnh đạo cho ý kiến chỉ đạo.');
    expect(root.querySelector('.relay-due')).toBeNull();
  });

  it('highlights why the report went to the leaders past the focal point', () => {
    const root = panel(relay('sent_to_leaders'));
    expect(hops(root)).toEqual(['reported:done', 'focal_point:done', 'forwarded:done', 'direction:current', 'units:pending']);
    const f = hop(root, 'forwarded');
    expect(f.textContent).toContain('Gửi thẳng Lãnh đạo, không qua đầu mối');
    expect(f.querySelector('.relay-bypass.alert-warn')?.textContent).toBe(`Lý do: ${LATE_FORWARD.vi}`);
    expect(f.querySelector('.relay-leaders')?.textContent).toBe('Lãnh đạo nhận báo cáo: Nguyễn Văn Cẩn, Hoàng Việt Cường');
  });

  it('shows the direction, who gave it and when, and the focal point’s deadline to pass it on', () => {
    const root = panel(relay('directed', { overdue: true }));
    expect(hops(root)).toEqual(['reported:done', 'focal_point:done', 'forwarded:done', 'direction:done', 'units:current']);
    const d = hop(root, 'direction');
    expect(d.querySelector('.relay-direction')?.textContent).toBe('Yêu cầu Chi cục kiểm tra thực tế lô hàng, báo cáo kết quả trước 17 giờ');
    expect(d.textContent).toContain('Lãnh đạo cho ý kiến: Nguyễn Văn Cẩn, 28/11/2026 12:00');
    expect(hop(root, 'units').querySelector('.relay-due')?.textContent).toBe('Hạn chuyển chỉ đạo đến đơn vị: 28/11/2026 13:30Quá hạn');
  });

  it('shows the direction passed on to the units, by whom, with the note', () => {
    const root = panel(relay('direction_relayed'));
    expect(hops(root)).toEqual(['reported:done', 'focal_point:done', 'forwarded:done', 'direction:done', 'units:done']);
    const u = hop(root, 'units');
    expect(u.textContent).toContain('Người chuyển: Trần Thị Hạnh, 28/11/2026 12:10');
    expect(u.textContent).toContain('Ghi chú của đầu mối: Đã gọi điện cho Chi cục');
    expect(root.querySelector('[aria-current]')).toBeNull();
  });

  it('highlights why the direction went to the units past the focal point', () => {
    const root = panel(relay('direction_sent'));
    expect(hops(root)).toEqual(['reported:done', 'focal_point:done', 'forwarded:done', 'direction:done', 'units:done']);
    const u = hop(root, 'units');
    expect(u.textContent).toContain('Gửi thẳng chỉ đạo đến đơn vị, không qua đầu mối');
    expect(u.querySelector('.relay-bypass')?.textContent).toBe(`Lý do: ${LATE_DIRECTION.vi}`);
    expect(hop(root, 'forwarded').querySelector('.relay-bypass')).toBeNull();
  });

  it('reads in English when chosen', () => {
    setLang('en');
    const root = panel(relay('sent_to_leaders'));
    expect(root.querySelector('h2')?.textContent).toBe('Report to the leadership through the focal point (Art. 16.4(c))');
    expect(root.querySelector('.relay-stage')?.textContent).toBe('Current step: sent_to_leaders');
    expect(hop(root, 'forwarded').querySelector('.relay-bypass')?.textContent).toBe('Reason: Sent directly');
  });
});

describe('Art. 16.4(c) relay panel: the step the user may take', () => {
  it('offers no button when the server lists no action for the user', () => {
    for (const s of RELAY_STAGES) {
      const root = panel(relay(s, { candidates: [cẩn] }));
      expect(root.querySelectorAll('button').length, s).toBe(0);
      root.remove();
    }
  });

  it('offers exactly the actions the server lists', () => {
    expect(buttons(panel(relay('at_focal_point', { actions: ['forward'], candidates: [cẩn] })))).toEqual(['Chuyển Lãnh đạo']);
    expect(buttons(panel(relay('forwarded', { actions: ['direct'] })))).toEqual(['Cho ý kiến chỉ đạo']);
    expect(buttons(panel(relay('directed', { actions: ['relay_direction'] })))).toEqual(['Chuyển chỉ đạo đến đơn vị']);
  });

  it('forwards to the leaders ticked with the summary and the proposal, exactly', async () => {
    const after = kase(relay('forwarded'));
    const calls = stubFetch(() => json(after));
    const done: [Case, string][] = [];
    const root = panel(relay('at_focal_point', { actions: ['forward'], candidates: [cẩn, cường] }), { onDone: (c, m) => done.push([c, m]) });
    (root.querySelector('.relay-actions .toolbar button') as HTMLButtonElement).click();
    await tick();
    const form = root.querySelector('form[aria-label="Chuyển Lãnh đạo"]')!;
    expect([...form.querySelectorAll('fieldset label')].map((l) => l.textContent)).toEqual([
      'Nguyễn Văn Cẩn (lanhdao.tc)',
      'Hoàng Việt Cường (pholanhdao.tc)',
    ]);
    (form.querySelector('#relay-leader-32') as HTMLInputElement).click();
    type(form.querySelector('#relay-summary'), '  Container TCNU1234567 nghi cắt niêm phong ');
    type(form.querySelector('#relay-proposal'), 'Đề nghị chỉ đạo kiểm tra thực tế');
    await tick();
    submit(form);
    await vi.waitFor(() => expect(done.length).toBe(1));
    expect(calls).toEqual([
      {
        method: 'POST',
        url: '/api/v1/cases/7/forward',
        body: { leader_ids: [32], summary: 'Container TCNU1234567 nghi cắt niêm phong', proposal: 'Đề nghị chỉ đạo kiểm tra thực tế' },
      },
    ]);
    expect(done[0]).toEqual([after, 'Đã chuyển báo cáo đến Lãnh đạo.']);
  });

  it('asks for a leader and a summary without calling the server', async () => {
    const calls = stubFetch(() => json({}));
    const root = panel(relay('at_focal_point', { actions: ['forward'], candidates: [cẩn] }));
    (root.querySelector('.relay-actions .toolbar button') as HTMLButtonElement).click();
    await tick();
    submit(root.querySelector('form'));
    await tick();
    expect(root.querySelector('#relay-leaders-err')?.textContent).toBe('Chọn ít nhất một Lãnh đạo.');
    expect(root.querySelector('#relay-summary-err')?.textContent).toBe('Bắt buộc');
    expect(calls).toEqual([]);
  });

  it('shows the server’s refusal of a leader next to the leaders, naming that leader', async () => {
    stubFetch(() =>
      problem(422, 'validation', {
        errors: [{ field: 'leader_ids[0]', message_vi: 'Không phải Lãnh đạo nhận báo cáo theo Điều 16 khoản 4 điểm c', message_en: 'Not a leader' }],
      }),
    );
    const problems: unknown[] = [];
    const root = panel(relay('at_focal_point', { actions: ['forward'], candidates: [cẩn, cường] }), { onProblem: (e) => problems.push(e) });
    (root.querySelector('.relay-actions .toolbar button') as HTMLButtonElement).click();
    await tick();
    (root.querySelector('#relay-leader-31') as HTMLInputElement).click();
    type(root.querySelector('#relay-summary'), 'Tóm tắt');
    await tick();
    submit(root.querySelector('form'));
    await vi.waitFor(() => expect(root.querySelector('#relay-leaders-err')).not.toBeNull());
    const fieldset = root.querySelector('form fieldset')!;
    expect(fieldset.querySelector('#relay-leaders-err')?.textContent).toBe('Nguyễn Văn Cẩn: Không phải Lãnh đạo nhận báo cáo theo Điều 16 khoản 4 điểm c');
    expect(fieldset.classList.contains('has-error')).toBe(true);
    expect(fieldset.getAttribute('aria-describedby')).toBe('relay-leaders-err');
    expect(root.querySelector('form .alert-error li')).toBeNull(); // not repeated in the form's box
    expect(problems).toEqual([]);
  });

  it('hands a refusal by the rule to the page and keeps the form', async () => {
    stubFetch(() => problem(403, 'forbidden-by-rule', { detail_vi: 'Chỉ đầu mối chuyển báo cáo', detail: 'Only the focal point' }));
    const problems: unknown[] = [];
    const root = panel(relay('at_focal_point', { actions: ['forward'], candidates: [cẩn] }), { onProblem: (e) => problems.push(e) });
    (root.querySelector('.relay-actions .toolbar button') as HTMLButtonElement).click();
    await tick();
    (root.querySelector('#relay-leader-31') as HTMLInputElement).click();
    type(root.querySelector('#relay-summary'), 'Tóm tắt');
    await tick();
    submit(root.querySelector('form'));
    await vi.waitFor(() => expect(problems.length).toBe(1));
    expect((problems[0] as ApiError).status).toBe(403);
    expect((problems[0] as ApiError).slug).toBe('forbidden-by-rule');
    expect(root.querySelector('form')).not.toBeNull();
    expect(root.querySelector('.field-error')).toBeNull();
  });

  it('records the leader’s direction', async () => {
    const calls = stubFetch(() => json(kase(relay('directed'))));
    const root = panel(relay('forwarded', { actions: ['direct'] }));
    (root.querySelector('.relay-actions .toolbar button') as HTMLButtonElement).click();
    await tick();
    submit(root.querySelector('form'));
    await tick();
    expect(root.querySelector('#relay-direction-err')?.textContent).toBe('Bắt buộc');
    type(root.querySelector('#relay-direction'), 'Kiểm tra thực tế lô hàng');
    await tick();
    submit(root.querySelector('form'));
    await vi.waitFor(() => expect(calls.length).toBe(1));
    expect(calls[0]).toEqual({ method: 'POST', url: '/api/v1/cases/7/direct', body: { direction: 'Kiểm tra thực tế lô hàng' } });
  });

  it('passes the direction on to the units, with or without a note', async () => {
    const calls = stubFetch(() => json(kase(relay('direction_relayed'))));
    const root = panel(relay('directed', { actions: ['relay_direction'] }));
    (root.querySelector('.relay-actions .toolbar button') as HTMLButtonElement).click();
    await tick();
    submit(root.querySelector('form'));
    await vi.waitFor(() => expect(root.querySelector('form')).toBeNull()); // done: the form closes
    expect(calls.length).toBe(1);
    (root.querySelector('.relay-actions .toolbar button') as HTMLButtonElement).click();
    await tick();
    type(root.querySelector('#relay-note'), 'Đã gọi điện cho Chi cục');
    await tick();
    submit(root.querySelector('form'));
    await vi.waitFor(() => expect(calls.length).toBe(2));
    expect(calls.map((c) => [c.url, c.body])).toEqual([
      ['/api/v1/cases/7/relay-direction', {}],
      ['/api/v1/cases/7/relay-direction', { note: 'Đã gọi điện cho Chi cục' }],
    ]);
  });
});

const user = { id: 40, username: 'tonghop.vp', full_name: 'Trần Thị Hạnh', unit_id: 3, roles: [{ role: 'office_officer', unit_id: 3 }] } as unknown as User;
const app: AppState = { user, meta: null, lang: 'vi', refreshUser: async () => undefined };

class NoSocket {
  onopen: unknown = null;
  onclose: unknown = null;
  onmessage: unknown = null;
  onerror: unknown = null;
  close() {}
  send() {}
}

describe('the case page', () => {
  it('shows a refusal of a relay step in the page’s problem box, and where the case is after a 409', async () => {
    vi.stubGlobal('WebSocket', NoSocket);
    let stage: RelayStage = 'at_focal_point';
    const calls = stubFetch((c) => {
      if (c.url === '/api/v1/units') return json({ items: [] });
      if (c.url === '/api/v1/cases/7/timeline') return json({ items: [] });
      if (c.url === '/api/v1/cases/7' && c.method === 'GET')
        return json(kase(relay(stage, stage === 'at_focal_point' ? { actions: ['forward'], candidates: [cẩn] } : {})));
      stage = 'sent_to_leaders'; // the deadline lapsed meanwhile
      return problem(409, 'conflict', { detail_vi: 'Không thực hiện được bước này khi vụ việc đang ở bước: Đã gửi thẳng Lãnh đạo', detail: 'Wrong stage' });
    });
    const root = mount(
      <AppContext.Provider value={app}>
        <CaseDetailPage caseId={7} />
      </AppContext.Provider>,
    );
    await vi.waitFor(() => expect(root.querySelector('[data-testid="relay"]')).not.toBeNull());
    (root.querySelector('.relay-actions .toolbar button') as HTMLButtonElement).click();
    await tick();
    (root.querySelector('#relay-leader-31') as HTMLInputElement).click();
    type(root.querySelector('#relay-summary'), 'Tóm tắt');
    await tick();
    submit(root.querySelector('form[aria-label="Chuyển Lãnh đạo"]'));
    await vi.waitFor(() => expect(root.querySelector('[data-testid="relay"]')?.getAttribute('data-stage')).toBe('sent_to_leaders'));
    const box = root.querySelector('section.case-detail > .alert-error');
    expect(box?.textContent).toContain('Không thực hiện được bước này khi vụ việc đang ở bước: Đã gửi thẳng Lãnh đạo');
    expect(root.querySelector('.relay-actions')).toBeNull();
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.url)).toEqual(['/api/v1/cases/7/forward']);
  });
});

describe('key-point plan approval', () => {
  const plan = (over: Partial<Task> = {}): Task => ({
    id: 4,
    unit_id: 20,
    unit_name: 'Cục Hải quan TP. Hải Phòng',
    method: 'keypoint_plan',
    title: 'Kế hoạch giám sát trọng điểm hàng quá cảnh',
    description: '',
    period_from: '2026-12-01T01:00:00.000Z',
    period_to: null,
    status: 'awaiting_approval',
    directive: null,
    officers: [],
    targets: [],
    created_by: 12,
    created_by_name: 'Trịnh Hoàng Nam',
    created_at: '2026-11-30T02:00:00.000Z',
    approved_by: null,
    approved_at: null,
    updated_at: '2026-11-30T02:00:00.000Z',
    ...over,
  });

  it('approves a plan that awaits its unit’s leadership', async () => {
    const approved = plan({ status: 'active', approved_by: 10, approved_by_name: 'Ngô Văn Khánh', approved_at: '2026-11-30T03:00:00.000Z' });
    const calls = stubFetch(() => json(approved));
    const got: Task[] = [];
    const root = mount(<PlanApproval task={plan()} tz={VN} onApproved={(x) => got.push(x)} />);
    expect(root.textContent).toContain('chưa báo cáo vụ việc theo kế hoạch này được');
    const button = root.querySelector('button')!;
    expect(button.textContent).toBe('Phê duyệt kế hoạch');
    button.click();
    await vi.waitFor(() => expect(got).toEqual([approved]));
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual(['POST /api/v1/tasks/4/approve']);
  });

  it('shows the refusal of someone who is not the plan unit’s leadership', async () => {
    stubFetch(() => problem(403, 'forbidden-by-rule', { detail_vi: 'Chỉ lãnh đạo đơn vị chủ trì kế hoạch được phê duyệt', detail: 'Only its leadership' }));
    const got: Task[] = [];
    const root = mount(<PlanApproval task={plan()} tz={VN} onApproved={(x) => got.push(x)} />);
    root.querySelector('button')!.click();
    await vi.waitFor(() => expect(root.querySelector('.alert-error')?.textContent).toBe('Bị từ chốiChỉ lãnh đạo đơn vị chủ trì kế hoạch được phê duyệt'));
    expect(got).toEqual([]);
  });

  it('says who approved a plan and when, without a button', () => {
    const root = mount(
      <PlanApproval
        task={plan({ status: 'active', approved_by: 10, approved_by_name: 'Ngô Văn Khánh', approved_at: '2026-11-30T03:00:00.000Z' })}
        tz={VN}
        onApproved={() => undefined}
      />,
    );
    expect(root.querySelector('[data-testid="task-approved"]')?.textContent).toBe('Phê duyệt: Ngô Văn Khánh, 30/11/2026 10:00');
    expect(root.querySelector('button')).toBeNull();
    expect(mount(<PlanApproval task={plan({ status: 'active', method: 'regular' })} tz={VN} onApproved={() => undefined} />).innerHTML).toBe('');
  });
});

describe('Art. 8: passenger baggage on the report form', () => {
  const officer = { id: 15, username: 'canbo.hpkv1', full_name: 'Lương Văn Sơn', unit_id: 23, roles: [{ role: 'supervision_officer', unit_id: 23 }] } as unknown as User;

  async function form() {
    const root = mount(
      <AppContext.Provider value={{ ...app, user: officer }}>
        <CaseFormPage caseId={null} />
      </AppContext.Provider>,
    );
    await vi.waitFor(() => expect(root.querySelector('#cr-id-baggage')).not.toBeNull());
    return root;
  }
  const label = (root: Element, id: string) => root.querySelector(`label[for="${id}"]`)?.textContent;
  const marked = (root: Element) =>
    [...root.querySelectorAll('.field.required > label')].map((l) => l.getAttribute('for'));

  it('asks for the baggage next to the persons, and marks what Art. 8 requires when the subject is baggage', async () => {
    stubFetch(() => json({ items: [] }));
    const root = await form();
    const ids = [...root.querySelectorAll('[id^="cr-id-"]')].map((e) => e.id);
    expect(ids.slice(-2)).toEqual(['cr-id-persons', 'cr-id-baggage']);
    expect(label(root, 'cr-id-baggage')).toBe('Hành lý (số thẻ, mô tả)');
    expect(marked(root)).toEqual([]);
    const subject = root.querySelector('#cr-subject') as HTMLSelectElement;
    subject.value = 'passenger_baggage';
    subject.dispatchEvent(new Event('change', { bubbles: true }));
    await vi.waitFor(() => expect(marked(root)).toEqual(['cr-site-unit', 'cr-id-persons', 'cr-id-baggage', 'cr-measure']));
    expect(root.querySelector('#cr-subject-hint')?.textContent).toContain('Hành lý của hành khách (Điều 8)');
    expect(root.querySelector('#cr-id-baggage')?.getAttribute('aria-required')).toBe('true');
  });

  it('sends the baggage typed as a list, and shows the server’s word on it by the field', async () => {
    const calls = stubFetch((c) =>
      c.method === 'POST'
        ? problem(422, 'validation', {
            errors: [{ field: 'identifiers.baggage', message_vi: 'Cần thông tin hành lý (Điều 8)', message_en: 'Baggage required' }],
          })
        : json({ items: [] }),
    );
    const root = await form();
    const subject = root.querySelector('#cr-subject') as HTMLSelectElement;
    subject.value = 'passenger_baggage';
    subject.dispatchEvent(new Event('change', { bubbles: true }));
    type(root.querySelector('#cr-site'), 'Sảnh nhập cảnh');
    type(root.querySelector('#cr-description'), 'Vali nghi có ngăn giấu');
    type(root.querySelector('#cr-id-persons'), 'Nguyễn Văn A (hộ chiếu C1234567)');
    type(root.querySelector('#cr-id-baggage'), 'VN123456 vali đen 24 inch; VN123457 thùng carton');
    await tick();
    submit(root.querySelector('form'));
    await vi.waitFor(() => expect(root.querySelector('#cr-id-baggage-err')?.textContent).toBe('Cần thông tin hành lý (Điều 8)'));
    const post = calls.find((c) => c.method === 'POST')!;
    expect((post.body as { identifiers: Record<string, string[]> }).identifiers).toMatchObject({
      persons: ['Nguyễn Văn A (hộ chiếu C1234567)'],
      baggage: ['VN123456 vali đen 24 inch', 'VN123457 thùng carton'],
    });
  });
});
