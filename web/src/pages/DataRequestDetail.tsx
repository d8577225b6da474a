// One data request (Art. 16.3): what was asked, who decides it and on what basis (the working
// relationship, or headquarters leadership through the focal point), its history, the decision with
// its reasons and the grant it made; and the step the user may take now (the server's `can`).
import { useState } from 'preact/hooks';
import { ACCESS_MODES, ApiError, DATA_DECISIONS, sharingApi, type DataDecision, type DataRequest, type SharingRouting } from '../api';
import { unitNameIn, unitTimeZone } from '../cases';
import { formatDateTime } from '../format';
import { useAction, useLoad, useUnits } from '../hooks';
import { pick, t } from '../i18n';
import { canSeeCases, useApp } from '../session';
import {
  accessModeName,
  camerasOptional,
  decisionName,
  historyActionName,
  inOrder,
  narrowerScope,
  needsRange,
  routeName,
  scopeForm,
  toggle,
  type ScopeForm,
} from '../sharing';
import { Field, fieldError, FormButtons, Loading, Notice, ProblemBox, unclaimedFieldErrors } from '../ui';
import { camerasText, DataTypeChecks, dataTypesText, describedBy, FieldsetHint, RequestStatusBadge } from './SharingParts';

export function DataRequestDetailPage({ id }: { id: number }) {
  const units = useUnits();
  const load = useLoad((signal) => sharingApi.request(id, signal), [id], { live: true });
  const [notice, setNotice] = useState<string | null>(null);
  const r = load.data;
  if (!r) {
    const forbidden = load.error instanceof ApiError && load.error.status === 403;
    return load.error ? <ProblemBox error={load.error} extra={forbidden ? [t('error.forbiddenPage')] : undefined} /> : <Loading />;
  }
  const tz = unitTimeZone(units, r.routing?.operating_unit_id ?? r.requester_unit_id);
  const done = (after: DataRequest, msg: string) => {
    load.setData(() => after);
    setNotice(msg);
  };

  return (
    <section class="data-request-detail" data-request-id={r.id}>
      <div class="page-head">
        <h1>{t('sharing.detailTitle', { number: r.number })}</h1>
        <RequestStatusBadge status={r.status} />
        <a class="btn push-right" href="#/data-requests">
          {t('sharing.backToList')}
        </a>
      </div>
      {notice ? <Notice>{notice}</Notice> : null}
      <ProblemBox error={load.error} />
      {r.routing ? <SharingRoutingBox routing={r.routing} /> : null}
      <RequestFacts r={r} tz={tz} />
      <DecisionBox r={r} tz={tz} />
      <RequestActions r={r} tz={tz} onDone={done} />
      <section class="panel" aria-labelledby="dr-history-h">
        <h2 id="dr-history-h">{t('sharing.history')}</h2>
        {(r.history ?? []).length === 0 ? (
          <p class="muted">{t('cases.timelineEmpty')}</p>
        ) : (
          <ol class="timeline" data-testid="request-history">
            {r.history.map((h, i) => (
              <li key={i} class={`tl-item tl-${h.action}`}>
                <time dateTime={h.at}>{formatDateTime(h.at, { seconds: true, timeZone: tz })}</time>
                <span class="tl-who">{h.by_name ?? t('audit.system')}</span>
                <div class="tl-text">
                  <strong>{historyActionName(h.action)}</strong>
                  {h.text ? <span class="pre"> — {h.text}</span> : null}
                </div>
              </li>
            ))}
          </ol>
        )}
      </section>
    </section>
  );
}

/** Who decides and why: the route, its basis and the reasons that sent it there (like a case's routing box). */
export function SharingRoutingBox({ routing: g }: { routing: SharingRouting }) {
  return (
    <section class="panel routing" aria-labelledby="dr-routing-h" data-testid="sharing-routing">
      <h2 id="dr-routing-h">{t('sharing.routing')}</h2>
      <p class="routing-clause">
        <strong>{routeName(g.route)}</strong>
      </p>
      {pick(g.basis_vi, g.basis_en) ? (
        <p>
          {t('sharing.basis')}: <strong>{pick(g.basis_vi, g.basis_en)}</strong>
        </p>
      ) : null}
      {pick(g.explanation_vi, g.explanation_en) ? <p class="pre">{pick(g.explanation_vi, g.explanation_en)}</p> : null}
      <dl class="props">
        <dt>{t('sharing.operatingUnit')}</dt>
        <dd>{unitNameIn(g, 'operating_')}</dd>
        <dt>{t('sharing.deciderUnit')}</dt>
        <dd>{unitNameIn(g, 'decider_')}</dd>
        {g.focal_unit_name ? (
          <>
            <dt>{t('sharing.focalUnit')}</dt>
            <dd>{unitNameIn(g, 'focal_')}</dd>
          </>
        ) : null}
      </dl>
      {g.reasons?.length ? (
        <ul class="routing-reasons">
          {g.reasons.map((x) => (
            <li key={x.code}>{pick(x.vi, x.en)}</li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function windowText(from: string | null, to: string | null, tz: string): string {
  return from && to ? `${formatDateTime(from, { timeZone: tz })} – ${formatDateTime(to, { timeZone: tz })}` : t('common.none');
}

function RequestFacts({ r, tz }: { r: DataRequest; tz: string }) {
  const { user } = useApp();
  const caseNumber = r.case_number ?? (r.case_id ? `#${r.case_id}` : null);
  return (
    <section class="panel" aria-labelledby="dr-facts-h">
      <h2 id="dr-facts-h">{t('sharing.facts')}</h2>
      <dl class="props">
        <dt>{t('sharing.requester')}</dt>
        <dd>
          {r.requester_name} — {unitNameIn(r, 'requester_')}
          {r.requester_external ? <span class="badge external">{t('org.external')}</span> : null}
        </dd>
        <dt>{t('sharing.purpose')}</dt>
        <dd class="pre">{r.purpose}</dd>
        <dt>{t('sharing.reference')}</dt>
        <dd>{r.reference || <span class="muted">{t('common.none')}</span>}</dd>
        {caseNumber ? (
          <>
            <dt>{t('sharing.caseNumber')}</dt>
            {/* Outside customs the case is opened from the grant that gives its data. */}
            <dd data-testid="request-case">{r.case_id && canSeeCases(user) ? <a href={`#/cases/${r.case_id}`}>{caseNumber}</a> : caseNumber}</dd>
          </>
        ) : null}
        <dt>{t('sharing.dataTypes')}</dt>
        <dd>{dataTypesText(r.data_types)}</dd>
        <dt>{t('sharing.cameras')}</dt>
        <dd data-testid="request-cameras">{camerasText(r.cameras) || <span class="muted">{t('common.none')}</span>}</dd>
        <dt>{t('sharing.range')}</dt>
        <dd>{windowText(r.from, r.to, tz)}</dd>
        <dt>{t('sharing.mode')}</dt>
        <dd>{accessModeName(r.mode)}</dd>
        <dt>{t('sharing.accessDays')}</dt>
        <dd>{t('sharing.days', { n: r.access_days })}</dd>
        <dt>{t('sharing.createdAt')}</dt>
        <dd>{formatDateTime(r.created_at, { timeZone: tz })}</dd>
      </dl>
    </section>
  );
}

function DecisionBox({ r, tz }: { r: DataRequest; tz: string }) {
  const d = r.decision;
  if (!d) return null;
  const scope = d.scope;
  const names = new Map((r.cameras ?? []).map((c) => [c.id, c]));
  return (
    <section class="panel decision" aria-labelledby="dr-decision-h" data-testid="request-decision">
      <h2 id="dr-decision-h">{t('sharing.decision')}</h2>
      <p>
        <strong class={`decision-${d.decision}`}>{decisionName(d.decision)}</strong>{' '}
        <span class="muted small">{t('cases.byAt', { name: d.decided_by_name, time: formatDateTime(d.decided_at, { timeZone: tz }) })}</span>
      </p>
      <p>
        {t('sharing.reasons')}: <span class="pre decision-reasons">{d.reasons}</span>
      </p>
      {scope ? (
        <dl class="props">
          <dt>{t('sharing.cameras')}</dt>
          <dd>{camerasText(scope.camera_ids.flatMap((id) => (names.has(id) ? [names.get(id)!] : [])))}</dd>
          <dt>{t('sharing.dataTypes')}</dt>
          <dd>{dataTypesText(scope.data_types)}</dd>
          <dt>{t('sharing.range')}</dt>
          <dd>{windowText(scope.from, scope.to, tz)}</dd>
          <dt>{t('sharing.mode')}</dt>
          <dd>{accessModeName(scope.mode)}</dd>
          <dt>{t('sharing.accessDays')}</dt>
          <dd>{t('sharing.days', { n: scope.access_days })}</dd>
        </dl>
      ) : null}
      {r.grant_id ? (
        <p>
          <a class="btn" href={`#/grants/${r.grant_id}`} data-testid="grant-link">
            {t('sharing.openGrant')}
          </a>
        </p>
      ) : null}
    </section>
  );
}

type Done = (after: DataRequest, msg: string) => void;

function RequestActions({ r, tz, onDone }: { r: DataRequest; tz: string; onDone: Done }) {
  const [open, setOpen] = useState<'forward' | 'decide' | 'answer' | 'withdraw' | null>(null);
  const [text, setText] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});
  const action = useAction();
  const busy = !!action.busy;
  const { error } = action;
  const can = r.can;
  if (!can.forward && !can.decide && !can.answer && !can.withdraw) return null;

  const show = (k: typeof open) => {
    setOpen(k);
    setText('');
    setLocal({});
    action.setError(null);
  };
  const simple = (field: 'note' | 'text' | 'reason', required: boolean, fn: (v: string) => Promise<DataRequest>, msg: string) => (e: Event) => {
    e.preventDefault();
    if (required && !text.trim()) {
      setLocal({ [field]: t('rosters.reasonRequired') });
      return;
    }
    setLocal({});
    void action.run(async () => {
      onDone(await fn(text.trim()), msg);
      setOpen(null);
    });
  };
  const fe = (f: string) => local[f] ?? fieldError(error, f);
  const buttons: [typeof open, string][] = [];
  if (can.decide) buttons.push(['decide', t('sharing.decide')]);
  if (can.forward) buttons.push(['forward', t('sharing.forward')]);
  if (can.answer) buttons.push(['answer', t('sharing.answer')]);
  if (can.withdraw) buttons.push(['withdraw', t('sharing.withdraw')]);

  return (
    <section class="panel" aria-labelledby="dr-actions-h">
      <h2 id="dr-actions-h">{t('sharing.actions')}</h2>
      <ProblemBox error={open === 'decide' ? null : error} extra={open === 'decide' ? undefined : unclaimedFieldErrors(error, ['note', 'text', 'reason'])} />
      <div class="toolbar">
        {buttons.map(([k, label]) => (
          <button key={k} type="button" class={k === 'decide' ? 'btn btn-primary' : 'btn'} aria-expanded={open === k} onClick={() => show(k)}>
            {label}
          </button>
        ))}
      </div>
      {open === 'decide' ? <DecideForm r={r} tz={tz} onCancel={() => setOpen(null)} onDone={(after, msg) => (setOpen(null), onDone(after, msg))} /> : null}
      {open === 'forward' ? (
        <form class="form" noValidate aria-label={t('sharing.forward')} onSubmit={simple('note', false, (v) => sharingApi.forward(r.id, v), t('sharing.forwarded'))}>
          <p class="hint">{t('sharing.forwardHint')}</p>
          <Field id="dr-note" label={t('sharing.note')} error={fe('note')}>
            {(a) => <textarea {...a} rows={3} value={text} onInput={(e) => setText(e.currentTarget.value)} />}
          </Field>
          <FormButtons busy={busy} label={t('sharing.forward')} onCancel={() => setOpen(null)} />
        </form>
      ) : null}
      {open === 'answer' ? (
        <form class="form" noValidate aria-label={t('sharing.answer')} onSubmit={simple('text', true, (v) => sharingApi.answer(r.id, v), t('sharing.answered'))}>
          <Field id="dr-answer" label={t('sharing.answerText')} required error={fe('text')}>
            {(a) => <textarea {...a} rows={3} value={text} onInput={(e) => setText(e.currentTarget.value)} />}
          </Field>
          <FormButtons busy={busy} label={t('sharing.answer')} onCancel={() => setOpen(null)} />
        </form>
      ) : null}
      {open === 'withdraw' ? (
        <form class="form" noValidate aria-label={t('sharing.withdraw')} onSubmit={simple('reason', true, (v) => sharingApi.withdraw(r.id, v), t('sharing.withdrawn'))}>
          <Field id="dr-withdraw" label={t('sharing.withdrawReason')} required error={fe('reason')}>
            {(a) => <textarea {...a} rows={2} value={text} onInput={(e) => setText(e.currentTarget.value)} />}
          </Field>
          <FormButtons busy={busy} label={t('sharing.withdraw')} onCancel={() => setOpen(null)} />
        </form>
      ) : null}
    </section>
  );
}

/**
 * The decision: approve, approve a narrower scope (edited within the request's cameras, types, window,
 * mode and days), ask for more information, or refuse; the reasons are always required.
 */
export function DecideForm({ r, tz, onCancel, onDone }: { r: DataRequest; tz: string; onCancel: () => void; onDone: Done }) {
  const [decision, setDecision] = useState<DataDecision>('approve');
  const [reasons, setReasons] = useState('');
  const [scope, setScope] = useState<ScopeForm>(() => scopeForm(r, tz));
  const [local, setLocal] = useState<Record<string, string>>({});
  const action = useAction();
  const busy = !!action.busy;
  const { error } = action;
  const setS = <K extends keyof ScopeForm>(k: K, v: ScopeForm[K]) => setScope((s) => ({ ...s, [k]: v }));
  const fe = (f: string) => local[f] ?? fieldError(error, f);
  const narrower = decision === 'approve_narrower';
  // What the scope keeps: case data alone needs no camera, and only recordings and snapshots a window.
  const types = inOrder(r.data_types, scope.dataTypes);
  const camerasHint = camerasOptional(types) ? t('sharing.camerasOptional') : undefined;

  const submit = (e: Event) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!reasons.trim()) errs.reasons = t('sharing.reasonsRequired');
    const n = narrower ? narrowerScope(r, scope, tz) : null;
    if (n) Object.assign(errs, n.errors);
    setLocal(errs);
    if (Object.keys(errs).length) return;
    void action.run(async () => {
      const after = await sharingApi.decide(r.id, { decision, reasons: reasons.trim(), ...(n ? { narrower: n.narrower } : {}) });
      onDone(after, t('sharing.decided', { decision: decisionName(decision) }));
    });
  };
  const claimed = ['decision', 'reasons', 'narrower', 'narrower.camera_ids', 'narrower.data_types', 'narrower.from', 'narrower.to', 'narrower.mode', 'narrower.access_days'];

  return (
    <form class="form decide-form" noValidate aria-label={t('sharing.decide')} onSubmit={submit} data-testid="decide-form">
      <ProblemBox error={error} extra={unclaimedFieldErrors(error, claimed)} />
      <fieldset class="checks" id="dr-decision">
        <legend>{t('sharing.decision')}</legend>
        {DATA_DECISIONS.map((d) => (
          <label key={d} class="check">
            <input type="radio" name="dr-decision" value={d} checked={decision === d} onChange={() => setDecision(d)} /> {decisionName(d)}
          </label>
        ))}
        {fe('decision') ? <div class="field-error">{fe('decision')}</div> : null}
      </fieldset>
      {narrower ? (
        <fieldset class="narrower" data-testid="narrower">
          <legend>{t('sharing.narrowerScope')}</legend>
          <p class="hint">{t('sharing.narrowerHint')}</p>
          {fe('narrower') ? <div class="field-error">{fe('narrower')}</div> : null}
          {r.camera_ids.length ? (
            <fieldset
              class={`checks${fe('narrower.camera_ids') ? ' has-error' : ''}`}
              id="dr-n-cameras"
              aria-describedby={describedBy('dr-n-cameras', camerasHint, fe('narrower.camera_ids'))}
            >
              <legend>{t('sharing.cameras')}</legend>
              <FieldsetHint id="dr-n-cameras" hint={camerasHint} />
              {(r.cameras ?? []).map((c) => (
                <label key={c.id} class="check" data-camera-id={c.id}>
                  <input type="checkbox" checked={scope.cameras.has(c.id)} onChange={(e) => setS('cameras', toggle(scope.cameras, c.id, e.currentTarget.checked))} />{' '}
                  {c.name} <span class="muted small">{c.site_name}</span>
                </label>
              ))}
              {fe('narrower.camera_ids') ? (
                <div class="field-error" id="dr-n-cameras-err">
                  {fe('narrower.camera_ids')}
                </div>
              ) : null}
            </fieldset>
          ) : null}
          <DataTypeChecks
            id="dr-n-types"
            legend={t('sharing.dataTypes')}
            allowed={r.data_types}
            value={scope.dataTypes}
            error={fe('narrower.data_types')}
            onChange={(v) => setS('dataTypes', v)}
          />
          {r.from && r.to && needsRange(types) ? (
            <div class="grid2">
              <Field id="dr-n-from" label={t('hold.from')} error={fe('narrower.from')} hint={t('cases.tzHint', { tz })}>
                {(a) => <input {...a} type="datetime-local" value={scope.from} onInput={(e) => setS('from', e.currentTarget.value)} />}
              </Field>
              <Field id="dr-n-to" label={t('hold.to')} error={fe('narrower.to')}>
                {(a) => <input {...a} type="datetime-local" value={scope.to} onInput={(e) => setS('to', e.currentTarget.value)} />}
              </Field>
            </div>
          ) : null}
          <div class="grid2">
            <Field id="dr-n-mode" label={t('sharing.mode')} error={fe('narrower.mode')}>
              {(a) => (
                <select {...a} value={scope.mode} disabled={r.mode === 'view'} onChange={(e) => setS('mode', e.currentTarget.value as ScopeForm['mode'])}>
                  {ACCESS_MODES.filter((m) => r.mode === 'download' || m === 'view').map((m) => (
                    <option key={m} value={m}>
                      {accessModeName(m)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field id="dr-n-days" label={t('sharing.accessDays')} error={fe('narrower.access_days')} hint={t('sharing.atMostDays', { n: r.access_days })}>
              {(a) => <input {...a} inputMode="numeric" value={scope.accessDays} onInput={(e) => setS('accessDays', e.currentTarget.value)} />}
            </Field>
          </div>
        </fieldset>
      ) : null}
      <Field id="dr-reasons" label={t('sharing.reasons')} required error={fe('reasons')}>
        {(a) => <textarea {...a} rows={3} value={reasons} onInput={(e) => setReasons(e.currentTarget.value)} />}
      </Field>
      <FormButtons busy={busy} label={t('sharing.decideSubmit')} onCancel={onCancel} />
    </form>
  );
}
