// The hooks every page shares: loading data (useLoad), a list that pages through the server's answers
// (usePagedList), a form's or a button's call with its busy state and error (useAction), and the
// small ones several pages need (useNow, useUnits, useCustomsUnits). Pages import these; no page
// exports a hook for another.
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, type Page, type Unit } from './api';
import { live, type LiveChannel } from './live';

/** A call given up on purpose (the page moved on): no error to show. */
export function isAbort(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}

export interface LoadOptions {
  /**
   * Follow the live channel: load again when it resyncs or comes back after an outage and, while it
   * is down, every `pollMs` (default 15 s). Pages that apply live events themselves use this so that
   * nothing missed while the socket was away stays missing.
   */
  live?: boolean;
  /** Load again every this many milliseconds, connected or not. */
  everyMs?: number;
  pollMs?: number;
  channel?: LiveChannel;
  /**
   * Changes made with `setData` while a load is in flight (live events it may not contain yet) are
   * made again on top of its answer, in order, instead of being lost when the answer replaces them.
   */
  replay?: boolean;
  /** Keep showing the last answer while the dependencies change (a timeline moving to other days), not null. */
  keep?: boolean;
}

export interface Load<T> {
  /** The last answer; null before the first and after the dependencies changed. */
  data: T | null;
  /** Why the last load failed (null once one succeeds). */
  error: unknown;
  loading: boolean;
  /**
   * Ask again; the answer shown stays until the new one comes. Resolves, once it is in, with what is
   * shown then, or null when the call failed or was given up (it never rejects).
   */
  reload: () => Promise<T | null>;
  /** Change the answer in place (a live event, the result of an action). */
  setData: (fn: (prev: T | null) => T | null) => void;
  /** The signal of the load in flight or last made: aborted when the dependencies change or on unmount. */
  signal: () => AbortSignal;
}

const POLL_MS = 15_000;

/**
 * Loads `fetch` when the component mounts and whenever `deps` change, aborting the call that was in
 * flight (and the ones still running when the component goes). A late answer to an aborted call is
 * never shown.
 */
export function useLoad<T>(fetch: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[], options: LoadOptions = {}): Load<T> {
  const [state, setState] = useState<{ data: T | null; error: unknown; loading: boolean }>({ data: null, error: null, loading: true });
  const fetchRef = useRef(fetch);
  fetchRef.current = fetch;
  const current = useRef<AbortController>(new AbortController());
  const { live: followLive, everyMs, pollMs = POLL_MS, channel = live, replay = false, keep = false } = options;
  // The changes to make again on top of the answer in flight (with `replay`).
  const pending = useRef<((prev: T | null) => T | null)[] | null>(null);

  const reload = useCallback(() => {
    current.current.abort();
    const ctl = new AbortController();
    current.current = ctl;
    const changes: ((prev: T | null) => T | null)[] | null = replay ? [] : null;
    pending.current = changes;
    setState((s) => (s.loading ? s : { ...s, loading: true }));
    return fetchRef.current(ctl.signal).then(
      (answer) => {
        if (ctl.signal.aborted) return null;
        let data: T | null = answer;
        for (const change of changes ?? []) data = change(data);
        pending.current = null;
        setState({ data, error: null, loading: false });
        return data;
      },
      (error) => {
        if (ctl.signal.aborted) return null;
        pending.current = null;
        setState((s) => ({ data: s.data, error, loading: false }));
        return null;
      },
    );
  }, [...deps, replay]);

  useEffect(() => {
    setState((s) => ({ data: keep ? s.data : null, error: null, loading: true }));
    void reload();
    return () => current.current.abort();
  }, [reload]);

  useEffect(() => {
    if (!everyMs) return;
    const h = setInterval(reload, everyMs);
    return () => clearInterval(h);
  }, [everyMs, reload]);
  useEffect(() => {
    if (!followLive) return;
    const release = channel.retain();
    let timer: ReturnType<typeof setInterval> | null = null;
    const poll = (connected: boolean) => {
      if (timer !== null) clearInterval(timer);
      timer = connected ? null : setInterval(reload, pollMs);
    };
    let was = channel.connected;
    poll(was);
    const offStatus = channel.onStatus((c) => {
      if (c && !was) void reload(); // catch up with what happened while the socket was away
      was = c;
      poll(c);
    });
    const offResync = channel.onResync(reload);
    return () => {
      offStatus();
      offResync();
      if (timer !== null) clearInterval(timer);
      release();
    };
  }, [followLive, pollMs, channel, reload]);

  const setData = useCallback((fn: (prev: T | null) => T | null) => {
    pending.current?.push(fn);
    setState((s) => ({ ...s, data: fn(s.data) }));
  }, []);
  const signal = useCallback(() => current.current.signal, []);
  return { ...state, reload, setData, signal };
}

export interface PagedList<T, X extends object = object> {
  /** What is loaded so far, in the server's order; null before the first page. */
  items: T[] | null;
  /** The answer so far: every item loaded, with the latest page's cursor and other fields (a count). */
  data: (Page<T> & X) | null;
  error: unknown;
  loading: boolean;
  /** Whether the server has more ("Xem thêm / Load more"). */
  hasMore: boolean;
  loadingMore: boolean;
  loadMore: () => void;
  /** Back to the first page. */
  reload: () => void;
  /** Change the loaded items in place (a live event, a row changed by an action). */
  setItems: (fn: (prev: T[]) => T[]) => void;
  /** Change the answer in place, its other fields too. */
  setData: (fn: (prev: (Page<T> & X) | null) => (Page<T> & X) | null) => void;
}

const keyOf = (x: unknown) => (x as { id?: unknown } | null)?.id;

/**
 * A list the server answers page by page: `fetchPage(null)` is the first page, `fetchPage(next)`
 * the one after (the adapters in api.ts turn `next_cursor` or `next_before_seq` into `next`). A row
 * already shown is not shown twice when a later page repeats it. `order` sorts what is loaded when
 * the page shows it in another order than the server's. The answer's other fields (`X`, e.g. an
 * unread count) are those of the latest page.
 */
export function usePagedList<T, X extends object = object>(
  fetchPage: (cursor: string | null, signal: AbortSignal) => Promise<Page<T> & X>,
  deps: readonly unknown[],
  options: LoadOptions & { order?: (items: T[]) => T[] } = {},
): PagedList<T, X> {
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;
  const order = options.order ?? ((items: T[]) => items);
  const orderRef = useRef(order);
  orderRef.current = order;
  const load = useLoad((signal) => fetchRef.current(null, signal).then((p) => ({ ...p, items: orderRef.current(p.items) })), deps, options);
  const more = useAction();
  const { setData, signal } = load;

  const loadMore = useCallback(() => {
    const next = load.data?.next;
    if (!next) return;
    const sig = signal();
    void more.run(async () => {
      const page = await fetchRef.current(next, sig);
      if (sig.aborted) return;
      setData((prev) => {
        if (!prev) return prev;
        const seen = new Set(prev.items.map(keyOf));
        const added = page.items.filter((x) => keyOf(x) === undefined || !seen.has(keyOf(x)));
        return { ...prev, ...page, items: orderRef.current([...prev.items, ...added]) };
      });
    });
  }, [load.data, signal, setData, more]);

  const setItems = useCallback((fn: (prev: T[]) => T[]) => setData((prev) => (prev ? { ...prev, items: fn(prev.items) } : prev)), [setData]);
  const { setError: clearMore } = more;
  const reload = useCallback(() => {
    clearMore(null);
    void load.reload();
  }, [clearMore, load.reload]);
  // A "load more" that failed under other filters is not this list's error.
  useEffect(() => clearMore(null), deps);

  return {
    items: load.data?.items ?? null,
    data: load.data,
    error: load.error ?? more.error,
    loading: load.loading,
    hasMore: !!load.data?.next,
    loadingMore: !!more.busy,
    loadMore,
    reload,
    setItems,
    setData,
  };
}

export interface Action {
  /** What is running: the tag given to `run` (true without one), false when nothing is. */
  busy: string | boolean;
  /** Why the last run failed; cleared when the next starts. */
  error: unknown;
  setError: (e: unknown) => void;
  /**
   * Runs `fn` unless a run is already going: busy while it runs, its failure kept as `error`.
   * Resolves true when it succeeded. Whatever follows success goes inside `fn`, so that its
   * failure is shown too.
   */
  run: (fn: () => Promise<unknown>, tag?: string) => Promise<boolean>;
}

/** The busy state and error of a form's submit or a button's call (`initialError` shown until the first run). */
export function useAction(initialError: unknown = null): Action {
  const [busy, setBusy] = useState<string | boolean>(false);
  const [error, setError] = useState<unknown>(initialError);
  const running = useRef(false);
  const run = useCallback(async (fn: () => Promise<unknown>, tag?: string) => {
    if (running.current) return false;
    running.current = true;
    setBusy(tag ?? true);
    setError(null);
    try {
      await fn();
      return true;
    } catch (e) {
      if (!isAbort(e)) setError(e);
      return false;
    } finally {
      running.current = false;
      setBusy(false);
    }
  }, []);
  // One object per state, so that callers may list it as a dependency.
  const action = useRef<Action>({ busy, error, setError, run });
  if (action.current.busy !== busy || action.current.error !== error) action.current = { busy, error, setError, run };
  return action.current;
}

/** The clock that "since" texts are measured against, ticking every `everyMs`. */
export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const h = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(h);
  }, [everyMs]);
  return now;
}

/** Every unit the user may see (an empty list until they come, if they cannot be had, or while not `wanted`). */
export function useUnits(wanted = true): Unit[] {
  const { data } = useLoad((signal) => (wanted ? api.units(signal).catch(() => NO_UNITS) : Promise.resolve(NO_UNITS)), [wanted]);
  return data ?? NO_UNITS;
}

const NO_UNITS: Unit[] = [];

/** Units inside customs, in tree order. */
export function useCustomsUnits(): Unit[] {
  const units = useUnits();
  return useMemo(() => units.filter((u) => !u.external), [units]);
}
