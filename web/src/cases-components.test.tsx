// @vitest-environment happy-dom
import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { Case, Notification, Routing, Unit } from './api';
import { setLang } from './i18n';
import { CoordinationForm, RoutingBox, Timeline } from './pages/CaseDetail';
import { InboxItem } from './pages/Inbox';

const routing: Routing = {
  clause: '16.4.a',
  clause_vi: 'Điều 16 khoản 4 điểm a',
  clause_en: 'Article 16(4)(a)',
  explanation_vi: 'Giám sát thường xuyên: báo cáo trực ban đơn vị để xử lý trong ca trực.',
  explanation_en: 'Regular supervision: reported to the unit duty watch, handled within the shift.',
  handling_unit_id: 20,
  handling_unit_name: 'Cục Hải quan TP. Hải Phòng',
  recipients: [
    { user_id: 11, full_name: 'Phan Thị Lan Anh', unit_id: 22, unit_name: 'Phòng GSQL', role: 'duty_watch', approver: false, reason_vi: 'Đang trực ca', reason_en: 'On duty' },
    { user_id: 9, full_name: 'Dương Quang Vinh', unit_id: 21, unit_name: 'Lãnh đạo Cục', role: 'shift_leader', approver: true, reason_vi: 'Lãnh đạo ca trực', reason_en: 'Leads the shift' },
  ],
  warnings: [],
};

function mount(node: preact.ComponentChild, tag = 'div') {
  const root = document.createElement(tag);
  document.body.appendChild(root);
  render(node, root);
  return root;
}

afterEach(() => {
  document.body.innerHTML = '';
  setLang('vi');
});

describe('RoutingBox', () => {
  it('says which clause sent the report where, and who must approve', () => {
    const root = mount(<RoutingBox c={{ routing }} />);
    expect(root.querySelector('.routing-clause')?.textContent).toBe('Theo Điều 16 khoản 4 điểm a');
    expect(root.textContent).toContain('Giám sát thường xuyên: báo cáo trực ban đơn vị');
    expect(root.textContent).toContain('Đơn vị xử lý: Cục Hải quan TP. Hải Phòng');
    const rows = [...root.querySelectorAll('tbody tr')];
    expect(rows.map((r) => r.querySelector('td')?.textContent)).toEqual(['Dương Quang Vinh', 'Phan Thị Lan Anh']);
    expect(rows[0].querySelector('.badge.approver')?.textContent).toBe('Người phê duyệt');
    expect(rows[1].querySelector('.badge.approver')).toBeNull();
    expect(rows[1].textContent).toContain('Trực ban đơn vị');
    expect(root.querySelector('.alert-warn')).toBeNull();
  });

  it('shows warnings, in English when chosen', () => {
    setLang('en');
    const root = mount(
      <RoutingBox c={{ routing: { ...routing, warnings: [{ code: 'nobody_on_duty', message_vi: 'Không có ai đang trực.', message_en: 'Nobody is on duty.' }] } }} />,
    );
    expect(root.querySelector('.routing-clause')?.textContent).toBe('Under Article 16(4)(a)');
    expect(root.querySelector('.alert-warn')?.textContent).toBe('Nobody is on duty.');
    expect(root.textContent).toContain('Unit duty watch');
  });
});

describe('Timeline', () => {
  it('lists what happened, oldest first, in the unit’s local time', () => {
    const root = mount(
      <Timeline
        tz="Asia/Ho_Chi_Minh"
        items={[
          { at: '2026-11-28T04:15:00Z', by: 11, by_name: 'Phan Thị Lan Anh', kind: 'acknowledged', text_vi: 'Tiếp nhận vụ việc', text_en: 'Acknowledged', details: {} },
          { at: '2026-11-28T04:12:00Z', by: 15, by_name: 'Lương Văn Sơn', kind: 'reported', text_vi: 'Báo cáo vụ việc', text_en: 'Reported', details: {} },
        ]}
      />,
    );
    const items = [...root.querySelectorAll('li')];
    expect(items.map((li) => li.querySelector('time')?.textContent)).toEqual(['28/11/2026 11:12:00', '28/11/2026 11:15:00']);
    expect(items[0].textContent).toContain('Lương Văn Sơn');
    expect(items[1].querySelector('.tl-text')?.textContent).toBe('Tiếp nhận vụ việc');
  });

  it('says when nothing happened yet', () => {
    expect(mount(<Timeline tz="Asia/Ho_Chi_Minh" items={[]} />).textContent).toBe('Chưa có diễn biến nào.');
  });
});

describe('InboxItem', () => {
  const n: Notification = {
    id: 5,
    kind: 'case_reported',
    case_id: 12,
    coordination_id: null,
    title_vi: 'Vụ việc HP-2026-0012 được báo cáo',
    title_en: 'Case HP-2026-0012 reported',
    severity: 'high',
    created_at: '2026-11-28T04:12:00Z',
    read_at: null,
  };

  it('links to the case, shows it unread and marks it read when opened', () => {
    const read: number[] = [];
    const root = mount(<InboxItem n={n} inbox={{ markRead: async (id) => void read.push(id) }} onError={() => undefined} />, 'ul');
    const li = root.querySelector('li')!;
    expect(li.classList.contains('unread')).toBe(true);
    const a = li.querySelector('a.inbox-title') as HTMLAnchorElement;
    expect(a.getAttribute('href')).toBe('#/cases/12');
    expect(a.textContent).toBe('Vụ việc HP-2026-0012 được báo cáo');
    expect(li.querySelector('.badge.severity')?.textContent).toBe('Cao');
    expect(li.querySelector('time')?.textContent).toBe('28/11/2026 11:12');
    a.click();
    expect(read).toEqual([5]);
  });

  it('does not mark again what was read', () => {
    const read: number[] = [];
    const root = mount(<InboxItem n={{ ...n, read_at: '2026-11-28T05:00:00Z' }} inbox={{ markRead: async (id) => void read.push(id) }} onError={() => undefined} />, 'ul');
    (root.querySelector('a') as HTMLAnchorElement).click();
    expect(read).toEqual([]);
    expect(root.querySelector('li')!.classList.contains('read')).toBe(true);
  });
});

describe('CoordinationForm', () => {
  const unit = (id: number, parent_id: number | null, code: string, name_vi: string, external = false): Unit => ({
    id,
    parent_id,
    code,
    kind: external ? 'external' : 'branch',
    name_vi,
    name_en: name_vi,
    time_zone: 'Asia/Ho_Chi_Minh',
    place: '',
    has_camera_room: false,
    must_run_24x7: false,
    external,
    designations: {},
  });
  const units = [
    unit(1, null, 'TCHQ', 'Tổng cục Hải quan'),
    unit(20, 1, 'HP', 'Cục Hải quan TP. Hải Phòng'),
    unit(21, 20, 'HP-CKKV1', 'Chi cục Hải quan cửa khẩu cảng Hải Phòng khu vực I'),
    unit(22, 20, 'HP-DV', 'Chi cục Hải quan Đình Vũ'),
    unit(30, 1, 'LS', 'Cục Hải quan tỉnh Lạng Sơn'),
    unit(50, 1, 'EXT-BDBP', 'Bộ đội Biên phòng', true),
  ];

  it('offers exactly the units the server accepts for the case: the unit that found it, never the handling unit', () => {
    // A 16.4(b) case found at the branch HP-CKKV1 and handled by Hải Phòng's leadership.
    const c = { id: 7, unit_id: 21, routing: { handling_unit_id: 20 }, coordination_targets: [1, 21, 22, 30] } as unknown as Case;
    const root = document.createElement('div');
    document.body.appendChild(root);
    render(<CoordinationForm c={c} units={units} tz="Asia/Ho_Chi_Minh" onCancel={() => undefined} onCreated={() => undefined} />, root);
    const options = [...root.querySelectorAll<HTMLOptionElement>('#co-to option')].map((o) => o.value);
    expect(options).toEqual(['', '1', '21', '22', '30']);
    expect(root.textContent).toContain('Mọi đơn vị trong ngành, trừ đơn vị chủ trì xử lý vụ việc.');
  });
});
