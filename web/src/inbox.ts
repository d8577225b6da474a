// The user's inbox (hộp thư): notifications about cases and coordination requests, the unread
// count on the navigation kept current from the live channel ("inbox.notification", sent only to
// the addressed user), and the alerts' beep for a new high-severity notification unless muted.
import { createContext } from 'preact';
import { useCallback, useContext, useEffect } from 'preact/hooks';
import { beep, isMuted } from './alerts';
import { casesApi, type Notification } from './api';
import { usePagedList } from './hooks';
import { live, type LiveChannel, type LiveEvent } from './live';

export const INBOX_TOPIC = 'inbox.notification';
/** The server keeps the newest 200. */
export const INBOX_MAX = 200;

export interface InboxState {
  /** Newest first; null while loading. */
  items: Notification[] | null;
  unread: number;
}

export function isNotification(x: unknown): x is Notification {
  const n = x as Notification | null;
  return !!n && typeof n === 'object' && typeof n.id === 'number' && typeof n.kind === 'string';
}

const countUnread = (items: Notification[]) => items.filter((n) => !n.read_at).length;

function newestFirst(items: Notification[]): Notification[] {
  return [...items].sort((a, b) => (Date.parse(b.created_at) || 0) - (Date.parse(a.created_at) || 0) || b.id - a.id);
}

/**
 * The inbox after an "inbox.notification" event ({notification, unread}). The server's count wins;
 * without one the list is counted. A notification already listed is not added twice.
 */
export function applyInboxEvent(state: InboxState, payload: unknown): InboxState {
  const p = payload as { notification?: unknown; unread?: unknown } | null;
  const n = p?.notification;
  if (!isNotification(n)) return state;
  const known = state.items?.some((x) => x.id === n.id) ?? false;
  const items = state.items === null || known ? state.items : newestFirst([n, ...state.items]).slice(0, INBOX_MAX);
  const unread = typeof p?.unread === 'number' ? p.unread : items ? countUnread(items) : state.unread + (known ? 0 : 1);
  return { items, unread };
}

/** One notification read (at `at`), with the count the server answered. */
export function applyRead(state: InboxState, id: number, unread: number | null, at: string): InboxState {
  const items = state.items?.map((n) => (n.id === id && !n.read_at ? { ...n, read_at: at } : n)) ?? null;
  return { items, unread: typeof unread === 'number' ? unread : items ? countUnread(items) : Math.max(0, state.unread - 1) };
}

export function applyAllRead(state: InboxState, at: string): InboxState {
  return { items: state.items?.map((n) => (n.read_at ? n : { ...n, read_at: at })) ?? null, unread: 0 };
}

/** Where clicking a notification leads: the data request, the coordination request, else the case. */
export function notificationHref(n: Pick<Notification, 'kind' | 'case_id' | 'coordination_id' | 'data_request_id'>): string | null {
  if (n.data_request_id !== null && n.data_request_id !== undefined) return `#/data-requests/${n.data_request_id}`;
  if (n.coordination_id !== null && n.coordination_id !== undefined) {
    const tab = n.kind === 'coordination_answered' ? 'outgoing' : 'incoming';
    return `#/coordination/${tab}/${n.coordination_id}`;
  }
  if (n.case_id !== null && n.case_id !== undefined) return `#/cases/${n.case_id}`;
  return null;
}

/** Whether a notification deserves the beep: high severity, unread, not muted, not beeped before. */
export function shouldBeepNotification(n: unknown, muted: boolean, beeped: ReadonlySet<number>): boolean {
  return !muted && isNotification(n) && n.severity === 'high' && !n.read_at && !beeped.has(n.id);
}

const beeped = new Set<number>();

/** Beep (once per notification) for a new high-severity one; the alerts' mute silences it too. */
export function beepForNotification(n: unknown, play: () => void = beep): boolean {
  if (!shouldBeepNotification(n, isMuted(), beeped)) return false;
  beeped.add((n as Notification).id);
  play();
  return true;
}

// ---- the hook, held by the shell and read by the inbox page through InboxContext

export interface Inbox extends InboxState {
  error: unknown;
  reload: () => void;
  markRead: (id: number) => Promise<void>;
  markAllRead: () => Promise<void>;
  /** Older notifications, a page at a time ("Xem thêm"). */
  hasMore: boolean;
  loadingMore: boolean;
  loadMore: () => void;
}

export const InboxContext = createContext<Inbox | null>(null);

export function useInboxContext(): Inbox | null {
  return useContext(InboxContext);
}

/** The user's inbox, live; `enabled` false does nothing (and keeps no socket open). */
export function useInbox(enabled: boolean, channel: LiveChannel = live): Inbox {
  // Events that arrive while the first page loads are applied again on top of its answer.
  const list = usePagedList(
    (cursor, signal) => (enabled ? casesApi.inbox(false, cursor, signal) : Promise.resolve({ items: [], next: null, unread: 0 })),
    [enabled],
    { live: enabled, channel, replay: true, order: newestFirst },
  );
  const { setData } = list;
  const change = useCallback(
    (fn: (s: InboxState) => InboxState) =>
      setData((prev) => {
        if (!prev) return prev;
        const s = fn(prev);
        return { ...prev, items: s.items ?? prev.items, unread: s.unread };
      }),
    [setData],
  );

  useEffect(() => {
    if (!enabled) return;
    const release = channel.retain();
    const off = channel.subscribe(INBOX_TOPIC, (e: LiveEvent) => {
      const p = e.payload as { notification?: unknown };
      beepForNotification(p.notification);
      change((s) => applyInboxEvent(s, e.payload));
    });
    return () => {
      off();
      release();
    };
  }, [enabled, channel, change]);

  const markRead = useCallback(
    async (id: number) => {
      const r = await casesApi.markRead(id);
      change((s) => applyRead(s, id, r?.unread ?? null, new Date().toISOString()));
    },
    [change],
  );

  const markAllRead = useCallback(async () => {
    await casesApi.markAllRead();
    change((s) => applyAllRead(s, new Date().toISOString()));
  }, [change]);

  return {
    items: enabled ? list.items : null,
    unread: list.data?.unread ?? 0,
    error: list.error,
    reload: list.reload,
    markRead,
    markAllRead,
    hasMore: list.hasMore,
    loadingMore: list.loadingMore,
    loadMore: list.loadMore,
  };
}
