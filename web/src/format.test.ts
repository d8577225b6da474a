import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, parseViDate, zonedDateToUtcIso, zoneOffsetMinutes } from './format';

describe('formatDateTime', () => {
  it('shows UTC instants in Vietnam time as dd/MM/yyyy HH:mm', () => {
    expect(formatDateTime('2026-11-28T01:02:03.004Z')).toBe('28/11/2026 08:02');
  });

  it('crosses midnight and the year boundary into the next Vietnam day', () => {
    expect(formatDateTime('2026-12-31T17:30:00.000Z')).toBe('01/01/2027 00:30');
    expect(formatDateTime('2026-12-31T16:59:59.000Z', { seconds: true })).toBe('31/12/2026 23:59:59');
  });

  it('uses 00 rather than 24 for the hour after midnight', () => {
    expect(formatDateTime('2026-03-04T17:05:00Z')).toBe('05/03/2026 00:05');
  });

  it('pads single digits and can show seconds', () => {
    expect(formatDateTime('2026-01-02T00:03:04.000Z', { seconds: true })).toBe('02/01/2026 07:03:04');
  });

  it('does not depend on the host time zone', () => {
    expect(formatDateTime(new Date(Date.UTC(2026, 5, 1, 12, 0)))).toBe('01/06/2026 19:00');
    expect(formatDateTime('2026-06-01T12:00:00Z', { timeZone: 'UTC' })).toBe('01/06/2026 12:00');
  });

  it('returns an empty string for missing or invalid input', () => {
    expect(formatDateTime(null)).toBe('');
    expect(formatDateTime(undefined)).toBe('');
    expect(formatDateTime('not a date')).toBe('');
  });

  it('formats a date alone', () => {
    expect(formatDate('2026-11-28T20:00:00Z')).toBe('29/11/2026');
  });
});

describe('zonedDateToUtcIso', () => {
  it('turns a Vietnam calendar day into its UTC bounds', () => {
    expect(zoneOffsetMinutes(new Date('2026-01-01T00:00:00Z'), 'Asia/Ho_Chi_Minh')).toBe(420);
    expect(zonedDateToUtcIso('2026-11-28')).toBe('2026-11-27T17:00:00.000Z');
    expect(zonedDateToUtcIso('2026-11-28', true)).toBe('2026-11-28T16:59:59.999Z');
  });

  it('handles a zone with daylight saving', () => {
    expect(zonedDateToUtcIso('2026-07-01', false, 'Europe/Paris')).toBe('2026-06-30T22:00:00.000Z');
    expect(zonedDateToUtcIso('2026-01-01', false, 'Europe/Paris')).toBe('2025-12-31T23:00:00.000Z');
  });

  it('rejects malformed dates', () => {
    expect(zonedDateToUtcIso('28/11/2026')).toBeNull();
  });
});

describe('parseViDate', () => {
  it('reads dd/MM/yyyy and its loose forms', () => {
    expect(parseViDate('28/11/2026')).toBe('2026-11-28');
    expect(parseViDate(' 1/2/2026 ')).toBe('2026-02-01');
    expect(parseViDate('01-02-2026')).toBe('2026-02-01');
  });
  it('rejects impossible or foreign dates', () => {
    expect(parseViDate('31/02/2026')).toBeNull();
    expect(parseViDate('2026-11-28')).toBeNull();
    expect(parseViDate('11/28/2026')).toBeNull();
    expect(parseViDate('')).toBeNull();
  });
});
