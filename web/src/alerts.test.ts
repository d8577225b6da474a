import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert, Unit } from './api';
import {
  alertStatusName,
  applyAlertEvent,
  beepFor,
  countOpen,
  countUnacknowledged,
  isMuted,
  MUTE_STORAGE_KEY,
  reloadMuted,
  setMuted,
  severityName,
  shouldBeep,
  sortAlerts,
  unitScope,
} from './alerts';
import { dictionaries, setLang } from './i18n';

const alert = (id: number, over: Partial<Alert> = {}): Alert => ({
  id,
  kind: 'shift.member_missing',
  subject: `shift:${id}`,
  unit_id: 5,
  severity: 'medium',
  title_vi: `Cảnh báo ${id}`,
  title_en: `Alert ${id}`,
  audience: ['shift_leader'],
  details: {},
  raised_at: `2026-11-27T0${id % 10}:00:00Z`,
  acknowledged_at: null,
  acknowledged_by: null,
  closed_at: null,
  status: 'open',
  ...over,
});

const scope = new Set([5, 6]);
const inScope = (id: number | null) => id !== null && scope.has(id);

afterEach(() => setLang('vi'));

describe('applyAlertEvent', () => {
  it('adds a raised alert of the unit or below, most severe first, then newest', () => {
    let list: Alert[] = [];
    list = applyAlertEvent(list, 'alert.raised', alert(1, { severity: 'low' }), inScope);
    list = applyAlertEvent(list, 'alert.raised', alert(2, { severity: 'high', unit_id: 6 }), inScope);
    list = applyAlertEvent(list, 'alert.raised', alert(3), inScope);
    list = applyAlertEvent(list, 'alert.raised', alert(4, { severity: 'high' }), inScope);
    expect(list.map((a) => a.id)).toEqual([4, 2, 3, 1]);
  });

  it('ignores alerts of other units, duplicates and payloads that are not alerts', () => {
    const list = [alert(1)];
    expect(applyAlertEvent(list, 'alert.raised', alert(2, { unit_id: 99 }), inScope)).toBe(list);
    expect(applyAlertEvent(list, 'alert.raised', alert(3, { unit_id: null }), inScope)).toBe(list);
    expect(applyAlertEvent(list, 'alert.raised', { nonsense: true }, inScope)).toBe(list);
    expect(applyAlertEvent(list, 'alert.other', alert(4), inScope)).toBe(list);
    expect(applyAlertEvent(list, 'alert.raised', alert(1), inScope)).toHaveLength(1);
  });

  it('removes a closed alert, and leaves the list alone when it was not there', () => {
    const list = [alert(1), alert(2)];
    const closed = alert(1, { closed_at: '2026-11-27T05:00:00Z', status: 'closed' });
    expect(applyAlertEvent(list, 'alert.closed', closed, inScope).map((a) => a.id)).toEqual([2]);
    expect(applyAlertEvent(list, 'alert.closed', alert(7, { status: 'closed' }), inScope)).toBe(list);
  });

  it('changes the state of an acknowledged alert in place', () => {
    const list = [alert(1), alert(2)];
    const acked = alert(1, { status: 'acknowledged', acknowledged_at: '2026-11-27T04:00:00Z', acknowledged_by: 9 });
    const out = applyAlertEvent(list, 'alert.acknowledged', acked, inScope);
    expect(out.find((a) => a.id === 1)?.status).toBe('acknowledged');
    expect(out.find((a) => a.id === 1)?.acknowledged_by).toBe(9);
    expect(out).toHaveLength(2);
  });

  it('adds an acknowledged alert whose raise it missed, but not one of another unit', () => {
    const acked = alert(3, { status: 'acknowledged', acknowledged_at: '2026-11-27T04:00:00Z' });
    expect(applyAlertEvent([], 'alert.acknowledged', acked, inScope)).toHaveLength(1);
    expect(applyAlertEvent([], 'alert.acknowledged', { ...acked, unit_id: 99 }, inScope)).toEqual([]);
  });

  it('does not lose an acknowledgement to an older copy replayed later', () => {
    const acked = alert(1, { status: 'acknowledged', acknowledged_at: '2026-11-27T04:00:00Z', acknowledged_by: 9 });
    const out = applyAlertEvent([acked], 'alert.raised', alert(1), inScope);
    expect(out[0].status).toBe('acknowledged');
    expect(out[0].acknowledged_by).toBe(9);
  });

  it('treats a raised event carrying a closed alert as a close', () => {
    const list = [alert(1)];
    expect(applyAlertEvent(list, 'alert.raised', alert(1, { status: 'closed', closed_at: 'x' }), inScope)).toEqual([]);
  });
});

describe('counting and ordering', () => {
  it('counts open alerts, acknowledged ones included, and the unacknowledged apart', () => {
    const list = [alert(1), alert(2, { status: 'acknowledged', acknowledged_at: 'x' }), alert(3, { status: 'closed', closed_at: 'y' })];
    expect(countOpen(list)).toBe(2);
    expect(countUnacknowledged(list)).toBe(1);
    expect(countOpen(null)).toBe(0);
    expect(countUnacknowledged(undefined)).toBe(0);
  });

  it('puts unknown severities last', () => {
    expect(sortAlerts([alert(1, { severity: 'weird' }), alert(2, { severity: 'low' })]).map((a) => a.id)).toEqual([2, 1]);
  });

  it('scopes to the unit and the units below it, null while the unit is unknown', () => {
    const u = (id: number, parent_id: number | null) => ({ id, parent_id }) as Unit;
    const units = [u(1, null), u(5, 1), u(6, 5), u(7, 1)];
    expect([...(unitScope(units, 5)?.ids ?? [])].sort()).toEqual([5, 6]);
    expect(unitScope(units, 5)?.known.size).toBe(4);
    expect(unitScope(units, 42)).toBeNull();
    expect(unitScope([], 5)).toBeNull();
  });
});

describe('labels', () => {
  it('names severities and states in both languages', () => {
    expect(severityName('high')).toBe('Cao');
    expect(severityName('medium')).toBe('Trung bình');
    expect(severityName('low')).toBe('Thấp');
    expect(severityName('high', 'en')).toBe('High');
    expect(severityName('medium', 'en')).toBe('Medium');
    expect(severityName('low', 'en')).toBe('Low');
    expect(severityName('unheard_of')).toBe('unheard_of');
    expect(alertStatusName('acknowledged')).toBe('Đã xác nhận');
    expect(alertStatusName('open', 'en')).toBe('Not acknowledged');
  });

  it('labels the acknowledge button "Đã biết"', () => {
    expect(dictionaries.vi['alerts.acknowledge']).toBe('Đã biết');
    expect(dictionaries.en['alerts.acknowledge']).toBe('Acknowledge');
  });
});

describe('sound', () => {
  const store = new Map<string, string>();
  beforeEach(() => {
    store.clear();
    (globalThis as { localStorage?: unknown }).localStorage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
    };
  });
  afterEach(() => {
    setMuted(false);
    delete (globalThis as { localStorage?: unknown }).localStorage;
  });

  it('beeps only for a newly raised high-severity alert, unmuted, once', () => {
    const high = alert(1, { severity: 'high' });
    expect(shouldBeep('alert.raised', high, false, new Set())).toBe(true);
    expect(shouldBeep('alert.raised', high, true, new Set())).toBe(false);
    expect(shouldBeep('alert.raised', high, false, new Set([1]))).toBe(false);
    expect(shouldBeep('alert.raised', alert(2, { severity: 'medium' }), false, new Set())).toBe(false);
    expect(shouldBeep('alert.acknowledged', high, false, new Set())).toBe(false);
    expect(shouldBeep('alert.raised', null, false, new Set())).toBe(false);
  });

  it('plays once per alert however many lists see it, and not when muted', () => {
    let plays = 0;
    const play = () => void (plays += 1);
    expect(beepFor('alert.raised', alert(101, { severity: 'high' }), play)).toBe(true);
    expect(beepFor('alert.raised', alert(101, { severity: 'high' }), play)).toBe(false);
    setMuted(true);
    expect(beepFor('alert.raised', alert(102, { severity: 'high' }), play)).toBe(false);
    expect(plays).toBe(1);
  });

  it('remembers the mute toggle in localStorage', () => {
    setMuted(true);
    expect(store.get(MUTE_STORAGE_KEY)).toBe('1');
    expect(reloadMuted()).toBe(true);
    setMuted(false);
    expect(store.get(MUTE_STORAGE_KEY)).toBe('0');
    expect(reloadMuted()).toBe(false);
    expect(isMuted()).toBe(false);
  });
});
