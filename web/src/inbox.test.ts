import { afterEach, describe, expect, it } from 'vitest';
import { setMuted } from './alerts';
import type { Notification } from './api';
import { applyAllRead, applyInboxEvent, applyRead, beepForNotification, INBOX_MAX, notificationHref, shouldBeepNotification, type InboxState } from './inbox';

const note = (id: number, over: Partial<Notification> = {}): Notification => ({
  id,
  kind: 'case_reported',
  case_id: 100 + id,
  coordination_id: null,
  title_vi: `Vụ việc HP-2026-000${id} được báo cáo`,
  title_en: `Case HP-2026-000${id} reported`,
  severity: 'medium',
  created_at: `2026-11-28T0${id % 10}:00:00.000Z`,
  read_at: null,
  ...over,
});

afterEach(() => setMuted(false));

describe('applyInboxEvent', () => {
  it('puts a new notification on top and takes the unread count from the server', () => {
    const s: InboxState = { items: [note(2), note(1, { read_at: '2026-11-28T02:00:00Z' })], unread: 1 };
    const after = applyInboxEvent(s, { notification: note(3), unread: 2 });
    expect(after.items!.map((n) => n.id)).toEqual([3, 2, 1]);
    expect(after.unread).toBe(2);
  });

  it('does not list a notification twice, and counts when the server sent no count', () => {
    const s: InboxState = { items: [note(2)], unread: 1 };
    expect(applyInboxEvent(s, { notification: note(2), unread: 1 }).items).toHaveLength(1);
    expect(applyInboxEvent(s, { notification: note(3) }).unread).toBe(2);
    // Before the list has loaded, only the badge moves.
    expect(applyInboxEvent({ items: null, unread: 4 }, { notification: note(5), unread: 5 })).toEqual({ items: null, unread: 5 });
    expect(applyInboxEvent({ items: null, unread: 4 }, { notification: note(5) }).unread).toBe(5);
  });

  it('ignores payloads that are not notifications', () => {
    const s: InboxState = { items: [note(1)], unread: 1 };
    expect(applyInboxEvent(s, { unread: 9 })).toBe(s);
    expect(applyInboxEvent(s, null)).toBe(s);
  });

  it('keeps at most the newest 200', () => {
    const items = Array.from({ length: INBOX_MAX }, (_, i) => note(i + 1, { created_at: new Date(Date.UTC(2026, 10, 1) + i * 1000).toISOString() }));
    const after = applyInboxEvent({ items, unread: 0 }, { notification: note(999, { created_at: '2026-12-01T00:00:00Z' }), unread: 1 });
    expect(after.items).toHaveLength(INBOX_MAX);
    expect(after.items![0].id).toBe(999);
    expect(after.items!.some((n) => n.id === 1)).toBe(false);
  });
});

describe('reading notifications', () => {
  it('marks one read with the server’s count, or all', () => {
    const s: InboxState = { items: [note(3), note(2), note(1)], unread: 3 };
    const one = applyRead(s, 2, 2, '2026-11-28T09:00:00Z');
    expect(one.items!.find((n) => n.id === 2)!.read_at).toBe('2026-11-28T09:00:00Z');
    expect(one.unread).toBe(2);
    expect(applyRead(s, 2, null, 'x').unread).toBe(2);
    const all = applyAllRead(one, '2026-11-28T09:05:00Z');
    expect(all.unread).toBe(0);
    expect(all.items!.every((n) => n.read_at)).toBe(true);
    expect(all.items!.find((n) => n.id === 2)!.read_at).toBe('2026-11-28T09:00:00Z');
  });
});

describe('notificationHref', () => {
  it('opens the coordination request when there is one, else the case', () => {
    expect(notificationHref(note(1))).toBe('#/cases/101');
    expect(notificationHref(note(1, { kind: 'coordination_received', coordination_id: 7 }))).toBe('#/coordination/incoming/7');
    expect(notificationHref(note(1, { kind: 'coordination_answered', coordination_id: 7 }))).toBe('#/coordination/outgoing/7');
    expect(notificationHref(note(1, { case_id: null }))).toBeNull();
  });
});

describe('the beep for a notification', () => {
  it('sounds for a new unread high-severity one, once, unless muted', () => {
    expect(shouldBeepNotification(note(1, { severity: 'high' }), false, new Set())).toBe(true);
    expect(shouldBeepNotification(note(1, { severity: 'medium' }), false, new Set())).toBe(false);
    expect(shouldBeepNotification(note(1, { severity: 'high' }), true, new Set())).toBe(false);
    expect(shouldBeepNotification(note(1, { severity: 'high' }), false, new Set([1]))).toBe(false);
    expect(shouldBeepNotification(note(1, { severity: 'high', read_at: 'x' }), false, new Set())).toBe(false);

    let played = 0;
    const play = () => {
      played += 1;
    };
    setMuted(true);
    expect(beepForNotification(note(41, { severity: 'high' }), play)).toBe(false);
    setMuted(false);
    expect(beepForNotification(note(41, { severity: 'high' }), play)).toBe(true);
    expect(beepForNotification(note(41, { severity: 'high' }), play)).toBe(false);
    expect(played).toBe(1);
  });
});
