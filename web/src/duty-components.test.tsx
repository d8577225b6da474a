// @vitest-environment happy-dom
import { render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setCsrfToken, type Handover, type LogEntry, type OpenItem, type Shift, type Unit } from './api';
import { setLang } from './i18n';
import { DutyLog, OrderForm } from './pages/Duty';
import { HandoverItems, HandoverSection } from './pages/Handover';

const tick = () => new Promise((r) => setTimeout(r, 0));

const entry = (id: number, kind: string, text: string, corrects_id: number | null = null): LogEntry => ({
  id,
  shift_id: 1,
  at: '2026-11-27T02:05:09Z',
  author_id: id === 2 ? 8 : 7,
  kind,
  text,
  links: {},
  corrects_id,
});

const names = new Map([
  [7, 'Nguyễn Văn An'],
  [8, 'Trần Thị Bình'],
]);

function mount(entries: LogEntry[] | null) {
  const root = document.createElement('div');
  document.body.appendChild(root);
  render(<DutyLog entries={entries} nameOf={(id) => names.get(id) ?? `#${id}`} />, root);
  return root;
}

afterEach(() => {
  document.body.innerHTML = '';
  setLang('vi');
  vi.unstubAllGlobals();
  setCsrfToken(null);
});

function mountNode(node: preact.ComponentChild) {
  const root = document.createElement('div');
  document.body.appendChild(root);
  render(node, root);
  return root;
}

describe('DutyLog', () => {
  it('lists entries oldest first with time, kind and author, corrections linked both ways', () => {
    const root = mount([
      entry(1, 'information_received', 'Tin báo container nghi vấn'),
      entry(2, 'action_taken', 'Đã yêu cầu kiểm tra', null),
      entry(3, 'other', 'Số container đúng là TCNU7654321', 1),
    ]);
    const items = [...root.querySelectorAll('li.log-entry')];
    expect(items.map((li) => li.id)).toEqual(['log-entry-1', 'log-entry-2', 'log-entry-3']);
    expect(items[0].textContent).toContain('27/11/2026 09:05:09');
    expect(items[0].textContent).toContain('Tiếp nhận thông tin');
    expect(items[0].textContent).toContain('Nguyễn Văn An');
    expect(items[1].textContent).toContain('Xử lý');
    expect(items[1].textContent).toContain('Trần Thị Bình');
    const link = items[2].querySelector('a.log-corrects')!;
    expect(link.textContent).toBe('Đính chính nội dung ghi #1');
    expect(link.getAttribute('href')).toBe('#log-entry-1');
    expect(items[0].classList.contains('corrected')).toBe(true);
    expect(items[0].textContent).toContain('Đã được đính chính bởi nội dung ghi #3');
  });

  it('says when the log is empty, in the chosen language', () => {
    setLang('en');
    expect(mount([]).textContent).toContain('No entries in this shift yet.');
  });
});

// ---- the handover: each open item with its kind, number and link, taken over one by one (Art. 15.2)

const items: OpenItem[] = [
  { type: 'case', id: 12, kind: '16.4.b', number: 'HP-CKKV1-2026-0012', target: 'HP-CKKV1-2026-0012: Phế liệu khai sai mã HS' },
  { type: 'case', id: 13, kind: '16.4.c', number: 'HP-CKKV1-2026-0013', target: 'HP-CKKV1-2026-0013: Hàng điện tử quá cảnh' },
  { type: 'coordination', id: 4, kind: 'sent', number: '04/2026/PH-HP', target: '04/2026/PH-HP (vụ việc HP-CKKV1-2026-0012), gửi Cục Hải quan Lạng Sơn' },
  { type: 'coordination', id: 5, kind: 'received', number: '02/2026/PH-LS', target: '02/2026/PH-LS (vụ việc LS-2026-0002), của Cục Hải quan Lạng Sơn' },
  {
    type: 'order',
    id: 9,
    kind: 'stop_goods',
    target: 'TGHU 812345-6',
    acceptance: { decision: 'accepted', note: '', by: 7, by_name: 'Vũ Đình Khải', at: '2026-11-29T01:05:00Z' },
  },
];

const handover = (open_items: OpenItem[]): Handover => ({
  shift_id: 31,
  prepared_by: 6,
  prepared_at: '2026-11-29T00:50:00Z',
  summary: 'Ca trực bình thường',
  notes: '',
  open_items,
  accepted_by: null,
  accepted_at: null,
  remarks: null,
  status: 'prepared',
});

describe('HandoverItems', () => {
  it('shows each item’s kind, its number linking to it, and how it was taken over', () => {
    const root = mountNode(<HandoverItems handover={handover(items)} canDecide={false} nameOf={(id) => `#${id}`} onDecided={() => undefined} />);
    const rows = [...root.querySelectorAll('tbody tr')];
    expect(rows.map((r) => r.querySelector('.item-type')?.textContent)).toEqual([
      'Giám sát trọng điểm (Điều 16 khoản 4 điểm b)',
      'Giám sát trọng điểm (Điều 16 khoản 4 điểm c)',
      'Đề nghị phối hợp đã gửi',
      'Đề nghị phối hợp nhận được',
      'Chỉ đạo của lãnh đạo ca trực',
    ]);
    const links = rows.map((r) => [r.querySelector('.item-number a')?.textContent, r.querySelector('.item-number a')?.getAttribute('href')]);
    expect(links).toEqual([
      ['HP-CKKV1-2026-0012', '#/cases/12'],
      ['HP-CKKV1-2026-0013', '#/cases/13'],
      ['04/2026/PH-HP', '#/coordination/outgoing/4'],
      ['02/2026/PH-LS', '#/coordination/incoming/5'],
      [undefined, undefined],
    ]);
    expect(rows[4].querySelector('.item-number')?.textContent).toBe('#9');
    expect(rows[2].querySelector('.item-content')?.textContent).toContain('chờ trả lời');
    expect(rows[0].querySelector('.item-decision')?.textContent).toBe('Chưa tiếp nhận');
    expect(rows[4].querySelector('.item-decision')?.textContent).toBe('Đã tiếp nhận' + 'Vũ Đình Khải, 29/11/2026 08:05');
    expect(root.querySelector('button')).toBeNull();
  });

  it('lets the incoming leader accept or note each item, with remarks', async () => {
    const calls: [string, unknown][] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit) => {
        calls.push([url, JSON.parse(String(init.body))]);
        return new Response(JSON.stringify(handover(items)), { status: 200, headers: { 'content-type': 'application/json' } });
      }),
    );
    setCsrfToken('tok');
    const done: string[] = [];
    const root = mountNode(<HandoverItems handover={handover(items)} canDecide nameOf={(id) => `#${id}`} onDecided={(m) => done.push(m)} />);
    const row = root.querySelector('tr[data-item="coordination:4"]')!;
    const note = row.querySelector('input')!;
    expect(root.querySelector(`label[for="${note.id}"]`)?.textContent).toBe('Ý kiến (việc 04/2026/PH-HP)');
    note.value = 'Chờ Lạng Sơn trả lời trước 17:00';
    note.dispatchEvent(new Event('input', { bubbles: true }));
    await tick();
    const [accept, noteIt] = [...row.querySelectorAll('button')];
    expect(accept.textContent).toBe('Tiếp nhận');
    noteIt.click();
    await vi.waitFor(() => expect(done).toEqual(['Đã ghi ý kiến tiếp nhận việc 04/2026/PH-HP.']));
    expect(calls).toEqual([['/api/v1/shifts/31/handover/items', { type: 'coordination', id: 4, decision: 'noted', note: 'Chờ Lạng Sơn trả lời trước 17:00' }]]);
  });
});

describe('HandoverSection', () => {
  const shift: Shift = {
    id: 31,
    unit_id: 2,
    roster_id: 1,
    date: '2026-11-28',
    starts_at: '2026-11-28T01:00:00Z',
    ends_at: '2026-11-29T01:00:00Z',
    status: 'handover_pending',
    members: [],
  };
  const section = (open_items: OpenItem[]) =>
    mountNode(
      <HandoverSection shift={shift} handover={handover(open_items)} openOrders={[]} canPrepare={false} canAccept nameOf={(id) => `#${id}`} onDone={() => undefined} />,
    );

  it('does not accept the shift while an item is neither accepted nor noted, and says why', () => {
    const root = section(items);
    const submit = root.querySelector('form[aria-label="Tiếp nhận ca trực"] button[type="submit"]') as HTMLButtonElement;
    expect(submit.disabled).toBe(true);
    expect(root.querySelector(`#${submit.getAttribute('aria-describedby')}`)?.textContent).toBe(
      'Còn 4 việc tồn đọng chưa tiếp nhận hoặc ghi nhận: chưa thể tiếp nhận ca trực.',
    );
  });

  it('accepts the shift once every item is taken over', () => {
    const root = section(items.slice(4));
    const submit = root.querySelector('form[aria-label="Tiếp nhận ca trực"] button[type="submit"]') as HTMLButtonElement;
    expect(submit.disabled).toBe(false);
    expect(root.querySelector('.alert-warn')).toBeNull();
  });
});

// ---- Art. 7: a stop of goods or a means of transport is directed by the shift leader only

describe('OrderForm', () => {
  const units: Unit[] = [];
  const choose = async (root: HTMLElement, kind: string) => {
    const select = root.querySelector('#order-kind') as HTMLSelectElement;
    select.value = kind;
    select.dispatchEvent(new Event('change', { bubbles: true }));
    await tick();
  };

  it('keeps a stop from a leader the roster does not name acting leader, saying why', async () => {
    const root = mountNode(<OrderForm shiftId={31} units={units} canStop={false} onDone={() => undefined} />);
    const submit = root.querySelector('button[type="submit"]') as HTMLButtonElement;
    expect(submit.disabled).toBe(false);
    await choose(root, 'stop_goods');
    expect(submit.disabled).toBe(true);
    expect(root.querySelector(`#${submit.getAttribute('aria-describedby')}`)?.textContent).toBe(
      'Chỉ lãnh đạo ca trực, hoặc lãnh đạo cấp phòng được giao quyền lãnh đạo ca trực trong lịch trực, mới được ra chỉ đạo dừng đưa hàng hóa, phương tiện qua khu vực giám sát.',
    );
    await choose(root, 'inspection');
    expect(submit.disabled).toBe(false);
  });

  it('lets the shift leader direct a stop', async () => {
    const root = mountNode(<OrderForm shiftId={31} units={units} canStop onDone={() => undefined} />);
    await choose(root, 'stop_goods');
    expect((root.querySelector('button[type="submit"]') as HTMLButtonElement).disabled).toBe(false);
    expect(root.querySelector('.alert-warn')).toBeNull();
  });
});
