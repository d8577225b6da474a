import { describe, expect, it } from 'vitest';
import { addDays, formatYmd, gapDays, gapOfDay, monthGrid, shiftSpan, todayIn, weekdayLabels, weekdayMonday0, weekOf, zonedToUtcMs } from './calendar';

const HCM = 'Asia/Ho_Chi_Minh';

describe('monthGrid', () => {
  it('starts weeks on Monday and fills them with the adjacent months’ days', () => {
    const weeks = monthGrid(2026, 11); // 1 November 2026 is a Sunday
    expect(weeks).toHaveLength(6);
    expect(weeks.every((w) => w.length === 7)).toBe(true);
    expect(weeks[0][0]).toEqual({ date: '2026-10-26', day: 26, weekday: 0, inMonth: false });
    expect(weeks[0][6]).toEqual({ date: '2026-11-01', day: 1, weekday: 6, inMonth: true });
    expect(weeks[5][0]).toEqual({ date: '2026-11-30', day: 30, weekday: 0, inMonth: true });
    expect(weeks[5][6]).toEqual({ date: '2026-12-06', day: 6, weekday: 6, inMonth: false });
    const inMonth = weeks.flat().filter((d) => d.inMonth);
    expect(inMonth).toHaveLength(30);
    expect(inMonth.map((d) => d.day)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    // consecutive days, Monday first in every row
    const all = weeks.flat();
    for (let i = 1; i < all.length; i += 1) expect(all[i].date).toBe(addDays(all[i - 1].date, 1));
    for (const w of weeks) expect(w.map((d) => d.weekday)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('needs no adjacent days when the month is whole weeks', () => {
    const weeks = monthGrid(2027, 2); // 1 February 2027 is a Monday, 28 days
    expect(weeks).toHaveLength(4);
    expect(weeks.flat().every((d) => d.inMonth)).toBe(true);
  });

  it('crosses the year end and handles leap years', () => {
    const dec = monthGrid(2026, 12);
    expect(dec[dec.length - 1].some((d) => d.date === '2027-01-03' && !d.inMonth)).toBe(true);
    const feb = monthGrid(2028, 2);
    expect(feb.flat().filter((d) => d.inMonth)).toHaveLength(29);
    expect(feb.flat().some((d) => d.date === '2028-02-29')).toBe(true);
  });

  it('builds the Monday-to-Sunday week of a day', () => {
    expect(weekOf('2026-11-28').map((d) => d.date)).toEqual([
      '2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29',
    ]);
    expect(weekOf('2026-11-30')[0].date).toBe('2026-11-30');
    expect(weekdayMonday0('2026-11-29')).toBe(6);
  });

  it('labels the weekdays the Vietnamese way', () => {
    expect(weekdayLabels('vi')).toEqual(['T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'CN']);
    expect(weekdayLabels('en')).toEqual(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']);
  });

  it('formats calendar days and finds today in the zone', () => {
    expect(formatYmd('2026-12-02')).toBe('02/12/2026');
    // 20:00 UTC on 27 November is already 28 November in Vietnam
    expect(todayIn(HCM, new Date('2026-11-27T20:00:00Z'))).toBe('2026-11-28');
    expect(todayIn('UTC', new Date('2026-11-27T20:00:00Z'))).toBe('2026-11-27');
  });
});

describe('coverage gaps by day', () => {
  it('spans a day from 08:00 to 08:00 the next day in the unit’s zone', () => {
    const s = shiftSpan('2026-12-02', HCM);
    expect(new Date(s.from).toISOString()).toBe('2026-12-02T01:00:00.000Z');
    expect(new Date(s.to).toISOString()).toBe('2026-12-03T01:00:00.000Z');
    expect(new Date(zonedToUtcMs('2026-12-31', 8 * 60 + 24 * 60, HCM)).toISOString()).toBe('2027-01-01T01:00:00.000Z');
    expect(new Date(shiftSpan('2026-12-02', 'UTC').from).toISOString()).toBe('2026-12-02T08:00:00.000Z');
  });

  it('marks a day whose 08:00–08:00 span intersects a gap', () => {
    // 07:00–09:00 on 3 December (Vietnam time) touches the shifts of the 2nd and the 3rd
    const gaps = [{ from: '2026-12-03T00:00:00Z', to: '2026-12-03T02:00:00Z', reason: 'no_shift' }];
    expect(gapOfDay('2026-12-01', gaps, HCM)).toBeNull();
    expect(gapOfDay('2026-12-02', gaps, HCM)).toBe(gaps[0]);
    expect(gapOfDay('2026-12-03', gaps, HCM)).toBe(gaps[0]);
    expect(gapOfDay('2026-12-04', gaps, HCM)).toBeNull();
  });

  it('does not mark a day that only touches a gap at its boundary', () => {
    const gaps = [{ from: '2026-12-01T01:00:00.000Z', to: '2026-12-02T01:00:00.000Z', reason: 'no_members' }];
    expect(gapOfDay('2026-11-30', gaps, HCM)).toBeNull(); // ends exactly when the gap starts
    expect(gapOfDay('2026-12-01', gaps, HCM)).not.toBeNull();
    expect(gapOfDay('2026-12-02', gaps, HCM)).toBeNull(); // starts exactly when the gap ends
  });

  it('collects the gap days of a grid, across a month end', () => {
    const days = monthGrid(2026, 11).flat().map((d) => d.date);
    const gaps = [{ from: '2026-11-29T05:00:00Z', to: '2026-12-02T00:30:00Z' }];
    expect([...gapDays(days, gaps, HCM)]).toEqual(['2026-11-29', '2026-11-30', '2026-12-01']);
  });
});
