import { afterEach, describe, expect, it } from 'vitest';
import type { LogEntry } from './api';
import {
  compositionGapText,
  correctionsOf,
  leaderOf,
  logKindName,
  memberRoleName,
  mergeLog,
  openItemHref,
  openItemNumber,
  openItemText,
  openItemTypeName,
  pendingItems,
  positionName,
  rosterMember,
  shiftStatusName,
  sortMembers,
  stopsGoodsOrTransport,
} from './duty';
import { formatSpan, formatTimeDate } from './format';
import { setLang } from './i18n';

const entry = (id: number, corrects_id: number | null = null): LogEntry => ({
  id,
  shift_id: 7,
  at: '2026-11-27T02:00:00Z',
  author_id: 3,
  kind: 'information_received',
  text: `entry ${id}`,
  links: {},
  corrects_id,
});

afterEach(() => setLang('vi'));

describe('duty helpers', () => {
  it('localises positions, statuses and log kinds, Vietnamese first', () => {
    expect(positionName('shift_leader')).toBe('Lãnh đạo ca trực');
    expect(positionName('supervision_officer')).toBe('Công chức giám sát trực tuyến');
    expect(shiftStatusName('handover_pending')).toBe('Chờ giao ca');
    expect(logKindName('system_outage')).toBe('Sự cố hệ thống');
    expect(positionName('shift_leader', 'en')).toBe('Shift leader');
    expect(positionName('unheard_of')).toBe('unheard_of');
  });

  it('keeps the log newest last without duplicates', () => {
    const log = mergeLog([entry(1), entry(3)], [entry(2), entry(3)]);
    expect(log.map((e) => e.id)).toEqual([1, 2, 3]);
    expect(mergeLog(log, [entry(4)]).map((e) => e.id)).toEqual([1, 2, 3, 4]);
  });

  it('links corrections to the entries they correct', () => {
    const c = correctionsOf([entry(1), entry(2, 1), entry(3), entry(4, 1)]);
    expect(c.get(1)).toEqual([2, 4]);
    expect(c.has(3)).toBe(false);
  });

  it('writes composition gaps as the Office reads them', () => {
    expect(compositionGapText({ date: '2026-12-02', phase: 'office_hours', position: 'office_officer', required: 1, present: 0 })).toBe(
      'Ca ngày 02/12/2026 (giờ hành chính) thiếu Cán bộ Văn phòng: cần 1, có 0',
    );
    expect(
      compositionGapText({ date: '2026-12-02', phase: 'after_hours', position: 'supervision_officer', required: 2, present: 1 }, 'en'),
    ).toBe('Shift of 02/12/2026 (after hours) lacks Online supervision officer: needs 2, has 1');
  });

  it('orders members leader first and finds the leader', () => {
    const members = [
      { user_id: 5, position: 'supervision_officer', checked_in_at: null, full_name: 'B' },
      { user_id: 4, position: 'deputy_leader', checked_in_at: null, full_name: 'A' },
      { user_id: 3, position: 'shift_leader', checked_in_at: null, full_name: 'C' },
    ];
    expect(sortMembers(members).map((m) => m.user_id)).toEqual([3, 4, 5]);
    expect(leaderOf({ members })!.user_id).toBe(3);
    expect(leaderOf({ members: members.slice(0, 2) })!.user_id).toBe(4);
    expect(leaderOf({ members: [] })).toBeNull();
    // Without a shift leader, the deputy the roster names acting leader leads, before any other deputy.
    const acting = { user_id: 6, position: 'deputy_leader', acting_leader: true, checked_in_at: null, full_name: 'D' };
    expect(leaderOf({ members: [members[1], acting] })!.user_id).toBe(6);
    expect(memberRoleName(acting)).toBe('Lãnh đạo cấp phòng — Quyền lãnh đạo ca trực');
    expect(memberRoleName(acting, 'en')).toBe('Division-level leader — Acting shift leader');
    expect(memberRoleName(members[1])).toBe('Lãnh đạo cấp phòng');
  });

  it('names an acting shift leader on the roster only for a division-level leader (Art. 7)', () => {
    expect(rosterMember({ user: '6', position: 'deputy_leader', acting: true })).toEqual({ user_id: 6, position: 'deputy_leader', acting_leader: true });
    expect(rosterMember({ user: '6', position: 'deputy_leader', acting: false })).toEqual({ user_id: 6, position: 'deputy_leader' });
    expect(rosterMember({ user: '5', position: 'supervision_officer', acting: true })).toEqual({ user_id: 5, position: 'supervision_officer' });
    expect(stopsGoodsOrTransport('stop_goods')).toBe(true);
    expect(stopsGoodsOrTransport('inspection')).toBe(false);
  });

  it('describes open items of a handover', () => {
    expect(openItemText({ type: 'order', id: 4, kind: 'stop_goods', target: 'TCNU1234567' })).toBe(
      'Chỉ đạo #4: Dừng đưa hàng qua khu vực giám sát — TCNU1234567',
    );
  });

  it('writes a shift span in Vietnam time', () => {
    expect(formatSpan('2026-11-27T01:00:00Z', '2026-11-28T01:00:00Z')).toBe('08:00 27/11/2026 – 08:00 28/11/2026');
    expect(formatTimeDate('2026-12-31T17:30:00Z')).toBe('00:30 01/01/2027');
  });
});

describe('openItemText for an open case of the duty watch', () => {
  it('names the case and says it is still being handled', () => {
    const item = { type: 'case', id: 3, kind: 'case', target: 'HP-CKKV1-2026-0003: Container rời bãi' };
    expect(openItemText(item, 'vi')).toBe('Vụ việc HP-CKKV1-2026-0003: Container rời bãi — đang xử lý');
    expect(openItemText(item, 'en')).toBe('Case HP-CKKV1-2026-0003: Container rời bãi — being handled');
  });
});

describe('openItemText for an outage noted in the log', () => {
  it('shows the log kind and the text', () => {
    expect(openItemText({ type: 'log', id: 7, kind: 'equipment_status', target: 'Camera cổng B mất tín hiệu' }, 'vi')).toBe(
      'Tình trạng thiết bị: Camera cổng B mất tín hiệu',
    );
  });
});

describe('the kind, number and page of a handover item (Art. 15.2)', () => {
  const keypoint = { type: 'case', id: 12, kind: '16.4.b', number: 'HP-CKKV1-2026-0012', target: 'HP-CKKV1-2026-0012: Phế liệu' };
  const received = { type: 'coordination', id: 5, kind: 'received', number: '02/2026/PH-LS', target: '02/2026/PH-LS (vụ việc LS-2026-0002)' };

  it('says what kind of item it is, with its clause', () => {
    expect(openItemTypeName({ type: 'case', id: 3, kind: '16.4.a' })).toBe('Vụ việc (Điều 16 khoản 4 điểm a)');
    expect(openItemTypeName(keypoint)).toBe('Giám sát trọng điểm (Điều 16 khoản 4 điểm b)');
    expect(openItemTypeName({ ...keypoint, kind: '16.4.c' }, 'en')).toBe('Key-point supervision (Article 16(4)(c))');
    expect(openItemTypeName({ type: 'case', id: 3, kind: 'case' })).toBe('Vụ việc');
    expect(openItemTypeName(received)).toBe('Đề nghị phối hợp nhận được');
    expect(openItemTypeName({ ...received, kind: 'sent' }, 'en')).toBe('Coordination request sent');
    expect(openItemTypeName({ type: 'log', id: 7, kind: 'system_outage' })).toBe('Sự cố hệ thống');
  });

  it('gives its number and where it opens', () => {
    expect(openItemNumber(keypoint)).toBe('HP-CKKV1-2026-0012');
    expect(openItemNumber({ type: 'order', id: 9 })).toBe('#9');
    expect(openItemHref(keypoint)).toBe('#/cases/12');
    expect(openItemHref(received)).toBe('#/coordination/incoming/5');
    expect(openItemHref({ ...received, kind: 'sent' })).toBe('#/coordination/outgoing/5');
    expect(openItemHref({ type: 'order', id: 9 })).toBeNull();
    expect(openItemText(received)).toBe('Đề nghị phối hợp 02/2026/PH-LS (vụ việc LS-2026-0002) — chờ trả lời');
  });

  it('counts the items still to take over', () => {
    const accepted = { ...keypoint, acceptance: { decision: 'noted' as const, note: '', by: 7, at: '2026-11-29T01:00:00Z' } };
    expect(pendingItems({ open_items: [accepted, received] })).toEqual([received]);
  });
});
