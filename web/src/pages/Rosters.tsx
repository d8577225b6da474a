// The roster calendar (lịch trực ban): the unit's rosters and their approval flow, and a month or
// week view of the planned shifts with the coverage gaps in red.
import { useCallback, useMemo, useState } from 'preact/hooks';
import {
  api,
  ApiError,
  dutyApi,
  POSITIONS,
  type Roster,
  type RosterMember,
  type Rotation,
  type RotationKind,
  type Shift,
  type Unit,
  type User,
} from '../api';
import { addDays, formatYmd, gapOfDay, monthGrid, shiftSpan, todayIn, weekdayLabels, weekOf, type GridDay } from '../calendar';
import { compositionGapText, leaderOf, memberRoleName, positionName, rosterMember, rosterStatusName, rotationName, type TeamRow } from '../duty';
import { DISPLAY_TIME_ZONE, formatDateTime, parseViDate } from '../format';
import { useAction, useCustomsUnits, useLoad } from '../hooks';
import { pick, t } from '../i18n';
import { useNames } from '../people';
import { navigate } from '../router';
import { canApproveRoster, canSeeUsers, canWriteRoster, useApp } from '../session';
import { buildTree, flatten } from '../tree';
import { Field, fieldError, Loading, Notice, ProblemBox, unclaimedFieldErrors, unitOptions, FormButtons } from '../ui';

const MAX_GAP_LINES = 30;

export function RostersPage({ unitId, rosterId }: { unitId: number | null; rosterId: number | null }) {
  const { user } = useApp();
  const unit = unitId ?? user.unit_id;
  const units = useCustomsUnits();
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const [shiftNames, setShiftNames] = useState<Map<number, string>>(new Map());
  const people =
    useLoad((signal) => (canSeeUsers(user) ? api.users({}, signal).catch(() => [] as User[]) : Promise.resolve([] as User[])), [user]).data ??
    NO_PEOPLE;
  const rostersLoad = useLoad((signal) => dutyApi.rosters(unit, signal), [unit, tick]);
  const rosters = rostersLoad.data;
  const { error } = rostersLoad;

  const ordered = useMemo(() => flatten(buildTree(units)), [units]);
  const unitObj = units.find((u) => u.id === unit) ?? null;
  const known = useMemo(() => {
    const m = new Map(shiftNames);
    for (const p of people) m.set(p.id, p.full_name);
    return m;
  }, [people, shiftNames]);
  const forbidden = error instanceof ApiError && error.status === 403;
  const changed = useCallback(() => setTick((n) => n + 1), []);

  return (
    <section class="rosters">
      <div class="page-head">
        <h1>{t('rosters.title')}</h1>
        {unitObj ? <span class="muted">{pick(unitObj.name_vi, unitObj.name_en)}</span> : null}
        {canWriteRoster(user) ? (
          <button
            type="button"
            class="btn btn-primary push-right"
            onClick={() => {
              setNotice(null);
              setCreating(true);
            }}
          >
            {t('rosters.new')}
          </button>
        ) : null}
      </div>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="rosters-unit">{t('duty.unit')}</label>
          <select
            id="rosters-unit"
            value={String(unit)}
            onChange={(e) => navigate({ page: 'rosters', unitId: Number(e.currentTarget.value), rosterId: null })}
          >
            {ordered.every((n) => n.unit.id !== unit) ? <option value={String(unit)}>{t('org.unknownUnit', { id: unit })}</option> : null}
            {unitOptions(ordered)}
          </select>
        </div>
      </form>
      {notice ? <Notice>{notice}</Notice> : null}
      {creating ? (
        <RosterForm
          unit={unit}
          people={people}
          knownNames={known}
          onCancel={() => setCreating(false)}
          onCreated={(r) => {
            setCreating(false);
            setNotice(t('rosters.created'));
            changed();
            navigate({ page: 'rosters', unitId: unit, rosterId: r.id });
          }}
        />
      ) : null}
      <ProblemBox error={error} extra={forbidden ? [t('error.forbiddenPage')] : undefined} />
      <section class="panel" aria-labelledby="rosters-list-h">
        <h2 id="rosters-list-h">{t('rosters.list')}</h2>
        {!rosters && !error ? <Loading /> : null}
        {rosters && rosters.length === 0 ? <p class="muted">{t('rosters.empty')}</p> : null}
        {rosters && rosters.length > 0 ? (
          <div class="table-wrap">
            <table class="grid" data-testid="roster-list">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">{t('rosters.period')}</th>
                  <th scope="col">{t('rosters.rotation')}</th>
                  <th scope="col">{t('rosters.status')}</th>
                  <th scope="col">{t('rosters.amendments')}</th>
                  <th scope="col">
                    <span class="sr-only">{t('rosters.open')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rosters.map((r) => (
                  <tr key={r.id} class={r.id === rosterId ? 'selected' : ''}>
                    <td>{r.id}</td>
                    <td>{t('rosters.periodValue', { from: formatYmd(r.period_from), to: formatYmd(r.period_to) })}</td>
                    <td>{rotationName(r.rotation.kind)}</td>
                    <td>
                      <RosterBadge status={r.status} />
                    </td>
                    <td>{r.amendments.length ? t('rosters.amendmentCount', { n: r.amendments.length }) : '—'}</td>
                    <td>
                      <a class="btn btn-small" href={`#/rosters/${unit}/${r.id}`} aria-current={r.id === rosterId ? 'true' : undefined}>
                        {t('rosters.open')}
                      </a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {rosters && rosters.length > 0 && !rosterId ? <p class="hint">{t('rosters.selectHint')}</p> : null}
      </section>
      {rosterId ? (
        <RosterDetail key={rosterId} id={rosterId} units={units} people={people} knownNames={known} onChanged={changed} />
      ) : null}
      <Calendar unit={unitObj} unitId={unit} tick={tick} onNames={setShiftNames} />
    </section>
  );
}

function RosterBadge({ status }: { status: string }) {
  return <span class={`badge status roster-${status}`}>{rosterStatusName(status)}</span>;
}

// ---- calendar ---------------------------------------------------------------------------------

function Calendar({
  unit,
  unitId,
  tick,
  onNames,
}: {
  unit: Unit | null;
  unitId: number;
  tick: number;
  onNames: (m: Map<number, string>) => void;
}) {
  const tz = unit?.time_zone || DISPLAY_TIME_ZONE;
  const today = todayIn(tz);
  const [view, setView] = useState<'month' | 'week'>('month');
  const [anchor, setAnchor] = useState(today);

  const [y, m] = anchor.split('-').map(Number);
  const weeks: GridDay[][] = useMemo(() => (view === 'month' ? monthGrid(y, m) : [weekOf(anchor)]), [view, y, m, anchor]);
  const first = weeks[0][0].date;
  const last = weeks[weeks.length - 1][6].date;

  const calendar = useLoad(
    async (signal) => {
      const span = { from: shiftSpan(first, tz).from, to: shiftSpan(last, tz).to };
      const from = new Date(span.from - 86_400_000).toISOString();
      const to = new Date(span.to).toISOString();
      // A gap is something to fix: only what is still ahead counts, the past is history.
      const coverFrom = Math.max(span.from, Date.now());
      const [s, c] = await Promise.all([
        dutyApi.shifts(unitId, from, to, signal),
        coverFrom < span.to
          ? dutyApi.coverage(unitId, new Date(coverFrom).toISOString(), new Date(span.to).toISOString(), signal)
          : Promise.resolve(null),
      ]);
      if (!signal.aborted) {
        const names = new Map<number, string>();
        for (const sh of s) for (const mm of sh.members) if (mm.full_name) names.set(mm.user_id, mm.full_name);
        onNames(names);
      }
      return { shifts: s, coverage: c };
    },
    [unitId, first, last, tz, tick, onNames],
  );
  const shifts = calendar.data?.shifts ?? null;
  const coverage = calendar.data?.coverage ?? null;
  const { error } = calendar;

  const byDate = useMemo(() => {
    const map = new Map<string, Shift[]>();
    for (const s of shifts ?? []) map.set(s.date, [...(map.get(s.date) ?? []), s]);
    return map;
  }, [shifts]);
  const gaps = coverage?.gaps ?? [];
  const gapCount = weeks.flat().filter((d) => (view === 'week' || d.inMonth) && gapOfDay(d.date, gaps, tz)).length;
  const labels = weekdayLabels();

  const move = (dir: number) =>
    setAnchor((a) => {
      if (view === 'week') return addDays(a, 7 * dir);
      const [yy, mm] = a.split('-').map(Number);
      const d = new Date(Date.UTC(yy, mm - 1 + dir, 1));
      return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-01`;
    });
  const title =
    view === 'month'
      ? t('cal.monthLabel', { month: String(m).padStart(2, '0'), year: y })
      : t('cal.weekLabel', { from: formatYmd(first), to: formatYmd(last) });

  return (
    <section class="panel calendar" aria-labelledby="cal-h">
      <div class="cal-head">
        <h2 id="cal-h">
          {t('cal.label')}: {title}
        </h2>
        <div class="toolbar">
          <button type="button" class="btn btn-small" onClick={() => move(-1)} aria-label={t('cal.prev')}>
            ‹ {t('cal.prev')}
          </button>
          <button type="button" class="btn btn-small" onClick={() => setAnchor(today)}>
            {t('cal.today')}
          </button>
          <button type="button" class="btn btn-small" onClick={() => move(1)} aria-label={t('cal.next')}>
            {t('cal.next')} ›
          </button>
          <div class="seg" role="group" aria-label={t('cal.view')}>
            <button type="button" class="btn btn-small" aria-pressed={view === 'month'} onClick={() => setView('month')}>
              {t('cal.month')}
            </button>
            <button type="button" class="btn btn-small" aria-pressed={view === 'week'} onClick={() => setView('week')}>
              {t('cal.week')}
            </button>
          </div>
        </div>
      </div>
      <ProblemBox error={error} />
      {coverage && !coverage.must_run_24x7 ? <p class="hint">{t('cal.not24x7')}</p> : null}
      {gapCount > 0 ? (
        <p class="alert alert-error" data-testid="gap-count">
          {t('cal.gapCount', { n: gapCount })}
        </p>
      ) : null}
      {!shifts && !error ? <Loading /> : null}
      <table class={`cal cal-${view}`} data-testid="calendar">
        <thead>
          <tr>
            {labels.map((l) => (
              <th scope="col" key={l}>
                {l}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {weeks.map((w) => (
            <tr key={w[0].date}>
              {w.map((d) => {
                const dayShifts = byDate.get(d.date) ?? [];
                const gap = shifts ? gapOfDay(d.date, gaps, tz) : null;
                const cls = ['day', d.inMonth ? '' : 'other', gap ? 'gap' : '', d.date === today ? 'today' : '']
                  .filter(Boolean)
                  .join(' ');
                return (
                  <td key={d.date} class={cls} data-date={d.date} aria-label={`${labels[d.weekday]} ${formatYmd(d.date)}`}>
                    <div class="day-no">{view === 'week' ? formatYmd(d.date).slice(0, 5) : d.day}</div>
                    {dayShifts.map((s) => {
                      const leader = leaderOf(s);
                      return (
                        <div class="day-shift" key={s.id}>
                          {leader ? <div class="leader">{leader.full_name ?? `#${leader.user_id}`}</div> : null}
                          <div class="count">{t('cal.members', { n: s.members.length })}</div>
                          {view === 'week'
                            ? s.members
                                .filter((x) => x !== leader)
                                .map((x) => (
                                  <div class="small" key={x.user_id}>
                                    {x.full_name ?? `#${x.user_id}`} <span class="muted">({positionName(x.position)})</span>
                                  </div>
                                ))
                            : null}
                        </div>
                      );
                    })}
                    {gap ? <div class="gap-label">{t('cal.gap')}</div> : null}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

// ---- roster detail ------------------------------------------------------------------------------

function memberIds(r: Rotation): number[] {
  const ids: number[] = [];
  for (const team of r.teams ?? []) for (const m of team) ids.push(m.user_id);
  for (const d of r.weekdays ?? []) for (const m of d.members) ids.push(m.user_id);
  return ids;
}

function RosterDetail({
  id,
  units,
  people,
  knownNames,
  onChanged,
}: {
  id: number;
  units: Unit[];
  people: User[];
  knownNames: Map<number, string>;
  onChanged: () => void;
}) {
  const { user } = useApp();
  const load = useLoad((signal) => dutyApi.roster(id, signal), [id]);
  const roster = load.data;
  const setRoster = (r: Roster) => load.setData(() => r);
  const action = useAction();
  const busy = !!action.busy;
  const actionError = action.error;
  const [notice, setNotice] = useState<string | null>(null);
  const [exception, setException] = useState('');
  const [exceptionMissing, setExceptionMissing] = useState(false);

  const wanted = useMemo(() => {
    if (!roster) return [];
    const ids = memberIds(roster.rotation);
    for (const o of roster.overrides) ids.push(o.user_in, o.user_out);
    for (const s of roster.swaps) ids.push(s.user_a, s.user_b);
    for (const a of roster.amendments) ids.push(a.by);
    ids.push(roster.created_by ?? 0, roster.submitted_by ?? 0, roster.approved_by ?? 0, roster.published_by ?? 0);
    return ids;
  }, [roster]);
  const nameOf = useNames(knownNames, wanted, canSeeUsers(user));

  if (!roster) return load.error ? <ProblemBox error={load.error} /> : <Loading />;

  const gaps = roster.composition_gaps ?? [];
  const writer = canWriteRoster(user);
  const approver = canApproveRoster(user);
  const unitName = (uid: number | null) => {
    if (uid === null) return '—';
    const u = units.find((x) => x.id === uid);
    return u ? pick(u.name_vi, u.name_en) : t('org.unknownUnit', { id: uid });
  };
  const memberList = (ms: RosterMember[]) =>
    ms.length === 0 ? (
      <span class="muted">{t('rosters.none')}</span>
    ) : (
      <ul class="inline-list">
        {ms.map((m, i) => (
          <li key={i}>
            {nameOf(m.user_id)} <span class="muted">({memberRoleName(m)})</span>
          </li>
        ))}
      </ul>
    );

  const step = async (s: 'submit' | 'approve' | 'publish') => {
    if (s === 'approve' && gaps.length > 0 && !exception.trim()) {
      setExceptionMissing(true);
      return;
    }
    setExceptionMissing(false);
    setNotice(null);
    await action.run(async () => {
      const after = await dutyApi.rosterStep(id, s, s === 'approve' && gaps.length > 0 ? exception.trim() : undefined);
      setRoster(after);
      setNotice(s === 'submit' ? t('rosters.submitted') : s === 'approve' ? t('rosters.approvedDone') : t('rosters.publishedDone'));
      onChanged();
    });
  };
  const exceptionError = exceptionMissing ? t('rosters.reasonRequired') : fieldError(actionError, 'composition_exception');
  const labels = weekdayLabels();

  return (
    <article class="panel roster-detail" aria-labelledby="roster-h" data-testid="roster-detail">
      <h2 id="roster-h">
        {t('rosters.detail', { id: roster.id })} <RosterBadge status={roster.status} />
      </h2>
      {notice ? <Notice>{notice}</Notice> : null}
      <dl class="props">
        <dt>{t('rosters.period')}</dt>
        <dd>{t('rosters.periodValue', { from: formatYmd(roster.period_from), to: formatYmd(roster.period_to) })}</dd>
        <dt>{t('rosters.rotation')}</dt>
        <dd>{rotationName(roster.rotation.kind)}</dd>
        {roster.rotation.kind === 'daily_rotation' ? (
          <>
            <dt>{t('rosters.anchor')}</dt>
            <dd>{formatYmd(roster.rotation.anchor_date ?? '')}</dd>
          </>
        ) : null}
      </dl>
      {roster.rotation.kind === 'daily_rotation' ? (
        <ol class="teams">
          {(roster.rotation.teams ?? []).map((team, i) => (
            <li key={i}>
              <strong>{t('rosters.team', { n: i + 1 })}:</strong> {memberList(team)}
            </li>
          ))}
        </ol>
      ) : (
        <table class="grid">
          <thead>
            <tr>
              <th scope="col">{t('rosters.weekday')}</th>
              <th scope="col">{t('rosters.owner')}</th>
              <th scope="col">{t('duty.members')}</th>
            </tr>
          </thead>
          <tbody>
            {(roster.rotation.weekdays ?? []).map((d, i) => (
              <tr key={i}>
                <td>{labels[i]}</td>
                <td>{unitName(d.owner_unit_id)}</td>
                <td>{memberList(d.members)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h3>{t('rosters.overrides')}</h3>
      {roster.overrides.length === 0 ? (
        <p class="muted">{t('rosters.none')}</p>
      ) : (
        <ul>
          {roster.overrides.map((o, i) => (
            <li key={i}>
              {t('rosters.overrideLine', {
                date: formatYmd(o.date),
                out: nameOf(o.user_out),
                in: nameOf(o.user_in),
                reason: o.reason || '—',
              })}
            </li>
          ))}
        </ul>
      )}
      <h3>{t('rosters.swaps')}</h3>
      {roster.swaps.length === 0 ? (
        <p class="muted">{t('rosters.none')}</p>
      ) : (
        <ul>
          {roster.swaps.map((s, i) => (
            <li key={i}>
              {t('rosters.swapLine', {
                a: nameOf(s.user_a),
                b: nameOf(s.user_b),
                dateA: formatYmd(s.date_a),
                dateB: formatYmd(s.date_b),
                reason: s.reason || '—',
              })}
            </li>
          ))}
        </ul>
      )}

      <h3>{t('rosters.gaps')}</h3>
      {gaps.length === 0 ? (
        <p class="ok">{t('rosters.gapsNone')}</p>
      ) : (
        <ul class="gaps" data-testid="composition-gaps">
          {gaps.slice(0, MAX_GAP_LINES).map((g, i) => (
            <li key={i}>{compositionGapText(g)}</li>
          ))}
          {gaps.length > MAX_GAP_LINES ? <li class="muted">{t('rosters.gapsMore', { n: gaps.length - MAX_GAP_LINES })}</li> : null}
        </ul>
      )}
      {roster.composition_exception ? (
        <p class="alert alert-warn">{t('rosters.exceptionRecorded', { reason: roster.composition_exception })}</p>
      ) : null}

      <h3>{t('rosters.history')}</h3>
      <ul class="history">
        {roster.created_by ? <li>{t('rosters.createdBy', { name: nameOf(roster.created_by), time: formatDateTime(roster.created_at) })}</li> : null}
        {roster.submitted_at ? (
          <li>{t('rosters.submittedBy', { name: nameOf(roster.submitted_by), time: formatDateTime(roster.submitted_at) })}</li>
        ) : null}
        {roster.approved_at ? (
          <li>{t('rosters.approvedBy', { name: nameOf(roster.approved_by), time: formatDateTime(roster.approved_at) })}</li>
        ) : null}
        {roster.published_at ? (
          <li>{t('rosters.publishedBy', { name: nameOf(roster.published_by), time: formatDateTime(roster.published_at) })}</li>
        ) : null}
      </ul>

      <h3>{t('rosters.amendments')}</h3>
      {roster.amendments.length === 0 ? (
        <p class="muted">{t('rosters.amendmentsNone')}</p>
      ) : (
        <ul class="amendments">
          {roster.amendments.map((a, i) => (
            <li key={i}>{t('rosters.amendmentLine', { time: formatDateTime(a.at), name: nameOf(a.by), reason: a.reason })}</li>
          ))}
        </ul>
      )}

      <ProblemBox error={actionError} extra={unclaimedFieldErrors(actionError, ['composition_exception'])} />
      {roster.status === 'submitted' && approver && gaps.length > 0 ? (
        <Field id="roster-exception" label={t('rosters.exception')} hint={t('rosters.exceptionHint')} error={exceptionError}>
          {(a) => <textarea {...a} rows={3} required value={exception} onInput={(e) => setException(e.currentTarget.value)} />}
        </Field>
      ) : null}
      <div class="toolbar">
        {roster.status === 'draft' && writer ? (
          <button type="button" class="btn btn-primary" disabled={busy} onClick={() => step('submit')}>
            {t('rosters.submit')}
          </button>
        ) : null}
        {roster.status === 'submitted' && approver ? (
          <button type="button" class="btn btn-primary" disabled={busy} onClick={() => step('approve')}>
            {t('rosters.approve')}
          </button>
        ) : null}
        {roster.status === 'approved' && (writer || approver) ? (
          <button type="button" class="btn btn-primary" disabled={busy} onClick={() => step('publish')}>
            {t('rosters.publish')}
          </button>
        ) : null}
      </div>
      {roster.status === 'published' && (writer || approver) ? (
        <AmendForm
          roster={roster}
          people={people}
          nameOf={nameOf}
          onDone={(after) => {
            setRoster(after);
            setNotice(t('rosters.amended'));
            onChanged();
          }}
        />
      ) : null}
    </article>
  );
}

function PersonSelect({
  a,
  value,
  onChange,
  ids,
  people,
  nameOf,
}: {
  a: Record<string, unknown>;
  value: string;
  onChange: (v: string) => void;
  ids: number[];
  people: User[];
  nameOf: (id: number) => string;
}) {
  const options = useMemo(() => {
    const m = new Map<number, string>();
    for (const id of ids) m.set(id, nameOf(id));
    for (const p of people) m.set(p.id, `${p.full_name} (${p.username})`);
    return [...m.entries()].sort((x, y) => x[1].localeCompare(y[1], 'vi'));
  }, [ids, people, nameOf]);
  return (
    <select {...a} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
      <option value="">{t('rosters.pickUser')}</option>
      {options.map(([id, name]) => (
        <option key={id} value={String(id)}>
          {name}
        </option>
      ))}
    </select>
  );
}

function AmendForm({
  roster,
  people,
  nameOf,
  onDone,
}: {
  roster: Roster;
  people: User[];
  nameOf: (id: number) => string;
  onDone: (r: Roster) => void;
}) {
  const [date, setDate] = useState('');
  const [out, setOut] = useState('');
  const [inn, setIn] = useState('');
  const [reason, setReason] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});
  const action = useAction();
  const busy = !!action.busy;
  const { error } = action;
  const ids = useMemo(() => [...new Set(memberIds(roster.rotation))], [roster]);
  const index = roster.overrides.length;

  const submit = async (e: Event) => {
    e.preventDefault();
    const iso = parseViDate(date);
    const errs: Record<string, string> = {};
    if (!iso) errs.date = t('rosters.dateFormat');
    if (!out) errs.user_out = t('common.required');
    if (!inn) errs.user_in = t('common.required');
    if (!reason.trim()) errs.reason = t('rosters.reasonRequired');
    setLocal(errs);
    if (Object.keys(errs).length) return;
    await action.run(async () => {
      const after = await dutyApi.updateRoster(roster.id, {
        overrides: [...roster.overrides, { date: iso!, user_out: Number(out), user_in: Number(inn), reason: reason.trim() }],
        reason: reason.trim(),
      });
      setDate('');
      setOut('');
      setIn('');
      setReason('');
      onDone(after);
    });
  };
  const fe = (f: string) => local[f] ?? fieldError(error, `overrides[${index}].${f}`) ?? (f === 'reason' ? fieldError(error, 'reason') : undefined);
  const claimed = ['reason', 'overrides', ...['date', 'user_out', 'user_in', 'reason'].map((f) => `overrides[${index}].${f}`)];
  return (
    <form class="form amend" onSubmit={submit} noValidate aria-labelledby="amend-h">
      <h3 id="amend-h">{t('rosters.amend')}</h3>
      <ProblemBox error={error} extra={unclaimedFieldErrors(error, claimed)} />
      <div class="grid2">
        <Field id="amend-date" label={t('rosters.amendDate')} error={fe('date')}>
          {(a) => <input {...a} class="date" placeholder={t('audit.datePlaceholder')} value={date} onInput={(e) => setDate(e.currentTarget.value)} />}
        </Field>
        <Field id="amend-out" label={t('rosters.amendOut')} error={fe('user_out')}>
          {(a) => <PersonSelect a={a} value={out} onChange={setOut} ids={ids} people={[]} nameOf={nameOf} />}
        </Field>
        <Field id="amend-in" label={t('rosters.amendIn')} error={fe('user_in')}>
          {(a) => <PersonSelect a={a} value={inn} onChange={setIn} ids={ids} people={people} nameOf={nameOf} />}
        </Field>
      </div>
      <Field id="amend-reason" label={t('rosters.amendReason')} error={fe('reason')}>
        {(a) => <textarea {...a} rows={2} required value={reason} onInput={(e) => setReason(e.currentTarget.value)} />}
      </Field>
      <FormButtons busy={busy} label={t('common.save')} />
    </form>
  );
}

// ---- new roster ---------------------------------------------------------------------------------

const WEEKDAYS_TEMPLATE = JSON.stringify(
  Array.from({ length: 7 }, () => ({ owner_unit_id: null, members: [{ user_id: 0, position: 'shift_leader' }] })),
  null,
  2,
);

function RosterForm({
  unit,
  people,
  knownNames,
  onCancel,
  onCreated,
}: {
  unit: number;
  people: User[];
  knownNames: Map<number, string>;
  onCancel: () => void;
  onCreated: (r: Roster) => void;
}) {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [kind, setKind] = useState<RotationKind>('daily_rotation');
  const [anchor, setAnchor] = useState('');
  const [teams, setTeams] = useState<TeamRow[][]>([[{ user: '', position: 'shift_leader', acting: false }]]);
  const [weekdaysJson, setWeekdaysJson] = useState(WEEKDAYS_TEMPLATE);
  const [local, setLocal] = useState<Record<string, string>>({});
  const action = useAction();
  const busy = !!action.busy;
  const { error } = action;
  const nameOf = (id: number) => knownNames.get(id) ?? t('duty.unknownUser', { id });

  const submit = async (e: Event) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    const pf = parseViDate(from);
    const pt = parseViDate(to);
    if (!pf) errs.period_from = t('rosters.dateFormat');
    if (!pt) errs.period_to = t('rosters.dateFormat');
    let rotation: Rotation;
    if (kind === 'daily_rotation') {
      const pa = parseViDate(anchor || from);
      if (!pa) errs['rotation.anchor_date'] = t('rosters.dateFormat');
      if (teams.some((team) => !team.some((m) => m.user))) errs['rotation.teams'] = t('rosters.teamEmpty');
      rotation = {
        kind,
        anchor_date: pa ?? '',
        teams: teams.map((team) => team.filter((m) => m.user).map(rosterMember)),
      };
    } else {
      let weekdays: Rotation['weekdays'] = [];
      try {
        weekdays = JSON.parse(weekdaysJson) as Rotation['weekdays'];
      } catch (err) {
        errs['rotation.weekdays'] = t('rosters.badJson', { detail: err instanceof Error ? err.message : String(err) });
      }
      rotation = { kind, weekdays };
    }
    setLocal(errs);
    if (Object.keys(errs).length) return;
    await action.run(async () => {
      onCreated(await dutyApi.createRoster({ unit_id: unit, period_from: pf!, period_to: pt!, rotation }));
    });
  };
  const fe = (f: string) => local[f] ?? fieldError(error, f);
  const claimed = ['period_from', 'period_to', 'unit_id', 'rotation.anchor_date', 'rotation.weekdays', 'rotation.kind', 'rotation.teams'];
  const memberError = (ti: number, mi: number) =>
    fieldError(error, `rotation.teams[${ti}][${mi}].user_id`) ??
    fieldError(error, `rotation.teams[${ti}][${mi}].position`) ??
    fieldError(error, `rotation.teams[${ti}][${mi}].acting_leader`);
  teams.forEach((team, ti) =>
    team.forEach((_, mi) =>
      claimed.push(
        `rotation.teams[${ti}][${mi}].user_id`,
        `rotation.teams[${ti}][${mi}].position`,
        `rotation.teams[${ti}][${mi}].acting_leader`,
      ),
    ),
  );
  const setMember = (ti: number, mi: number, patch: Partial<TeamRow>) =>
    setTeams((ts) => ts.map((team, i) => (i !== ti ? team : team.map((m, j) => (j === mi ? { ...m, ...patch } : m)))));

  return (
    <form class="form panel" onSubmit={submit} noValidate aria-labelledby="roster-form-h">
      <h2 id="roster-form-h">{t('rosters.new')}</h2>
      <ProblemBox error={error} extra={unclaimedFieldErrors(error, claimed)} />
      <div class="grid2">
        <Field id="rf-from" label={t('rosters.from')} error={fe('period_from')}>
          {(a) => <input {...a} placeholder={t('audit.datePlaceholder')} value={from} onInput={(e) => setFrom(e.currentTarget.value)} />}
        </Field>
        <Field id="rf-to" label={t('rosters.to')} error={fe('period_to')}>
          {(a) => <input {...a} placeholder={t('audit.datePlaceholder')} value={to} onInput={(e) => setTo(e.currentTarget.value)} />}
        </Field>
        <Field id="rf-kind" label={t('rosters.kind')} error={fe('rotation.kind')}>
          {(a) => (
            <select {...a} value={kind} onChange={(e) => setKind(e.currentTarget.value as typeof kind)}>
              <option value="daily_rotation">{rotationName('daily_rotation')}</option>
              <option value="weekday_owners">{rotationName('weekday_owners')}</option>
            </select>
          )}
        </Field>
        {kind === 'daily_rotation' ? (
          <Field id="rf-anchor" label={t('rosters.anchor')} error={fe('rotation.anchor_date')}>
            {(a) => (
              <input {...a} placeholder={from || t('audit.datePlaceholder')} value={anchor} onInput={(e) => setAnchor(e.currentTarget.value)} />
            )}
          </Field>
        ) : null}
      </div>
      {kind === 'daily_rotation' ? (
        <>
          <p class="hint">{t('rosters.teamsHint')}</p>
          {fe('rotation.teams') ? <div class="field-error">{fe('rotation.teams')}</div> : null}
          {teams.map((team, ti) => (
            <fieldset key={ti}>
              <legend>{t('rosters.team', { n: ti + 1 })}</legend>
              {team.map((m, mi) => (
                <div class="role-row" key={mi}>
                  <label for={`rf-t${ti}-m${mi}`} class="sr-only">
                    {t('rosters.member')}
                  </label>
                  <PersonSelect
                    a={{ id: `rf-t${ti}-m${mi}` }}
                    value={m.user}
                    onChange={(v) => setMember(ti, mi, { user: v })}
                    ids={[]}
                    people={people}
                    nameOf={nameOf}
                  />
                  <label for={`rf-t${ti}-p${mi}`}>{t('duty.position')}</label>
                  <select id={`rf-t${ti}-p${mi}`} value={m.position} onChange={(e) => setMember(ti, mi, { position: e.currentTarget.value })}>
                    {POSITIONS.map((p) => (
                      <option key={p} value={p}>
                        {positionName(p)}
                      </option>
                    ))}
                  </select>
                  {m.position === 'deputy_leader' ? (
                    <label class="check" title={t('rosters.actingLeaderHint')}>
                      <input
                        type="checkbox"
                        checked={m.acting}
                        onChange={(e) => setMember(ti, mi, { acting: e.currentTarget.checked })}
                      />{' '}
                      {t('rosters.actingLeader')}
                    </label>
                  ) : null}
                  <button
                    type="button"
                    class="btn btn-small"
                    onClick={() => setTeams((ts) => ts.map((x, i) => (i === ti ? x.filter((_, j) => j !== mi) : x)))}
                  >
                    {t('rosters.removeMember')}
                  </button>
                  {memberError(ti, mi) ? <div class="field-error">{memberError(ti, mi)}</div> : null}
                </div>
              ))}
              <div class="toolbar">
                <button
                  type="button"
                  class="btn btn-small"
                  onClick={() =>
                    setTeams((ts) => ts.map((x, i) => (i === ti ? [...x, { user: '', position: 'supervision_officer', acting: false }] : x)))
                  }
                >
                  {t('rosters.addMember')}
                </button>
                {teams.length > 1 ? (
                  <button type="button" class="btn btn-small" onClick={() => setTeams((ts) => ts.filter((_, i) => i !== ti))}>
                    {t('rosters.removeTeam')}
                  </button>
                ) : null}
              </div>
            </fieldset>
          ))}
          <button
            type="button"
            class="btn btn-small"
            onClick={() => setTeams((ts) => [...ts, [{ user: '', position: 'shift_leader', acting: false }]])}
          >
            {t('rosters.addTeam')}
          </button>
        </>
      ) : (
        <Field id="rf-weekdays" label={t('rosters.weekdaysJson')} error={fe('rotation.weekdays')}>
          {(a) => (
            <textarea {...a} class="code" rows={14} value={weekdaysJson} onInput={(e) => setWeekdaysJson(e.currentTarget.value)} />
          )}
        </Field>
      )}
      <div class="toolbar">
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {busy ? t('common.saving') : t('common.save')}
        </button>
        <button type="button" class="btn" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

const NO_PEOPLE: User[] = [];
