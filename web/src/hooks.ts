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
}

export interface Load<T> {
  /** The last answer; null before the first and after the dependencies changed. */
  data: T | null;
  /** Why the last load failed (null once one succeeds). */
  error: unknown;
  loading: boolean;
  /** Ask again; the answer shown stays until the new one comes. */
  reload: () => void;
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

  const reload = useCallback(() => {
    current.current.abort();
    const ctl = new AbortController();
    current.current = ctl;
    setState((s) => (s.loading ? s : { ...s, loading: true }));
    fetchRef.current(ctl.signal).then(
      (data) => {
        if (!ctl.signal.aborted) setState({ data, error: null, loading: false });
      },
      (error) => {
        if (!ctl.signal.aborted) setState((s) => ({ data: s.data, error, loading: false }));
      },
    );
  }, deps);

  useEffect(() => {
    setState({ data: null, error: null, loading: true });
    reload();
    return () => current.current.abort();
  }, [reload]);

  const { live: followLive, everyMs, pollMs = POLL_MS, channel = live } = options;
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
      if (c && !was) reload(); // catch up with what happened while the socket was away
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

  const setData = useCallback((fn: (prev: T | null) => T | null) => setState((s) => ({ ...s, data: fn(s.data) })), []);
  const signal = useCallback(() => current.current.signal, []);
  return { ...state, reload, setData, signal };
}

export interface PagedList<T> {
  /** What is loaded so far, in the server's order; null before the first page. */
  items: T[] | null;
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
}

const keyOf = (x: unknown) => (x as { id?: unknown } | null)?.id;

/**
 * A list the server answers page by page: `fetchPage(null)` is the first page, `fetchPage(next)`
 * the one after (the adapters in api.ts turn `next_cursor` or `next_before_seq` into `next`). A row
 * already shown is not shown twice when a later page repeats it. `order` sorts what is loaded when
 * the page shows it in another order than the server's.
 */
export function usePagedList<T>(
  fetchPage: (cursor: string | null, signal: AbortSignal) => Promise<Page<T>>,
  deps: readonly unknown[],
  options: LoadOptions & { order?: (items: T[]) => T[] } = {},
): PagedList<T> {
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
        return { items: orderRef.current([...prev.items, ...added]), next: page.next };
      });
    });
  }, [load.data, signal, setData, more]);

  const setItems = useCallback((fn: (prev: T[]) => T[]) => setData((prev) => (prev ? { ...prev, items: fn(prev.items) } : prev)), [setData]);
  const { setError: clearMore } = more;
  const reload = useCallback(() => {
    clearMore(null);
    load.reload();
  }, [clearMore, load.reload]);
  // A "load more" that failed under other filters is not this list's error.
  useEffect(() => clearMore(null), deps);

  return {
    items: load.data?.items ?? null,
    error: load.error ?? more.error,
    loading: load.loading,
    hasMore: !!load.data?.next,
    loadingMore: !!more.busy,
    loadMore,
    reload,
    setItems,
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

/** Every unit the user may see (an empty list until they come, or if they cannot be had). */
export function useUnits(): Unit[] {
  const { data } = useLoad((signal) => api.units(signal).catch(() => []), []);
  return data ?? NO_UNITS;
}

const NO_UNITS: Unit[] = [];

/** Units inside customs, in tree order. */
export function useCustomsUnits(): Unit[] {
  const units = useUnits();
  return useMemo(() => units.filter((u) => !u.external), [units]);
}
