// Alerts (cảnh báo) for the people on duty: the list of a unit's open alerts kept current from the
// live channel (alert.raised / alert.acknowledged / alert.closed), the count shown in the navigation,
// and a short beep for a new high-severity alert unless the operator has muted it.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { alertsApi, SEVERITIES, type Alert, type Unit } from './api';
import { useLoad } from './hooks';
import { label, type Lang } from './i18n';
import { live, type LiveChannel, type LiveEvent } from './live';
import { buildTree, subtreeIds } from './tree';

export const ALERT_TOPICS = ['alert.raised', 'alert.acknowledged', 'alert.closed'] as const;

/** "Cao" / "Trung bình" / "Thấp" (High / Medium / Low); an unknown code as it is. */
export const severityName = (s: string, lang?: Lang) => label('alertSeverity', s, lang);
/** The state of an alert: not yet acknowledged, acknowledged, closed. */
export const alertStatusName = (s: string, lang?: Lang) => label('alertStatus', s, lang);

// SEVERITIES runs from the most severe; a severity the console does not know comes last.
const rank = (s: string) => {
  const i = (SEVERITIES as readonly string[]).indexOf(s);
  return i < 0 ? SEVERITIES.length : i;
};

/** Most severe first, then newest first. */
export function sortAlerts(list: Alert[]): Alert[] {
  return [...list].sort(
    (a, b) =>
      rank(a.severity) - rank(b.severity) ||
      (Date.parse(b.raised_at) || 0) - (Date.parse(a.raised_at) || 0) ||
      b.id - a.id,
  );
}

/** Whether the payload of a live event is an alert at all. */
export function isAlert(x: unknown): x is Alert {
  const a = x as Alert | null;
  return !!a && typeof a === 'object' && typeof a.id === 'number' && typeof a.severity === 'string';
}

/** Replace or add `incoming`, never losing an acknowledgement an older copy of the alert lacks. */
function upsert(list: Alert[], incoming: Alert): Alert[] {
  const i = list.findIndex((a) => a.id === incoming.id);
  if (i < 0) return sortAlerts([...list, incoming]);
  const old = list[i];
  const merged =
    old.acknowledged_at && !incoming.acknowledged_at
      ? { ...incoming, acknowledged_at: old.acknowledged_at, acknowledged_by: old.acknowledged_by, status: old.status }
      : incoming;
  const out = [...list];
  out[i] = merged;
  return sortAlerts(out);
}

/**
 * The open alerts after one live event. `inScope` tells whether a unit is the watched unit or below
 * it; alerts of other units are left out. Returns `list` itself when nothing changed.
 */
export function applyAlertEvent(
  list: Alert[],
  topic: string,
  alert: unknown,
  inScope: (unitId: number | null) => boolean,
): Alert[] {
  if (!isAlert(alert)) return list;
  const present = list.some((a) => a.id === alert.id);
  if (topic === 'alert.closed' || alert.status === 'closed' || alert.closed_at) {
    return present ? list.filter((a) => a.id !== alert.id) : list;
  }
  if (topic !== 'alert.raised' && topic !== 'alert.acknowledged') return list;
  if (!present && !inScope(alert.unit_id)) return list;
  return upsert(list, alert);
}

/** Not closed: an acknowledged alert stays open until its condition ends. */
export const isOpen = (a: Alert) => a.status !== 'closed' && !a.closed_at;

/** Which units a list of alerts watches: `ids`, the unit and those below it, out of `known`, all units listed. */
export interface AlertScope {
  ids: Set<number>;
  known: Set<number>;
}

/** The scope of `unit`; null while the unit list does not know `unit`. */
export function unitScope(units: Unit[], unit: number): AlertScope | null {
  const ids = subtreeIds(buildTree(units), unit);
  return ids.size ? { ids, known: new Set(units.map((u) => u.id)) } : null;
}

/** How many alerts are open (acknowledged ones included). */
export function countOpen(list: Alert[] | null | undefined): number {
  return (list ?? []).filter(isOpen).length;
}

/** How many open alerts nobody has acknowledged yet. */
export function countUnacknowledged(list: Alert[] | null | undefined): number {
  return (list ?? []).filter((a) => a.status === 'open' && !a.acknowledged_at && !a.closed_at).length;
}

/** Whether this event deserves the beep: a newly raised high-severity alert, not muted, not beeped before. */
export function shouldBeep(topic: string, alert: unknown, muted: boolean, beeped: ReadonlySet<number>): boolean {
  return !muted && topic === 'alert.raised' && isAlert(alert) && alert.severity === 'high' && !beeped.has(alert.id);
}

// ---- the mute toggle, remembered in this browser

export const MUTE_STORAGE_KEY = 'watchfloor.alerts.muted';

function initialMuted(): boolean {
  try {
    return globalThis.localStorage?.getItem(MUTE_STORAGE_KEY) === '1';
  } catch {
    return false;
  }
}

let muted = initialMuted();
const muteListeners = new Set<(m: boolean) => void>();

export function isMuted(): boolean {
  return muted;
}

export function setMuted(m: boolean): void {
  muted = m;
  try {
    globalThis.localStorage?.setItem(MUTE_STORAGE_KEY, m ? '1' : '0');
  } catch {
    // not persisted; the choice still holds for this page
  }
  for (const l of [...muteListeners]) l(m);
}

/** Re-read the stored choice (the tests, or another tab). */
export function reloadMuted(): boolean {
  muted = initialMuted();
  return muted;
}

export function useAlertsMuted(): [boolean, (m: boolean) => void] {
  const [m, set] = useState(muted);
  useEffect(() => {
    set(muted);
    muteListeners.add(set);
    return () => {
      muteListeners.delete(set);
    };
  }, []);
  return [m, setMuted];
}

// ---- the beep: Web Audio, no sound files

type AudioCtor = new () => AudioContext;
let audio: AudioContext | null = null;
const beeped = new Set<number>();

/** A short two-tone beep; silent where the browser has no Web Audio or refuses to play. */
export function beep(): void {
  try {
    const g = globalThis as unknown as { AudioContext?: AudioCtor; webkitAudioContext?: AudioCtor };
    const Ctor = g.AudioContext ?? g.webkitAudioContext;
    if (!Ctor) return;
    audio ??= new Ctor();
    if (audio.state === 'suspended') void audio.resume().catch(() => undefined);
    const t0 = audio.currentTime;
    for (const [i, freq] of [880, 660].entries()) {
      const start = t0 + i * 0.18;
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = 'sine';
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.25, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.15);
      osc.connect(gain).connect(audio.destination);
      osc.start(start);
      osc.stop(start + 0.16);
    }
  } catch {
    // no sound is better than a broken board
  }
}

/** Beep for this event if it deserves it; each alert beeps once however many lists watch it. */
export function beepFor(topic: string, alert: unknown, play: () => void = beep): boolean {
  if (!shouldBeep(topic, alert, muted, beeped)) return false;
  beeped.add((alert as Alert).id);
  play();
  return true;
}

// ---- the hook

export interface AlertsState {
  /** Open alerts, most severe first; null while loading (or when `unit` is null). */
  alerts: Alert[] | null;
  error: unknown;
  reload: () => void;
  /** Put an alert the page got back from the server (e.g. after acknowledging it) into the list. */
  put: (a: Alert) => void;
}

/**
 * The open alerts of `unit` and the units under it (`scope`: their ids, null while unknown). An
 * event the scope cannot place (no scope yet, or a unit created since the list was loaded) makes
 * the list reload from the server instead; an event that arrives while the list loads is applied
 * again on top of the answer. Live while the socket is up, polled while it is not. A null `unit`
 * does nothing (and keeps no socket open).
 */
export function useAlerts(unit: number | null, scope: AlertScope | null, channel: LiveChannel = live): AlertsState {
  const load = useLoad(
    (signal) => (unit === null ? Promise.resolve(null) : alertsApi.list(unit, 'open', signal).then((items) => sortAlerts(items.filter(isOpen)))),
    [unit],
    { live: unit !== null, channel, replay: true },
  );
  const { setData, reload } = load;
  const scopeRef = useRef(scope);
  scopeRef.current = scope;
  const inScope = useCallback((id: number | null) => id !== null && !!scopeRef.current?.ids.has(id), []);

  useEffect(() => {
    if (unit === null) return;
    const release = channel.retain();
    const onEvent = (e: LiveEvent) => {
      if (!isAlert(e.payload)) return;
      const alert = e.payload;
      if (!scopeRef.current || (alert.unit_id !== null && !scopeRef.current.known.has(alert.unit_id))) {
        // Which units are below `unit` is not known (yet): ask the server, and beep if it lists the alert.
        void reload().then((list) => {
          if (list?.some((a) => a.id === alert.id)) beepFor(e.topic, alert);
        });
        return;
      }
      if (inScope(alert.unit_id)) beepFor(e.topic, alert);
      setData((prev) => (prev ? applyAlertEvent(prev, e.topic, alert, inScope) : prev));
    };
    const offs = ALERT_TOPICS.map((topic) => channel.subscribe(topic, onEvent));
    return () => {
      for (const off of offs) off();
      release();
    };
  }, [unit, channel, reload, setData, inScope]);

  const put = useCallback(
    (a: Alert) => setData((prev) => applyAlertEvent(prev ?? [], a.closed_at ? 'alert.closed' : 'alert.acknowledged', a, () => true)),
    [setData],
  );

  return { alerts: unit === null ? null : load.data, error: load.error, reload, put };
}
