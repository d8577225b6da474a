// One case: where its report went and why (Art. 16.4), the facts, the actions its status and the
// user's part in it allow, the handling plans (Art. 15.1d), the coordination requests (Appendix V)
// and the timeline, refreshed live. One who reads the case only through a grant of case data
// (Art. 16.3) gets its shared view: the facts and the outcome, read-only, nothing more asked.
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, casesApi, CASE_OUTCOMES, type Case, type CoordinationRequest, type Proposal, type SharedCase, type TimelineItem, type Unit } from '../api';
import {
  caseActions,
  clauseText,
  coordinationTargetNodes,
  identifierLines,
  methodName,
  outcomeName,
  proposalActions,
  proposalStatusName,
  recipientRows,
  subjectName,
  timelineLines,
  unitNameIn,
  unitTimeZone,
  warningTexts,
  zonedLocalToUtcIso,
  type CaseAction,
} from '../cases';
import { formatDateTime } from '../format';
import { useAction, useLoad, useUnits, type Load } from '../hooks';
import { pick, t } from '../i18n';
import { useLiveTopic, type LiveEvent } from '../live';
import { canPlayVideo, useApp } from '../session';
import { grantLapsed } from '../sharing';
import { buildTree, flatten } from '../tree';
import { Field, fieldError, FormButtons, Loading, Notice, ProblemBox, unclaimedFieldErrors, unitOptions } from '../ui';
import { CaseStatusBadge, SeverityBadge } from './Cases';
import { RelayPanel } from './CaseRelay';
import { CoordinationTable } from './Coordination';
import { CaseEvidence } from './Evidence';

export function CaseDetailPage({ caseId }: { caseId: number }) {
  const units = useUnits();
  // The case follows the live channel (resync, reconnect).
  const caseLoad = useLoad((signal) => casesApi.case(caseId, signal), [caseId], { live: true });
  const c = caseLoad.data;
  const error = caseLoad.error;
  if (error && !c) {
    // A grant that expired or was revoked says so itself; any other refusal is a page not open to the user.
    const forbidden = error instanceof ApiError && error.status === 403 && !grantLapsed(error);
    return <ProblemBox error={error} extra={forbidden ? [t('error.forbiddenPage')] : undefined} />;
  }
  if (!c) return <Loading />;
  const tz = unitTimeZone(units, c.unit_id);
  return c.shared ? <SharedCaseView c={c} tz={tz} error={error} /> : <HandledCase c={c} caseLoad={caseLoad} units={units} tz={tz} />;
}

/** A case read through a grant of case data: its facts and outcome, no step, no timeline, no evidence. */
function SharedCaseView({ c, tz, error }: { c: SharedCase; tz: string; error: unknown }) {
  return (
    <section class="case-detail case-shared" data-case-id={c.id}>
      <div class="page-head">
        <h1>{t('cases.detailTitle', { number: c.number })}</h1>
        <CaseStatusBadge status={c.status} />
        <SeverityBadge severity={c.severity} />
        <a class="btn push-right" href={`#/grants/${c.shared.grant_id}`}>
          {t('sharing.openGrant')}
        </a>
      </div>
      <p class="alert alert-info" role="note" data-testid="case-shared">
        {t('cases.sharedNotice', { request: c.shared.request_number, time: formatDateTime(c.shared.expires_at, { timeZone: tz }) })}
      </p>
      <ProblemBox error={error} />
      <Facts c={c} tz={tz} />
    </section>
  );
}

/** The case as those who handle it see it: its steps, plans, coordination, evidence and timeline. */
function HandledCase({ c, caseLoad, units, tz }: { c: Case; caseLoad: Load<Case | SharedCase>; units: Unit[]; tz: string }) {
  const { user } = useApp();
  const caseId = c.id;
  // The timeline is asked again with the case (live channel, every step taken).
  const timelineLoad = useLoad((signal) => casesApi.timeline(caseId, signal).catch(() => [] as TimelineItem[]), [caseId], { live: true });
  const timeline = timelineLoad.data;
  const error = caseLoad.error;
  // A step refused by the rule or at the wrong stage: kept through the reloads that follow it.
  const [problem, setProblem] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const { setData: setCaseData, reload: reloadCase } = caseLoad;
  const { reload: reloadTimeline } = timelineLoad;
  const load = useCallback(() => {
    reloadCase();
    reloadTimeline();
  }, [reloadCase, reloadTimeline]);

  useEffect(() => {
    setNotice(null);
    setProblem(null);
  }, [caseId]);

  const onCase = useCallback(
    (e: LiveEvent) => {
      if (e.payload.id === caseId) load();
    },
    [caseId, load],
  );
  const onCoordination = useCallback(
    (e: LiveEvent) => {
      if (e.payload.case_id === caseId) load();
    },
    [caseId, load],
  );
  useLiveTopic('case.changed', onCase);
  useLiveTopic('coordination.changed', onCoordination);

  /** An action answered with the case: show it, say so, and fetch the timeline that grew. */
  const done = useCallback(
    (after: Case | null, msg: string) => {
      if (after) setCaseData(() => after);
      setProblem(null);
      setNotice(msg);
      reloadTimeline();
      if (!after) reloadCase();
    },
    [setCaseData, reloadTimeline, reloadCase],
  );

  /** A refusal the page shows; at the wrong stage (409) the case has moved on: show where it is. */
  const refused = useCallback(
    (e: unknown) => {
      setNotice(null);
      setProblem(e);
      if (e instanceof ApiError && e.status === 409) load();
    },
    [load],
  );

  const actions = caseActions(c, user.id);

  return (
    <section class="case-detail" data-case-id={c.id}>
      <div class="page-head">
        <h1>{t('cases.detailTitle', { number: c.number })}</h1>
        <CaseStatusBadge status={c.status} />
        <SeverityBadge severity={c.severity} />
        <a class="btn push-right" href="#/cases">
          {t('cases.backToList')}
        </a>
      </div>
      {notice ? <Notice>{notice}</Notice> : null}
      <ProblemBox error={problem ?? error} />
      {c.routing ? <RoutingBox c={c} /> : c.status === 'draft' ? <p class="alert alert-warn">{t('cases.draftNotice')}</p> : null}
      <RelayPanel c={c} tz={tz} onDone={done} onProblem={refused} />
      <Facts c={c} tz={tz} />
      <Actions c={c} actions={actions} onDone={done} />
      <Proposals c={c} canPropose={actions.includes('propose')} tz={tz} onDone={done} />
      <Coordination c={c} canCreate={actions.includes('coordinate')} units={units} tz={tz} onDone={done} />
      {c.status === 'draft' ? null : <CaseEvidence caseId={c.id} tz={tz} canAttach={canPlayVideo(user) && c.status !== 'closed'} />}
      <section class="panel" aria-labelledby="timeline-h">
        <h2 id="timeline-h">{t('cases.timeline')}</h2>
        <Timeline items={timeline} tz={tz} />
      </section>
    </section>
  );
}

export function RoutingBox({ c }: { c: Pick<Case, 'routing'> }) {
  const r = c.routing;
  if (!r) return null;
  const rows = recipientRows(r);
  const warnings = warningTexts(r);
  return (
    <section class="panel routing" aria-labelledby="routing-h" data-testid="routing">
      <h2 id="routing-h">{t('cases.routing')}</h2>
      <p class="routing-clause">
        <strong>{clauseText(r)}</strong>
      </p>
      {pick(r.explanation_vi, r.explanation_en) ? <p class="pre">{pick(r.explanation_vi, r.explanation_en)}</p> : null}
      <p>
        {t('cases.handlingUnit')}: <strong>{unitNameIn(r, 'handling_')}</strong>
      </p>
      {warnings.length ? (
        <div class="alert alert-warn" role="status">
          <ul>
            {warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {rows.length === 0 ? (
        <p class="muted">{t('cases.noRecipients')}</p>
      ) : (
        <div class="table-wrap">
          <table class="grid recipients">
            <caption class="sr-only">{t('cases.recipients')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('duty.name')}</th>
                <th scope="col">{t('duty.unit')}</th>
                <th scope="col">{t('cases.recipientRole')}</th>
                <th scope="col">{t('cases.approver')}</th>
                <th scope="col">{t('cases.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((x) => (
                <tr key={`${x.userId}-${x.role}`}>
                  <td>{x.name}</td>
                  <td>{x.unit}</td>
                  <td>{x.role}</td>
                  <td>{x.approver ? <span class="badge approver">{t('cases.approverMark')}</span> : null}</td>
                  <td>{x.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Facts({ c, tz }: { c: Case | SharedCase; tz: string }) {
  const ids = identifierLines(c.identifiers);
  // A shared view carries the facts and the outcome only: nothing of the task, the people or the measures taken.
  const full = c.shared ? null : c;
  return (
    <section class="panel" aria-labelledby="facts-h">
      <h2 id="facts-h">{t('cases.facts')}</h2>
      <dl class="props">
        <dt>{t('cases.unit')}</dt>
        <dd>{unitNameIn(c)}</dd>
        <dt>{t('cases.method')}</dt>
        <dd>{methodName(c.method)}</dd>
        {full?.task_title ? (
          <>
            <dt>{t('cases.task')}</dt>
            <dd>
              <a href={`#/tasks/${full.task_id}`}>{full.task_title}</a>
            </dd>
          </>
        ) : null}
        <dt>{t('cases.observedAt')}</dt>
        <dd>{formatDateTime(c.observed_at, { timeZone: tz })}</dd>
        <dt>{t('cases.site')}</dt>
        <dd>{c.site}</dd>
        {full?.site_unit_name ? (
          <>
            <dt>{t('cases.siteUnit')}</dt>
            <dd>{unitNameIn(full, 'site_')}</dd>
          </>
        ) : null}
        <dt>{t('cases.subject')}</dt>
        <dd>{subjectName(c.subject)}</dd>
        <dt>{t('cases.description')}</dt>
        <dd class="pre">{c.description}</dd>
        {c.suspected_violation ? (
          <>
            <dt>{t('cases.suspectedViolation')}</dt>
            <dd class="pre">{c.suspected_violation}</dd>
          </>
        ) : null}
        {full ? (
          <>
            <dt>{t('cases.immediateMeasure')}</dt>
            <dd class="pre">{full.immediate_measure || <span class="muted">{t('common.none')}</span>}</dd>
          </>
        ) : null}
        <dt>{t('cases.identifiers')}</dt>
        <dd>
          {ids.length === 0 ? (
            <span class="muted">{t('common.none')}</span>
          ) : (
            <ul class="identifiers">
              {ids.map((l) => (
                <li key={l.kind}>
                  {l.label}:{' '}
                  {l.values.map((v, i) => (
                    <span key={v}>
                      {i ? ', ' : ''}
                      <span class="code">{v}</span>
                    </span>
                  ))}
                </li>
              ))}
            </ul>
          )}
        </dd>
        <dt>{t('cases.cameras')}</dt>
        <dd>
          {c.cameras.length === 0 ? (
            <span class="muted">{t('common.none')}</span>
          ) : (
            <ul class="cameras">
              {c.cameras.map((x, i) => (
                <li key={i}>
                  {x.camera}: {formatDateTime(x.from, { timeZone: tz })} – {formatDateTime(x.to, { timeZone: tz })}
                </li>
              ))}
            </ul>
          )}
        </dd>
        {full?.reported_at ? (
          <>
            <dt>{t('cases.reportedBy')}</dt>
            <dd>
              {t('cases.byAt', { name: full.reported_by_name ?? '', time: formatDateTime(full.reported_at, { timeZone: tz }) })}
              {full.reporter_on_duty ? <span class="badge on-duty">{t('cases.onDuty')}</span> : null}
            </dd>
          </>
        ) : c.reported_at ? (
          <>
            <dt>{t('cases.reportedAt')}</dt>
            <dd>{formatDateTime(c.reported_at, { timeZone: tz })}</dd>
          </>
        ) : null}
        {full?.acknowledged_at ? (
          <>
            <dt>{t('cases.acknowledgedBy')}</dt>
            <dd>{t('cases.byAt', { name: full.acknowledged_by_name ?? '', time: formatDateTime(full.acknowledged_at, { timeZone: tz }) })}</dd>
          </>
        ) : null}
        {c.outcome ? (
          <>
            <dt>{t('cases.outcome')}</dt>
            <dd>
              <strong>{outcomeName(c.outcome)}</strong>
              {c.concluded_at ? <span class="muted small"> ({formatDateTime(c.concluded_at, { timeZone: tz })})</span> : null}
              {full?.outcome_note ? <div class="pre">{full.outcome_note}</div> : null}
            </dd>
          </>
        ) : null}
      </dl>
    </section>
  );
}

type Done = (after: Case | null, msg: string) => void;

function Actions({ c, actions, onDone }: { c: Case; actions: CaseAction[]; onDone: Done }) {
  const [open, setOpen] = useState<'conclude' | 'reopen' | null>(null);
  const [outcome, setOutcome] = useState<string>(CASE_OUTCOMES[0]);
  const [note, setNote] = useState('');
  const [reason, setReason] = useState('');
  const action = useAction();
  const busy = !!action.busy;
  const { error } = action;
  const [local, setLocal] = useState<Record<string, string>>({});
  const buttons = actions.filter((a) => a !== 'propose' && a !== 'coordinate');
  if (buttons.length === 0) return null;

  const run = async (fn: () => Promise<Case>, msg: string) => {
    await action.run(async () => {
      const after = await fn();
      setOpen(null);
      setNote('');
      setReason('');
      onDone(after, msg);
    });
  };
  const fe = (f: string) => local[f] ?? fieldError(error, f);

  return (
    <section class="panel" aria-labelledby="actions-h">
      <h2 id="actions-h">{t('cases.actions')}</h2>
      <ProblemBox error={error} extra={unclaimedFieldErrors(error, ['outcome', 'outcome_note', 'reason', 'status'])} />
      <div class="toolbar">
        {actions.includes('edit') ? (
          <a class="btn" href={`#/cases/${c.id}/edit`}>
            {t('cases.editDraftButton')}
          </a>
        ) : null}
        {actions.includes('report') ? (
          <button type="button" class="btn btn-primary" disabled={busy} onClick={() => run(() => casesApi.reportCase(c.id), t('cases.reported'))}>
            {t('cases.send')}
          </button>
        ) : null}
        {actions.includes('acknowledge') ? (
          <button
            type="button"
            class="btn btn-primary"
            disabled={busy}
            onClick={() => run(() => casesApi.acknowledgeCase(c.id), t('cases.acknowledged'))}
          >
            {t('cases.acknowledge')}
          </button>
        ) : null}
        {actions.includes('start') ? (
          <button
            type="button"
            class="btn btn-primary"
            disabled={busy}
            onClick={() => run(() => casesApi.updateCase(c.id, { status: 'in_handling' }), t('cases.started'))}
          >
            {t('cases.start')}
          </button>
        ) : null}
        {actions.includes('conclude') ? (
          <button type="button" class="btn" disabled={busy} aria-expanded={open === 'conclude'} onClick={() => setOpen('conclude')}>
            {t('cases.conclude')}
          </button>
        ) : null}
        {actions.includes('close') ? (
          <button
            type="button"
            class="btn"
            disabled={busy}
            onClick={() => run(() => casesApi.updateCase(c.id, { status: 'closed' }), t('cases.closedDone'))}
          >
            {t('cases.close')}
          </button>
        ) : null}
        {actions.includes('reopen') ? (
          <button type="button" class="btn" disabled={busy} aria-expanded={open === 'reopen'} onClick={() => setOpen('reopen')}>
            {t('cases.reopen')}
          </button>
        ) : null}
      </div>
      {open === 'conclude' ? (
        <form
          class="form"
          noValidate
          aria-label={t('cases.conclude')}
          onSubmit={(e) => {
            e.preventDefault();
            run(() => casesApi.updateCase(c.id, { status: 'concluded', outcome, outcome_note: note.trim() }), t('cases.concludedDone'));
          }}
        >
          <div class="grid2">
            <Field id="case-outcome" label={t('cases.outcome')} error={fe('outcome')}>
              {(a) => (
                <select {...a} value={outcome} onChange={(e) => setOutcome(e.currentTarget.value)}>
                  {CASE_OUTCOMES.map((o) => (
                    <option key={o} value={o}>
                      {outcomeName(o)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <Field id="case-outcome-note" label={t('cases.outcomeNote')} error={fe('outcome_note')}>
            {(a) => <textarea {...a} rows={3} value={note} onInput={(e) => setNote(e.currentTarget.value)} />}
          </Field>
          <FormButtons busy={busy} label={t('cases.conclude')} onCancel={() => setOpen(null)} />
        </form>
      ) : null}
      {open === 'reopen' ? (
        <form
          class="form"
          noValidate
          aria-label={t('cases.reopen')}
          onSubmit={(e) => {
            e.preventDefault();
            if (!reason.trim()) {
              setLocal({ reason: t('rosters.reasonRequired') });
              return;
            }
            setLocal({});
            run(() => casesApi.updateCase(c.id, { status: 'in_handling', reason: reason.trim() }), t('cases.reopened'));
          }}
        >
          <Field id="case-reopen-reason" label={t('cases.reopenReason')} error={fe('reason')}>
            {(a) => <textarea {...a} rows={2} required value={reason} onInput={(e) => setReason(e.currentTarget.value)} />}
          </Field>
          <FormButtons busy={busy} label={t('cases.reopen')} onCancel={() => setOpen(null)} />
        </form>
      ) : null}
    </section>
  );
}

// ---- handling plans (phương án xử lý, Art. 15.1d) ---------------------------------------------

function Proposals({ c, canPropose, tz, onDone }: { c: Case; canPropose: boolean; tz: string; onDone: Done }) {
  const [text, setText] = useState('');
  const action = useAction();
  const busy = !!action.busy;
  const { error } = action;
  const list = c.proposals ?? [];
  if (list.length === 0 && !canPropose) return null;
  const submit = async (e: Event) => {
    e.preventDefault();
    await action.run(async () => {
      const after = await casesApi.propose(c.id, text.trim());
      setText('');
      onDone(after, t('cases.proposed'));
    });
  };
  return (
    <section class="panel" aria-labelledby="proposals-h">
      <h2 id="proposals-h">{t('cases.proposals')}</h2>
      <p class="hint">{t('cases.proposalsHint')}</p>
      {list.length === 0 ? (
        <p class="muted">{t('cases.noProposals')}</p>
      ) : (
        <ul class="proposals">
          {list.map((p) => (
            <ProposalItem key={p.id} c={c} p={p} tz={tz} onDone={onDone} />
          ))}
        </ul>
      )}
      {canPropose ? (
        <form class="form" noValidate onSubmit={submit} aria-label={t('cases.propose')}>
          <ProblemBox error={error} extra={unclaimedFieldErrors(error, ['text'])} />
          <Field id="proposal-text" label={t('cases.proposalText')} error={fieldError(error, 'text')}>
            {(a) => <textarea {...a} rows={3} value={text} onInput={(e) => setText(e.currentTarget.value)} />}
          </Field>
          <FormButtons busy={busy} label={t('cases.propose')} />
        </form>
      ) : null}
    </section>
  );
}

function ProposalItem({ c, p, tz, onDone }: { c: Case; p: Proposal; tz: string; onDone: Done }) {
  const [remarks, setRemarks] = useState('');
  const [note, setNote] = useState('');
  const action = useAction();
  const busy = !!action.busy;
  const { error } = action;
  const can = proposalActions(p, c);
  const run = async (fn: () => Promise<Case>, msg: string) => {
    await action.run(async () => {
      onDone(await fn(), msg);
    });
  };
  return (
    <li class={`proposal proposal-${p.status}`} data-proposal-id={p.id}>
      <div class="log-head">
        <span class={`badge proposal-status ps-${p.status}`}>{proposalStatusName(p.status)}</span>
        <span class="muted small">{t('cases.byAt', { name: p.proposed_by_name, time: formatDateTime(p.proposed_at, { timeZone: tz }) })}</span>
      </div>
      <div class="pre">{p.text}</div>
      {p.decided_at ? (
        <div class="small">
          {t(p.status === 'rejected' ? 'cases.rejectedBy' : 'cases.approvedBy', {
            name: p.decided_by_name ?? '',
            time: formatDateTime(p.decided_at, { timeZone: tz }),
          })}
          {p.remarks ? <span class="pre"> — {p.remarks}</span> : null}
        </div>
      ) : null}
      {p.executed_at ? (
        <div class="small ok">
          {t('cases.executedAt', { time: formatDateTime(p.executed_at, { timeZone: tz }) })}
          {p.execution_note ? <span class="pre"> — {p.execution_note}</span> : null}
        </div>
      ) : null}
      <ProblemBox error={error} extra={unclaimedFieldErrors(error, ['remarks', 'note', 'decision'])} />
      {can.includes('decide') ? (
        <div class="form">
          <Field id={`remarks-${p.id}`} label={t('cases.remarks')} error={fieldError(error, 'remarks')}>
            {(a) => <textarea {...a} rows={2} value={remarks} onInput={(e) => setRemarks(e.currentTarget.value)} />}
          </Field>
          <div class="toolbar">
            <button
              type="button"
              class="btn btn-primary"
              disabled={busy}
              onClick={() => run(() => casesApi.decide(c.id, p.id, 'approve', remarks.trim() || undefined), t('cases.approvedDone'))}
            >
              {t('cases.approve')}
            </button>
            <button
              type="button"
              class="btn btn-danger"
              disabled={busy}
              onClick={() => run(() => casesApi.decide(c.id, p.id, 'reject', remarks.trim() || undefined), t('cases.rejectedDone'))}
            >
              {t('cases.reject')}
            </button>
          </div>
        </div>
      ) : null}
      {can.includes('execute') ? (
        <form
          class="form"
          noValidate
          aria-label={t('cases.execute')}
          onSubmit={(e) => {
            e.preventDefault();
            run(() => casesApi.execute(c.id, p.id, note.trim()), t('cases.executedDone'));
          }}
        >
          <Field id={`exec-${p.id}`} label={t('cases.executionNote')} error={fieldError(error, 'note')}>
            {(a) => <textarea {...a} rows={2} value={note} onInput={(e) => setNote(e.currentTarget.value)} />}
          </Field>
          <FormButtons busy={busy} label={t('cases.execute')} />
        </form>
      ) : null}
    </li>
  );
}

// ---- coordination requests (phiếu đề nghị phối hợp, Appendix V) ------------------------------

function Coordination({ c, canCreate, units, tz, onDone }: { c: Case; canCreate: boolean; units: Unit[]; tz: string; onDone: Done }) {
  const list = c.coordination ?? [];
  const [open, setOpen] = useState(false);
  if (list.length === 0 && !canCreate) return null;
  return (
    <section class="panel" aria-labelledby="coord-h">
      <h2 id="coord-h">{t('coordination.title')}</h2>
      {list.length === 0 ? (
        <p class="muted">{t('coordination.empty')}</p>
      ) : (
        <CoordinationTable list={list} tab="outgoing" tzOf={() => tz} />
      )}
      {canCreate && !open ? (
        <div class="toolbar">
          <button type="button" class="btn" onClick={() => setOpen(true)}>
            {t('coordination.create')}
          </button>
        </div>
      ) : null}
      {canCreate && open ? (
        <CoordinationForm
          c={c}
          units={units}
          tz={tz}
          onCancel={() => setOpen(false)}
          onCreated={(r) => {
            setOpen(false);
            onDone(null, t('coordination.created', { number: r.number }));
          }}
        />
      ) : null}
    </section>
  );
}

export function CoordinationForm({
  c,
  units,
  tz,
  onCancel,
  onCreated,
}: {
  c: Case;
  units: Unit[];
  tz: string;
  onCancel: () => void;
  onCreated: (r: CoordinationRequest) => void;
}) {
  const [to, setTo] = useState('');
  const [content, setContent] = useState('');
  const [action, setAction] = useState('');
  const [deadline, setDeadline] = useState('');
  const [contacts, setContacts] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});
  const save = useAction();
  const busy = !!save.busy;
  const { error } = save;
  const targets = useMemo(() => coordinationTargetNodes(flatten(buildTree(units)), c), [units, c]);
  const submit = async (e: Event) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    const iso = zonedLocalToUtcIso(deadline, tz);
    if (!to) errs.to_unit_id = t('common.required');
    if (!iso) errs.deadline = t('cases.badDateTime');
    setLocal(errs);
    if (Object.keys(errs).length) return;
    await save.run(async () => {
      onCreated(
        await casesApi.createCoordination({
          case_id: c.id,
          to_unit_id: Number(to),
          content: content.trim(),
          requested_action: action.trim(),
          deadline: iso!,
          contacts: contacts.trim(),
        }),
      );
    });
  };
  const fe = (f: string) => local[f] ?? fieldError(error, f);
  return (
    <form class="form" noValidate onSubmit={submit} aria-label={t('coordination.create')}>
      <h3>{t('coordination.create')}</h3>
      <p class="hint">{t('coordination.createHint')}</p>
      <ProblemBox error={error} extra={unclaimedFieldErrors(error, ['to_unit_id', 'content', 'requested_action', 'deadline', 'contacts'])} />
      <div class="grid2">
        <Field id="co-to" label={t('coordination.to')} error={fe('to_unit_id')} hint={t('coordination.toHint')}>
          {(a) => (
            <select {...a} value={to} onChange={(e) => setTo(e.currentTarget.value)}>
              <option value="">{t('coordination.pickUnit')}</option>
              {unitOptions(targets)}
            </select>
          )}
        </Field>
        <Field id="co-deadline" label={t('coordination.deadline')} error={fe('deadline')} hint={t('cases.tzHint', { tz })}>
          {(a) => <input {...a} type="datetime-local" value={deadline} onInput={(e) => setDeadline(e.currentTarget.value)} />}
        </Field>
      </div>
      <Field id="co-content" label={t('coordination.content')} error={fe('content')}>
        {(a) => <textarea {...a} rows={3} value={content} onInput={(e) => setContent(e.currentTarget.value)} />}
      </Field>
      <Field id="co-action" label={t('coordination.requestedAction')} error={fe('requested_action')}>
        {(a) => <textarea {...a} rows={2} value={action} onInput={(e) => setAction(e.currentTarget.value)} />}
      </Field>
      <Field id="co-contacts" label={t('coordination.contacts')} error={fe('contacts')} hint={t('coordination.contactsHint')}>
        {(a) => <input {...a} value={contacts} onInput={(e) => setContacts(e.currentTarget.value)} />}
      </Field>
      <FormButtons busy={busy} label={t('coordination.send')} onCancel={onCancel} />
    </form>
  );
}

// ---- the timeline ---------------------------------------------------------------------------------

export function Timeline({ items, tz }: { items: TimelineItem[] | null; tz: string }) {
  if (!items) return <Loading />;
  const lines = timelineLines(items, tz);
  if (lines.length === 0) return <p class="muted">{t('cases.timelineEmpty')}</p>;
  return (
    <ol class="timeline" data-testid="timeline">
      {lines.map((l) => (
        <li key={l.key} class={`tl-item tl-${l.kind}`}>
          <time dateTime={l.at}>{l.time}</time>
          <span class="tl-who">{l.who}</span>
          <div class="tl-text">{l.text}</div>
        </li>
      ))}
    </ol>
  );
}
