import { afterEach, describe, expect, it } from 'vitest';
import type { LogEntry } from './api';
import { compositionGapText, correctionsOf, leaderOf, logKindName, mergeLog, openItemText, positionName, shiftStatusName, sortMembers } from './duty';
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
