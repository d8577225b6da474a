import { afterEach, describe, expect, it } from 'vitest';
import { setLang } from './i18n';
import { bypassHop, dueHop, forwardPayload, leaderErrorLines, relayHopStates, RELAY_HOPS } from './relay';

afterEach(() => setLang('vi'));

const states = (stage: string) => RELAY_HOPS.map((h) => relayHopStates(stage)[h]);

describe('Art. 16.4(c): where the report is on its way', () => {
  it('waits at the focal point until forwarded, then for the direction, then for the focal point to pass it on', () => {
    expect(states('at_focal_point')).toEqual(['done', 'current', 'pending', 'pending', 'pending']);
    expect(states('at_focal_leadership')).toEqual(['done', 'current', 'pending', 'pending', 'pending']);
    expect(states('forwarded')).toEqual(['done', 'done', 'done', 'current', 'pending']);
    expect(states('sent_to_leaders')).toEqual(['done', 'done', 'done', 'current', 'pending']);
    expect(states('directed')).toEqual(['done', 'done', 'done', 'done', 'current']);
    expect(states('direction_relayed')).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(states('direction_sent')).toEqual(['done', 'done', 'done', 'done', 'done']);
  });

  it('puts the deadline on the hop the focal point owes, and the bypass reason on the hop that went past it', () => {
    const due = '2026-11-28T05:00:00Z';
    expect(dueHop({ stage: 'at_focal_point', due_at: due })).toBe('focal_point');
    expect(dueHop({ stage: 'at_focal_leadership', due_at: due })).toBe('focal_point');
    expect(dueHop({ stage: 'directed', due_at: due })).toBe('units');
    expect(dueHop({ stage: 'forwarded', due_at: null })).toBeNull();
    const reason = { vi: 'quá hạn', en: 'late' };
    expect(bypassHop({ stage: 'sent_to_leaders', bypass_reason: reason })).toBe('forwarded');
    expect(bypassHop({ stage: 'direction_relayed', bypass_reason: reason })).toBe('forwarded');
    expect(bypassHop({ stage: 'direction_sent', bypass_reason: reason })).toBe('units');
    expect(bypassHop({ stage: 'forwarded', bypass_reason: null })).toBeNull();
  });
});

describe('forwarding to the leaders', () => {
  it('sends the leaders chosen, the summary and the proposal, trimmed; no proposal when none is written', () => {
    expect(forwardPayload({ leaders: [31, 32], summary: '  Tóm tắt ', proposal: ' Đề xuất ' })).toEqual({
      body: { leader_ids: [31, 32], summary: 'Tóm tắt', proposal: 'Đề xuất' },
      errors: {},
    });
    expect(forwardPayload({ leaders: [31], summary: 'Tóm tắt', proposal: '  ' }).body).toEqual({ leader_ids: [31], summary: 'Tóm tắt' });
  });

  it('asks for a leader and a summary before sending', () => {
    expect(forwardPayload({ leaders: [], summary: ' ', proposal: '' }).errors).toEqual({
      leader_ids: 'Chọn ít nhất một Lãnh đạo.',
      summary: 'Bắt buộc',
    });
  });

  it('names the leader the server refused by the index it was sent at', () => {
    const names: Record<number, string> = { 31: 'Nguyễn Văn Cẩn', 32: 'Hoàng Việt Cường' };
    expect(leaderErrorLines({ 'leader_ids[1]': 'Không phải Lãnh đạo', summary: 'x' }, [31, 32], (id) => names[id])).toEqual([
      'Hoàng Việt Cường: Không phải Lãnh đạo',
    ]);
    expect(leaderErrorLines({ leader_ids: 'Chọn ít nhất một' }, [], (id) => names[id])).toEqual(['Chọn ít nhất một']);
    expect(leaderErrorLines({ 'leader_ids[5]': 'Không phải Lãnh đạo' }, [31], (id) => names[id])).toEqual(['Không phải Lãnh đạo']);
  });
});
