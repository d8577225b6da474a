// The duty board (trực ban): who is on duty now and next in a unit, the shift's focus items, the
// shift leader's directions (chỉ đạo), the live duty log and the handover (./Handover).
import { useCallback, useMemo, useRef, useState } from 'preact/hooks';
import {
  alertsApi,
  ApiError,
  dutyApi,
  FOCUS_SOURCES,
  LOG_KINDS,
  ORDER_KINDS,
  TARGET_TYPES,
  type Alert,
  type DutyOrder,
  type LogEntry,
  type Shift,
  type Unit,
} from '../api';
import { alertStatusName, countOpen, severityName, unitScope, useAlerts, useAlertsMuted } from '../alerts';
import {
  correctionsOf,
  focusSourceName,
  isLeaderPosition,
  logKindName,
  memberRoleName,
  mergeLog,
  orderKindName,
  positionName,
  shiftStatusName,
  stopsGoodsOrTransport,
  sortMembers,
  targetTypeName,
} from '../duty';
import { formatDateTime, formatSpan, formatTime } from '../format';
import { useAction, useCustomsUnits, useLoad } from '../hooks';
import { pick, t } from '../i18n';
import { useLiveConnected, useLiveTopic, type LiveEvent } from '../live';
import { useNames } from '../people';
import { navigate } from '../router';
import { canSeeUsers, useApp } from '../session';
import { buildTree, flatten } from '../tree';
import { Field, fieldError, Loading, Notice, ProblemBox, unclaimedFieldErrors, unitOptions, FormButtons } from '../ui';
import { HandoverSection, PendingHandovers } from './Handover';

const POLL_MS = 5000;
const REFRESH_MS = 60_000;

export function DutyPage({ unitId }: { unitId: number | null }) {
  const { user } = useApp();
  const units = useCustomsUnits();
  // Without a unit in the address the board opens on the duty watch the officer serves in, which the
  // server works out from the roster and the designations (often not the officer's own unit).
  const [mine, setMine] = useState<number | null>(null);
  const unit = unitId ?? mine ?? user.unit_id;
  const connected = useLiveConnected();

  // Shifts turn over at their boundary by themselves: look again now and then.
  const board = useLoad(
    async (signal) => {
      const c = await dutyApi.current(unitId ?? undefined, signal);
      if (unitId === null && !signal.aborted) setMine(c.unit_id);
      return c;
    },
    [unitId],
    { everyMs: REFRESH_MS },
  );
  const current = board.data;
  const error = board.error;
  const load = board.reload;

  const ordered = useMemo(() => flatten(buildTree(units)), [units]);
  const unitObj = units.find((u) => u.id === unit) ?? null;
  const forbidden = error instanceof ApiError && error.status === 403;

  return (
    <section class="duty">
      <div class="page-head">
        <h1>{t('duty.title')}</h1>
        {unitObj ? <span class="muted">{pick(unitObj.name_vi, unitObj.name_en)}</span> : null}
        <span class={`live-state push-right ${connected ? 'on' : 'off'}`} role="status" data-testid="live-state">
          {connected ? t('duty.live') : t('duty.polling')}
        </span>
      </div>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="duty-unit">{t('duty.unit')}</label>
          <select
            id="duty-unit"
            value={String(unit)}
            onChange={(e) => navigate({ page: 'duty', unitId: Number(e.currentTarget.value) })}
          >
            {ordered.every((n) => n.unit.id !== unit) ? <option value={String(unit)}>{t('org.unknownUnit', { id: unit })}</option> : null}
            {unitOptions(ordered)}
          </select>
        </div>
      </form>
      <ProblemBox error={error} extra={forbidden ? [t('error.forbiddenPage')] : undefined} />
      {forbidden ? null : <AlertsPanel unit={unit} units={units} />}
      {!current && !error ? <Loading /> : null}
      {current ? (
        current.current ? (
          <ShiftBoard
            key={current.current.id}
            summary={current.current}
            next={current.next}
            units={units}
            onTurnover={load}
          />
        ) : (
          <>
            <p class="muted" data-testid="no-current">
              {t('duty.noCurrent')}
            </p>
            <PendingHandovers unit={unit} current={null} names={new Map()} onChanged={load} />
            <ShiftCard title={t('duty.next')} shift={current.next} empty={t('duty.noNext')} nameOf={(id) => `#${id}`} />
          </>
        )
      ) : null}
    </section>
  );
}

/** Open alerts of the selected unit and the units under it, live, with the mute toggle. */
export function AlertsPanel({ unit, units }: { unit: number; units: Unit[] }) {
  const scope = useMemo(() => unitScope(units, unit), [units, unit]);
  const { alerts, error, put } = useAlerts(unit, scope);
  const [muted, setMuted] = useAlertsMuted();
  const n = countOpen(alerts);
  return (
    <section class="panel alerts-panel" aria-labelledby="alerts-h" data-testid="alerts">
      <div class="alerts-head">
        <h2 id="alerts-h">
          {t('alerts.title')}{' '}
          {n > 0 ? <span class="badge alert-count">{t('alerts.count', { n })}</span> : null}
        </h2>
        <button
          type="button"
          class="btn btn-small push-right mute-toggle"
          aria-pressed={muted}
          title={t('alerts.muteHint')}
          onClick={() => setMuted(!muted)}
        >
          {t('alerts.mute')}
        </button>
      </div>
      <ProblemBox error={error} />
      {alerts === null ? (
        error ? null : <Loading />
      ) : alerts.length === 0 ? (
        <p class="muted">{t('alerts.empty')}</p>
      ) : (
        <ul class="alert-list" aria-live="polite">
          {alerts.map((a) => (
            <AlertItem key={a.id} alert={a} onAcknowledged={put} />
          ))}
        </ul>
      )}
    </section>
  );
}

export function AlertItem({ alert: a, onAcknowledged }: { alert: Alert; onAcknowledged: (a: Alert) => void }) {
  const action = useAction();
  const busy = !!action.busy;
  const { error } = action;
  const acknowledge = async () => {
    await action.run(async () => {
      onAcknowledged(await alertsApi.acknowledge(a.id));
    });
  };
  return (
    <li class={`alert-item sev-${a.severity} alert-${a.status}`} data-alert-id={a.id}>
      <span class={`badge severity sev-${a.severity}`} title={t('alerts.severity')}>
        {severityName(a.severity)}
      </span>
      <span class="alert-title">{pick(a.title_vi, a.title_en)}</span>
      <time class="muted small" dateTime={a.raised_at}>
        {t('alerts.raisedAt', { time: formatDateTime(a.raised_at) })}
      </time>
      <span class={`badge alert-state state-${a.status}`}>
        {a.status === 'acknowledged' && a.acknowledged_at
          ? t('alerts.acknowledgedAt', { time: formatDateTime(a.acknowledged_at) })
          : alertStatusName(a.status)}
      </span>
      {a.status === 'open' ? (
        <button type="button" class="btn btn-small push-right" disabled={busy} onClick={acknowledge}>
          {busy ? t('alerts.acknowledging') : t('alerts.acknowledge')}
        </button>
      ) : null}
      <ProblemBox error={error} />
    </li>
  );
}

function StatusBadge({ status }: { status: string }) {
  return <span class={`badge status status-${status}`}>{shiftStatusName(status)}</span>;
}

function ShiftCard({
  title,
  shift,
  empty,
  nameOf,
  testId,
}: {
  title: string;
  shift: Shift | null;
  empty: string;
  nameOf: (id: number) => string;
  testId?: string;
}) {
  return (
    <article class="panel shift-card" data-testid={testId} aria-label={title}>
      <h2>
        {title} {shift ? <StatusBadge status={shift.status} /> : null}
      </h2>
      {!shift ? (
        <p class="muted">{empty}</p>
      ) : (
        <>
          <p class="span">{formatSpan(shift.starts_at, shift.ends_at)}</p>
          <table class="grid members">
            <caption class="sr-only">{t('duty.members')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('duty.position')}</th>
                <th scope="col">{t('duty.name')}</th>
                <th scope="col">{t('duty.checkin')}</th>
              </tr>
            </thead>
            <tbody>
              {sortMembers(shift.members).map((m) => (
                <tr key={`${m.user_id}-${m.position}`}>
                  <td>{memberRoleName(m)}</td>
                  <td>{m.full_name ?? nameOf(m.user_id)}</td>
                  <td>
                    {m.checked_in_at ? (
                      <span class="ok">{t('duty.checkedIn', { time: formatTime(m.checked_in_at) })}</span>
                    ) : (
                      <span class="muted">{t('duty.notCheckedIn')}</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </article>
  );
}

function ShiftBoard({
  summary,
  next,
  units,
  onTurnover,
}: {
  summary: Shift;
  next: Shift | null;
  units: Unit[];
  onTurnover: () => void;
}) {
  const { user } = useApp();
  const shiftId = summary.id;
  const detailLoad = useLoad((signal) => dutyApi.shift(shiftId, signal), [shiftId], { live: true });
  // Entries come live as well as from the server: an answer is merged with what is shown, not put in its place.
  const logRef = useRef<LogEntry[] | null>(null);
  const logLoad = useLoad((signal) => dutyApi.log(shiftId, signal).then((items) => mergeLog(logRef.current ?? [], items)), [shiftId], {
    live: true,
    pollMs: POLL_MS,
  });
  const detail = detailLoad.data;
  const log = logLoad.data;
  logRef.current = log;
  const error = detailLoad.error ?? logLoad.error;
  const loadDetail = detailLoad.reload;
  const { setData: setLogData } = logLoad;
  const setLog = useCallback((fn: (prev: LogEntry[] | null) => LogEntry[]) => setLogData(fn), [setLogData]);
  const [notice, setNotice] = useState<string | null>(null);

  // Live: entries by others appear as they are written; without the socket, poll.
  const onLog = useCallback(
    (e: LiveEvent) => {
      const entry = e.payload as unknown as LogEntry;
      if (entry && entry.shift_id === shiftId && typeof entry.id === 'number') setLog((prev) => mergeLog(prev ?? [], [entry]));
    },
    [shiftId, setLog],
  );
  const onShift = useCallback(
    (e: LiveEvent) => {
      if (e.payload.shift_id === shiftId) loadDetail();
    },
    [shiftId, loadDetail],
  );
  useLiveTopic('duty_log.created', onLog);
  useLiveTopic('shift.updated', onShift);

  const known = useMemo(() => {
    const m = new Map<number, string>();
    for (const s of [next, detail ?? summary])
      for (const x of s?.members ?? []) if (x.full_name) m.set(x.user_id, x.full_name);
    return m;
  }, [detail, summary, next]);
  const wanted = useMemo(() => {
    const ids: number[] = [];
    for (const e of log ?? []) ids.push(e.author_id);
    for (const f of detail?.focus_items ?? []) ids.push(f.set_by);
    for (const o of detail?.orders ?? []) ids.push(o.issued_by, o.outcome_by ?? 0);
    if (detail?.handover) ids.push(detail.handover.prepared_by, detail.handover.accepted_by ?? 0);
    return ids;
  }, [log, detail]);
  const nameOf = useNames(known, wanted, canSeeUsers(user));

  const shift: Shift = detail ?? summary;
  const my = detail?.my_position ?? null;
  const leader = isLeaderPosition(my);
  const writable = shift.status === 'on_duty' || shift.status === 'handover_pending';
  const me = shift.members.find((m) => m.user_id === user.id);
  const nextLeader = !!next && next.starts_at === shift.ends_at && next.members.some((m) => m.user_id === user.id && isLeaderPosition(m.position));
  const unitName = (id: number | null) => {
    if (id === null) return '';
    const u = units.find((x) => x.id === id);
    return u ? pick(u.name_vi, u.name_en) : t('org.unknownUnit', { id });
  };
  const done = (msg: string) => {
    setNotice(msg);
    loadDetail();
  };

  return (
    <div class="shift-board" data-shift-id={shiftId}>
      <ProblemBox error={error} />
      {notice ? <Notice>{notice}</Notice> : null}
      <div class="cards">
        <ShiftCard title={t('duty.current')} shift={shift} empty="" nameOf={nameOf} testId="current-shift" />
        <ShiftCard title={t('duty.next')} shift={next} empty={t('duty.noNext')} nameOf={nameOf} testId="next-shift" />
      </div>
      <div class="toolbar">
        {my ? (
          <span class="badge role">{t('duty.myPosition', { position: positionName(my) })}</span>
        ) : detail ? (
          <span class="muted">{t('duty.notMember')}</span>
        ) : null}
        <a class="btn" href={`/api/v1/shifts/${shiftId}/report.pdf`} target="_blank" rel="noopener">
          {t('duty.report')}
        </a>
        {me && !me.checked_in_at && writable ? (
          <CheckInButton shiftId={shiftId} onDone={() => done(t('duty.checkedInDone'))} />
        ) : null}
      </div>

      <PendingHandovers unit={shift.unit_id} current={shift} names={known} onChanged={onTurnover} />

      <section class="panel" aria-labelledby="focus-h">
        <h2 id="focus-h">{t('duty.focus')}</h2>
        {!detail ? (
          <Loading />
        ) : detail.focus_items.length === 0 ? (
          <p class="muted">{t('duty.focusEmpty')}</p>
        ) : (
          <ul class="focus-list">
            {detail.focus_items.map((f) => (
              <li key={f.id}>
                <span class={`badge source source-${f.source}`}>{focusSourceName(f.source)}</span> {f.text}{' '}
                <span class="muted small">({t('duty.setBy', { name: nameOf(f.set_by), time: formatDateTime(f.at) })})</span>
              </li>
            ))}
          </ul>
        )}
        {leader && shift.status !== 'closed' ? <FocusForm shiftId={shiftId} onDone={() => done(t('duty.focusAdded'))} /> : null}
      </section>

      <section class="panel" aria-labelledby="orders-h">
        <h2 id="orders-h">{t('duty.orders')}</h2>
        {!detail ? (
          <Loading />
        ) : detail.orders.length === 0 ? (
          <p class="muted">{t('duty.ordersEmpty')}</p>
        ) : (
          <div class="table-wrap">
            <table class="grid">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">{t('duty.orderKind')}</th>
                  <th scope="col">{t('duty.target')}</th>
                  <th scope="col">{t('duty.receivingUnit')}</th>
                  <th scope="col">{t('duty.instructions')}</th>
                  <th scope="col">{t('duty.issued')}</th>
                  <th scope="col">{t('duty.outcome')}</th>
                </tr>
              </thead>
              <tbody>
                {detail.orders.map((o) => (
                  <OrderRow
                    key={o.id}
                    order={o}
                    nameOf={nameOf}
                    unitName={unitName}
                    canReport={!!my}
                    onDone={() => done(t('duty.outcomeReported'))}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
        {leader && writable ? (
          <OrderForm shiftId={shiftId} units={units} canStop={!!detail?.can_order_stop} onDone={() => done(t('duty.orderIssued'))} />
        ) : null}
      </section>

      <section class="panel" aria-labelledby="log-h">
        <h2 id="log-h">{t('duty.log')}</h2>
        <DutyLog entries={log} nameOf={nameOf} />
        {my && writable ? (
          <LogForm
            shiftId={shiftId}
            entries={log ?? []}
            onWritten={(e) => {
              setLog((prev) => mergeLog(prev ?? [], [e]));
              setNotice(t('duty.logWritten'));
            }}
          />
        ) : my && !writable ? (
          <p class="muted">{t('duty.logClosed')}</p>
        ) : null}
      </section>

      <HandoverSection
        key={detail?.handover?.prepared_at ?? (detail ? 'none' : 'loading')}
        shift={shift}
        handover={detail?.handover ?? null}
        openOrders={(detail?.orders ?? []).filter((o) => !o.outcome)}
        canPrepare={leader && shift.status !== 'planned'}
        canAccept={nextLeader}
        nameOf={nameOf}
        onDone={(msg) => {
          done(msg);
          onTurnover();
        }}
      />
    </div>
  );
}

function CheckInButton({ shiftId, onDone }: { shiftId: number; onDone: () => void }) {
  const action = useAction();
  const busy = !!action.busy;
  const { error } = action;
  return (
    <>
      <button
        type="button"
        class="btn btn-primary"
        disabled={busy}
        onClick={async () => {
          await action.run(async () => {
            await dutyApi.checkIn(shiftId);
            onDone();
          });
        }}
      >
        {t('duty.checkInButton')}
      </button>
      <ProblemBox error={error} />
    </>
  );
}

export function DutyLog({ entries, nameOf }: { entries: LogEntry[] | null; nameOf: (id: number) => string }) {
  const corrections = useMemo(() => correctionsOf(entries ?? []), [entries]);
  if (!entries) return <Loading />;
  if (entries.length === 0) return <p class="muted">{t('duty.logEmpty')}</p>;
  const jump = (id: number) => (e: Event) => {
    e.preventDefault();
    const el = document.getElementById(`log-entry-${id}`);
    el?.scrollIntoView({ block: 'center' });
    el?.focus();
  };
  return (
    <>
      <p class="hint">{t('duty.logNewestLast')}</p>
      <ol class="duty-log" aria-live="polite" data-testid="duty-log">
        {entries.map((e) => {
          const fixes = corrections.get(e.id);
          return (
            <li key={e.id} id={`log-entry-${e.id}`} tabIndex={-1} class={`log-entry kind-${e.kind}${fixes ? ' corrected' : ''}`}>
              <div class="log-head">
                <span class="log-no">#{e.id}</span>
                <time dateTime={e.at}>{formatDateTime(e.at, { seconds: true })}</time>
                <span class={`badge kind kind-${e.kind}`}>{logKindName(e.kind)}</span>
                <span class="log-author">{nameOf(e.author_id)}</span>
                {e.corrects_id ? (
                  <a href={`#log-entry-${e.corrects_id}`} class="log-corrects" onClick={jump(e.corrects_id)}>
                    {t('duty.logCorrection', { id: e.corrects_id })}
                  </a>
                ) : null}
              </div>
              <div class="log-text">{e.text}</div>
              {fixes ? (
                <div class="log-fixed muted small">
                  {t('duty.logCorrectedBy', { ids: fixes.join(', #') })}
                </div>
              ) : null}
            </li>
          );
        })}
      </ol>
    </>
  );
}

function LogForm({ shiftId, entries, onWritten }: { shiftId: number; entries: LogEntry[]; onWritten: (e: LogEntry) => void }) {
  const [kind, setKind] = useState<string>('information_received');
  const [text, setText] = useState('');
  const [corrects, setCorrects] = useState('');
  const action = useAction();
  const busy = !!action.busy;
  const { error } = action;
  const textRef = useRef<HTMLTextAreaElement>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    await action.run(async () => {
      const entry = await dutyApi.addLog(shiftId, {
        kind,
        text,
        ...(corrects ? { corrects_id: Number(corrects) } : {}),
      });
      setText('');
      setCorrects('');
      onWritten(entry);
      textRef.current?.focus();
    });
  };
  const fe = (f: string) => fieldError(error, f);
  return (
    <form class="form log-form" onSubmit={submit} noValidate aria-label={t('duty.logWrite')}>
      <ProblemBox error={error} extra={unclaimedFieldErrors(error, ['kind', 'text', 'corrects_id'])} />
      <div class="grid2">
        <Field id="log-kind" label={t('duty.logKind')} error={fe('kind')}>
          {(a) => (
            <select {...a} value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
              {LOG_KINDS.map((k) => (
                <option key={k} value={k}>
                  {logKindName(k)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="log-corrects" label={t('duty.logCorrects')} error={fe('corrects_id')} hint={t('duty.logCorrectsHint')}>
          {(a) => (
            <select {...a} value={corrects} onChange={(e) => setCorrects(e.currentTarget.value)}>
              <option value="">{t('duty.logCorrectsNone')}</option>
              {entries.map((x) => (
                <option key={x.id} value={String(x.id)}>
                  #{x.id} {formatTime(x.at)} — {x.text.length > 60 ? `${x.text.slice(0, 60)}…` : x.text}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Field id="log-text" label={t('duty.logText')} error={fe('text')}>
        {(a) => <textarea {...a} ref={textRef} rows={3} required value={text} onInput={(e) => setText(e.currentTarget.value)} />}
      </Field>
      <FormButtons busy={busy} label={t('duty.logWrite')} />
    </form>
  );
}

function FocusForm({ shiftId, onDone }: { shiftId: number; onDone: () => void }) {
  const [text, setText] = useState('');
  const [source, setSource] = useState<string>('leadership_direction');
  const action = useAction();
  const busy = !!action.busy;
  const { error } = action;
  const submit = async (e: Event) => {
    e.preventDefault();
    await action.run(async () => {
      await dutyApi.addFocus(shiftId, { text, source });
      setText('');
      onDone();
    });
  };
  const fe = (f: string) => fieldError(error, f);
  return (
    <form class="form" onSubmit={submit} noValidate aria-label={t('duty.focusAdd')}>
      <h3>{t('duty.focusAdd')}</h3>
      <ProblemBox error={error} extra={unclaimedFieldErrors(error, ['text', 'source'])} />
      <div class="grid2">
        <Field id="focus-source" label={t('duty.focusSource')} error={fe('source')}>
          {(a) => (
            <select {...a} value={source} onChange={(e) => setSource(e.currentTarget.value)}>
              {FOCUS_SOURCES.map((s) => (
                <option key={s} value={s}>
                  {focusSourceName(s)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Field id="focus-text" label={t('duty.focusText')} error={fe('text')}>
        {(a) => <textarea {...a} rows={2} value={text} onInput={(e) => setText(e.currentTarget.value)} />}
      </Field>
      <FormButtons busy={busy} label={t('duty.focusAdd')} />
    </form>
  );
}

function OrderRow({
  order: o,
  nameOf,
  unitName,
  canReport,
  onDone,
}: {
  order: DutyOrder;
  nameOf: (id: number | null) => string;
  unitName: (id: number | null) => string;
  canReport: boolean;
  onDone: () => void;
}) {
  const [open, setOpen] = useState(false);
  const [outcome, setOutcome] = useState('');
  const action = useAction();
  const busy = !!action.busy;
  const { error } = action;
  const submit = async (e: Event) => {
    e.preventDefault();
    await action.run(async () => {
      await dutyApi.reportOutcome(o.shift_id, o.id, outcome);
      setOpen(false);
      onDone();
    });
  };
  return (
    <tr class={o.outcome ? 'order-done' : 'order-open'}>
      <td>{o.id}</td>
      <td>{orderKindName(o.kind)}</td>
      <td>
        {targetTypeName(o.target_type)}: <span class="code">{o.target_ref}</span>
      </td>
      <td>{unitName(o.receiving_unit_id)}</td>
      <td class="pre">{o.instructions}</td>
      <td>
        {nameOf(o.issued_by)}
        <div class="muted small">{formatDateTime(o.issued_at)}</div>
      </td>
      <td>
        {o.outcome ? (
          <>
            <span class="badge state-done">{t('duty.orderDone')}</span>
            <div class="pre">{o.outcome}</div>
            <div class="muted small">{t('duty.outcomeBy', { name: nameOf(o.outcome_by), time: formatDateTime(o.outcome_at) })}</div>
          </>
        ) : (
          <>
            <span class="badge state-open">{t('duty.orderOpen')}</span>
            {canReport && !open ? (
              <div>
                <button type="button" class="btn btn-small" onClick={() => setOpen(true)}>
                  {t('duty.reportOutcome')}
                </button>
              </div>
            ) : null}
            {open ? (
              <form class="form" onSubmit={submit} noValidate aria-label={t('duty.reportOutcome')}>
                <ProblemBox error={error} extra={unclaimedFieldErrors(error, ['outcome'])} />
                <Field id={`outcome-${o.id}`} label={t('duty.outcome')} error={fieldError(error, 'outcome')}>
                  {(a) => <textarea {...a} rows={2} value={outcome} onInput={(e) => setOutcome(e.currentTarget.value)} />}
                </Field>
                <div class="toolbar">
                  <button type="submit" class="btn btn-primary btn-small" disabled={busy}>
                    {busy ? t('common.saving') : t('duty.reportOutcome')}
                  </button>
                  <button type="button" class="btn btn-small" onClick={() => setOpen(false)}>
                    {t('common.cancel')}
                  </button>
                </div>
              </form>
            ) : null}
          </>
        )}
      </td>
    </tr>
  );
}

/**
 * A new direction of the shift's leaders. A stop of goods or a means of transport is the shift leader's
 * alone (or the acting leader's, Art. 7): for anyone else the form says so and does not send it.
 */
export function OrderForm({ shiftId, units, canStop, onDone }: { shiftId: number; units: Unit[]; canStop: boolean; onDone: () => void }) {
  const [kind, setKind] = useState<string>('inspection');
  const [targetType, setTargetType] = useState<string>('declaration');
  const [targetRef, setTargetRef] = useState('');
  const [receiving, setReceiving] = useState('');
  const [instructions, setInstructions] = useState('');
  const action = useAction();
  const busy = !!action.busy;
  const { error } = action;
  const ordered = useMemo(() => flatten(buildTree(units)), [units]);
  const refused = stopsGoodsOrTransport(kind) && !canStop;
  const submit = async (e: Event) => {
    e.preventDefault();
    if (refused) return;
    await action.run(async () => {
      await dutyApi.addOrder(shiftId, {
        kind,
        target_type: targetType,
        target_ref: targetRef,
        ...(receiving ? { receiving_unit_id: Number(receiving) } : {}),
        ...(instructions ? { instructions } : {}),
      });
      setTargetRef('');
      setInstructions('');
      onDone();
    });
  };
  const fe = (f: string) => fieldError(error, f);
  return (
    <form class="form" onSubmit={submit} noValidate aria-label={t('duty.orderIssue')}>
      <h3>{t('duty.orderIssue')}</h3>
      <ProblemBox
        error={error}
        extra={unclaimedFieldErrors(error, ['kind', 'target_type', 'target_ref', 'receiving_unit_id', 'instructions'])}
      />
      <div class="grid2">
        <Field id="order-kind" label={t('duty.orderKind')} error={fe('kind')}>
          {(a) => (
            <select {...a} value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
              {ORDER_KINDS.map((k) => (
                <option key={k} value={k}>
                  {orderKindName(k)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="order-target-type" label={t('duty.targetType')} error={fe('target_type')}>
          {(a) => (
            <select {...a} value={targetType} onChange={(e) => setTargetType(e.currentTarget.value)}>
              {TARGET_TYPES.map((k) => (
                <option key={k} value={k}>
                  {targetTypeName(k)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="order-target-ref" label={t('duty.targetRef')} error={fe('target_ref')} hint={t('duty.targetRefHint')}>
          {(a) => <input {...a} value={targetRef} onInput={(e) => setTargetRef(e.currentTarget.value)} />}
        </Field>
        <Field id="order-unit" label={t('duty.receivingUnit')} error={fe('receiving_unit_id')}>
          {(a) => (
            <select {...a} value={receiving} onChange={(e) => setReceiving(e.currentTarget.value)}>
              <option value="">{t('common.none')}</option>
              {unitOptions(ordered)}
            </select>
          )}
        </Field>
      </div>
      <Field id="order-instructions" label={t('duty.instructions')} error={fe('instructions')}>
        {(a) => <textarea {...a} rows={2} value={instructions} onInput={(e) => setInstructions(e.currentTarget.value)} />}
      </Field>
      {refused ? (
        <p class="alert alert-warn" id={`order-refused-${shiftId}`} role="note">
          {t('duty.stopLeaderOnly')}
        </p>
      ) : null}
      <div class="toolbar">
        <button
          type="submit"
          class="btn btn-primary"
          disabled={busy || refused}
          aria-describedby={refused ? `order-refused-${shiftId}` : undefined}
        >
          {busy ? t('common.saving') : t('duty.orderIssue')}
        </button>
      </div>
    </form>
  );
}
