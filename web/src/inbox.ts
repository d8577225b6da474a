// The user's inbox (hộp thư): notifications about cases and coordination requests, the unread
// count on the navigation kept current from the live channel ("inbox.notification", sent only to
// the addressed user), and the alerts' beep for a new high-severity notification unless muted.
import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useRef, useState } from 'preact/hooks';
import { beep, isMuted } from './alerts';
import { casesApi, type Notification } from './api';
import { useAction } from './hooks';
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

/** Where clicking a notification leads: the coordination request, else the case. */
export function notificationHref(n: Pick<Notification, 'kind' | 'case_id' | 'coordination_id'>): string | null {
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
  const [state, setState] = useState<InboxState>({ items: null, unread: 0 });
  const [error, setError] = useState<unknown>(null);
  const [next, setNext] = useState<string | null>(null);
  const more = useAction();
  const generation = useRef(0);
  // Events that arrive while a load is in flight are applied again on top of its answer.
  const pending = useRef<unknown[] | null>(null);

  const reload = useCallback(() => {
    if (!enabled) return;
    const gen = ++generation.current;
    pending.current = [];
    casesApi.inbox().then(
      (r) => {
        if (gen !== generation.current) return;
        let s: InboxState = { items: newestFirst(r.items), unread: r.unread };
        for (const p of pending.current ?? []) s = applyInboxEvent(s, p);
        pending.current = null;
        setState(s);
        setNext(r.next);
        setError(null);
      },
      (e) => {
        if (gen !== generation.current) return;
        pending.current = null;
        setError(e);
      },
    );
  }, [enabled]);

  useEffect(() => {
    reload();
    return () => {
      generation.current += 1;
    };
  }, [reload]);

  useEffect(() => {
    if (!enabled) return;
    const release = channel.retain();
    const onEvent = (e: LiveEvent) => {
      const p = e.payload as { notification?: unknown };
      beepForNotification(p.notification);
      pending.current?.push(e.payload);
      setState((s) => applyInboxEvent(s, e.payload));
    };
    const off = channel.subscribe(INBOX_TOPIC, onEvent);
    const offResync = channel.onResync(reload);
    // Catch up with what arrived while the socket was away.
    let was = channel.connected;
    const offStatus = channel.onStatus((c) => {
      if (c && !was) reload();
      was = c;
    });
    return () => {
      off();
      offResync();
      offStatus();
      release();
    };
  }, [enabled, channel, reload]);

  const markRead = useCallback(async (id: number) => {
    const r = await casesApi.markRead(id);
    setState((s) => applyRead(s, id, r?.unread ?? null, new Date().toISOString()));
  }, []);

  const markAllRead = useCallback(async () => {
    await casesApi.markAllRead();
    setState((s) => applyAllRead(s, new Date().toISOString()));
  }, []);

  const loadMore = useCallback(() => {
    if (!next) return;
    const gen = generation.current;
    void more.run(async () => {
      const r = await casesApi.inbox(false, next);
      if (gen !== generation.current) return;
      setState((s) => {
        const known = new Set((s.items ?? []).map((n) => n.id));
        return { items: newestFirst([...(s.items ?? []), ...r.items.filter((n) => !known.has(n.id))]), unread: r.unread };
      });
      setNext(r.next);
    });
  }, [next, more]);

  return { ...state, error: error ?? more.error, reload, markRead, markAllRead, hasMore: !!next, loadingMore: !!more.busy, loadMore };
}
