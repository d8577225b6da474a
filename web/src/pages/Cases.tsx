// Cases with signs of a violation (vụ việc có dấu hiệu vi phạm): the live list with its filters, and
// the report form (Art. 8, Art. 16.4) that saves a draft or sends the report.
import { useCallback, useMemo, useState } from 'preact/hooks';
import {
  allPages,
  ApiError,
  SEVERITIES,
  CASE_STATUSES,
  CASE_SUBJECTS,
  casesApi,
  IDENTIFIER_KINDS,
  MAX_PAGE,
  SUPERVISION_METHODS,
  type Case,
  type Task,
} from '../api';
import { severityName } from '../alerts';
import {
  applyCaseEvent,
  badFilterDates,
  caseForm,
  caseMatches,
  casePayload,
  caseQuery,
  caseStatusName,
  clauseName,
  emptyCamera,
  identifierKindName,
  isCase,
  methodName,
  NO_CASE_FILTERS,
  requiredBySubject,
  sortCases,
  subjectName,
  takeCaseDraft,
  unitNameIn,
  unitTimeZone,
  type CaseFilters,
  type CaseForm,
} from '../cases';
import { formatDateTime } from '../format';
import { pick, t } from '../i18n';
import { useAction, useCustomsUnits, useLoad, usePagedList } from '../hooks';
import { DayRangeFields, FilterButtons, ListPage } from '../listpage';
import { useLiveConnected, useLiveTopic, type LiveEvent } from '../live';
import { navigate } from '../router';
import { useApp } from '../session';
import { buildTree, flatten, subtreeIds } from '../tree';
import { ChoiceFilter, Field, fieldError, Loading, ProblemBox, unclaimedFieldErrors, unitOptions } from '../ui';

export function CaseStatusBadge({ status }: { status: string }) {
  return <span class={`badge case-status cs-${status}`}>{caseStatusName(status)}</span>;
}

export function SeverityBadge({ severity }: { severity: string }) {
  return (
    <span class={`badge severity sev-${severity}`} title={t('alerts.severity')}>
      {severityName(severity)}
    </span>
  );
}

export function CasesPage() {
  const units = useCustomsUnits();
  const [draft, setDraft] = useState<CaseFilters>(NO_CASE_FILTERS);
  const [applied, setApplied] = useState<CaseFilters>(NO_CASE_FILTERS);
  const [dateErrors, setDateErrors] = useState<{ from?: string; to?: string }>({});
  const [total, setTotal] = useState<number | null>(null);
  const connected = useLiveConnected();
  const list = usePagedList(
    async (cursor, signal) => {
      const page = await casesApi.cases(caseQuery(applied), cursor, signal);
      if (!signal.aborted) setTotal(page.total ?? null);
      return page;
    },
    [applied],
    { live: true, order: sortCases },
  );

  const ordered = useMemo(() => flatten(buildTree(units)), [units]);
  const scope = useMemo(() => (applied.unit ? subtreeIds(buildTree(units), Number(applied.unit)) : null), [units, applied.unit]);

  // Live: a case reported, acknowledged or closed anywhere the user may see comes in as it is.
  const { setItems, reload, hasMore } = list;
  const onChanged = useCallback(
    (e: LiveEvent) => {
      const c = e.payload;
      if (!isCase(c)) return;
      if (applied.unit && !scope?.size) {
        reload(); // which units are below the filter is not known yet: ask the server
        return;
      }
      setItems((prev) => {
        // A new case comes on the first page (the server's newest first); an old one not shown waits for its page.
        if (hasMore && prev.length && c.id < Math.min(...prev.map((x) => x.id)) && !prev.some((x) => x.id === c.id)) return prev;
        const items = applyCaseEvent(prev, c, (x) => caseMatches(x, applied, (id) => !!scope?.has(id)));
        if (items !== prev) setTotal((n) => (n === null ? n : Math.max(0, n + items.length - prev.length)));
        return items;
      });
    },
    [applied, scope, reload, setItems, hasMore],
  );
  useLiveTopic('case.changed', onChanged);

  const setF = (k: keyof CaseFilters, v: string) => setDraft((d) => ({ ...d, [k]: v }));
  const unitName = (c: Case) => {
    const u = units.find((x) => x.id === c.unit_id);
    return u ? pick(u.name_vi, u.name_en) : unitNameIn(c);
  };

  return (
    <ListPage
      class="cases"
      title={t('cases.title')}
      actions={
        <>
          <span class={`live-state ${connected ? 'on' : 'off'}`} role="status" data-testid="live-state">
            {connected ? t('duty.live') : t('cases.polling')}
          </span>
          <a class="btn btn-primary push-right" href="#/cases/new">
            {t('cases.report')}
          </a>
        </>
      }
      onFilter={() => {
        const bad = badFilterDates(draft);
        const errs = { from: bad.from ? t('audit.badDate') : undefined, to: bad.to ? t('audit.badDate') : undefined };
        setDateErrors(errs);
        if (errs.from || errs.to) return;
        setApplied({ ...draft });
      }}
      filters={
        <>
          <ChoiceFilter id="cf-unit" label={t('duty.unit')} value={draft.unit} onChange={(v) => setF('unit', v)}>
            {unitOptions(ordered)}
          </ChoiceFilter>
          <ChoiceFilter
            id="cf-method"
            label={t('cases.method')}
            value={draft.method}
            values={SUPERVISION_METHODS}
            name={methodName}
            onChange={(v) => setF('method', v)}
          />
          <ChoiceFilter
            id="cf-status"
            label={t('cases.status')}
            value={draft.status}
            values={CASE_STATUSES}
            name={caseStatusName}
            onChange={(v) => setF('status', v)}
          />
          <ChoiceFilter
            id="cf-severity"
            label={t('alerts.severity')}
            value={draft.severity}
            values={SEVERITIES}
            name={severityName}
            onChange={(v) => setF('severity', v)}
          />
          <DayRangeFields idPrefix="cf" from={draft.from} to={draft.to} errors={dateErrors} onChange={setF} />
          <div class="field">
            <label for="cf-q">{t('cases.search')}</label>
            <input id="cf-q" placeholder={t('cases.searchPlaceholder')} value={draft.q} onInput={(e) => setF('q', e.currentTarget.value)} />
          </div>
          <FilterButtons
            onReset={() => {
              setDraft(NO_CASE_FILTERS);
              setDateErrors({});
              setApplied(NO_CASE_FILTERS);
            }}
          />
        </>
      }
      list={list}
      empty={t('cases.empty')}
      testId="case-list"
      rowProps={(c) => ({ 'data-case-id': c.id, class: `sev-${c.severity}` })}
      columns={[
        {
          head: t('cases.number'),
          cell: (c) => (
            <a href={`#/cases/${c.id}`} class="case-number">
              {c.number}
            </a>
          ),
        },
        { head: t('cases.observedAt'), cell: (c) => formatDateTime(c.observed_at, { timeZone: unitTimeZone(units, c.unit_id) }) },
        { head: t('duty.unit'), cell: unitName },
        {
          head: t('cases.subject'),
          cell: (c) => (
            <>
              {subjectName(c.subject)}
              {c.site ? <div class="muted small">{c.site}</div> : null}
            </>
          ),
        },
        { head: t('alerts.severity'), cell: (c) => <SeverityBadge severity={c.severity} /> },
        { head: t('cases.status'), cell: (c) => <CaseStatusBadge status={c.status} /> },
        { head: t('cases.clause'), cell: (c) => clauseName(c.routing) || <span class="muted">—</span> },
      ]}
      footer={(items) => <span class="muted small">{t('cases.shown', { n: items.length, total: total ?? items.length })}</span>}
    />
  );
}

// ---- the report form ----------------------------------------------------------------------------

/** Field errors of `prefix` and everything under it ("identifiers.containers[0]" under "identifiers.containers"). */
function errorsUnder(error: unknown, prefix: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const msgs = Object.entries(error.fieldErrors())
    .filter(([f]) => f === prefix || f.startsWith(`${prefix}.`) || f.startsWith(`${prefix}[`))
    .map(([, m]) => m);
  return msgs.length ? msgs.join('\n') : undefined;
}

const CLAIMED = [
  'unit_id',
  'task_id',
  'method',
  'observed_at',
  'site',
  'site_unit_id',
  'subject',
  'severity',
  'description',
  'suspected_violation',
  'immediate_measure',
];

/** New case (`existing` null) or a draft being completed (#/cases/{id}/edit). */
export function CaseFormPage({ caseId }: { caseId: number | null }) {
  const load = useLoad((signal) => (caseId ? casesApi.case(caseId, signal) : Promise.resolve(null)), [caseId]);
  if (caseId && !load.data) return load.error ? <ProblemBox error={load.error} /> : <Loading />;
  // A case read through a grant of case data is read-only: its page shows what is shared.
  if (load.data?.shared)
    return (
      <p class="alert alert-warn">
        {t('cases.sharedReadOnly')} <a href={`#/cases/${load.data.id}`}>{t('cases.detailTitle', { number: load.data.number })}</a>
      </p>
    );
  return <CaseFormView existing={load.data} />;
}

function CaseFormView({ existing }: { existing: Case | null }) {
  const { user } = useApp();
  const units = useCustomsUnits();
  // Opened from a live tile ("report a case from here"): the camera, its window and a snapshot filled in.
  const [form, setForm] = useState<CaseForm>(() => ({ ...caseForm(existing, user.unit_id), ...(existing ? {} : takeCaseDraft()) }));
  const [draftId, setDraftId] = useState<number | null>(existing?.id ?? null);
  const [local, setLocal] = useState<Record<string, string>>({});
  const action = useAction();
  const { busy, error } = action;
  const [savedNotice, setSavedNotice] = useState<string | null>(null);
  const [sentRows, setSentRows] = useState<number[]>([]);
  const ordered = useMemo(() => flatten(buildTree(units)), [units]);
  const tz = unitTimeZone(units, Number(form.unit));

  // Every active task the user may see: a task is often given at a department and carried out by
  // officers of its divisions and branches, so the detecting unit's own tasks are not enough.
  const tasks =
    useLoad(
      (signal) => allPages((cursor) => casesApi.tasks({ status: 'active', limit: MAX_PAGE }, cursor, signal)).catch(() => [] as Task[]),
      [],
    ).data ?? [];

  const set = <K extends keyof CaseForm>(k: K, v: CaseForm[K]) => setForm((f) => ({ ...f, [k]: v }));
  const setCamera = (i: number, patch: Partial<CaseForm['cameras'][number]>) =>
    setForm((f) => ({ ...f, cameras: f.cameras.map((c, j) => (j === i ? { ...c, ...patch } : c)) }));
  const task = tasks.find((x) => String(x.id) === form.task) ?? null;
  const required = requiredBySubject(form.subject);
  const art8 = required.length > 0;

  const save = async (report: boolean) => {
    const { body, errors, cameraRows } = casePayload(form, tz);
    setLocal(errors);
    setSentRows(cameraRows);
    setSavedNotice(null);
    if (Object.keys(errors).length) return;
    // A draft being completed: clear what was emptied.
    if (draftId) {
      if (!form.task) body.task_id = null;
      if (!form.site_unit) body.site_unit_id = null;
    }
    await action.run(
      async () => {
        let saved: Case | null = null;
        try {
          if (draftId) {
            saved = await casesApi.updateCase(draftId, body);
            if (report) saved = await casesApi.reportCase(saved.id);
          } else {
            // A new case is created and reported in one step: a refused report leaves no draft behind.
            saved = await casesApi.createCase(report ? { ...body, report: true } : body);
            setDraftId(saved.id);
          }
        } catch (err) {
          if (saved && report) setSavedNotice(t('cases.savedNotReported', { number: saved.number }));
          throw err;
        }
        navigate({ page: 'case', caseId: saved.id, edit: false });
      },
      report ? 'report' : 'draft',
    );
  };

  const fe = (f: string) => local[f] ?? fieldError(error, f);
  /** The errors of form row i, found under the index it was sent with. */
  const cameraError = (i: number) => {
    const j = sentRows.indexOf(i);
    if (j < 0) return undefined;
    const msgs = [local[`cameras[${j}].from`], local[`cameras[${j}].to`], errorsUnder(error, `cameras[${j}]`)].filter(Boolean);
    return msgs.length ? msgs.join('\n') : undefined;
  };
  const claimed = [...CLAIMED];
  for (const k of IDENTIFIER_KINDS) claimed.push(`identifiers.${k}`);
  const unclaimed = unclaimedFieldErrors(error, claimed).filter(
    (m) => !m.startsWith('cameras[') && !m.startsWith('identifiers.'),
  );

  return (
    <section class="case-report">
      <div class="page-head">
        <h1>{existing ? t('cases.editDraft', { number: existing.number }) : t('cases.reportTitle')}</h1>
      </div>
      <form
        class="form panel"
        noValidate
        aria-label={t('cases.reportTitle')}
        onSubmit={(e) => {
          e.preventDefault();
          void save(true);
        }}
      >
        <p class="hint">{t('cases.reportHint')}</p>
        <ProblemBox error={error} extra={unclaimed} />
        {savedNotice ? <p class="alert alert-warn">{savedNotice}</p> : null}
        <div class="grid2">
          <Field id="cr-unit" label={t('cases.unit')} error={fe('unit_id')}>
            {(a) => (
              <select {...a} value={form.unit} onChange={(e) => set('unit', e.currentTarget.value)}>
                {ordered.every((n) => String(n.unit.id) !== form.unit) ? (
                  <option value={form.unit}>{t('org.unknownUnit', { id: form.unit })}</option>
                ) : null}
                {unitOptions(ordered)}
              </select>
            )}
          </Field>
          <Field id="cr-task" label={t('cases.task')} error={fe('task_id')} hint={t('cases.taskHint')}>
            {(a) => (
              <select {...a} value={form.task} onChange={(e) => set('task', e.currentTarget.value)}>
                <option value="">{t('cases.noTask')}</option>
                {tasks.map((x) => (
                  <option key={x.id} value={String(x.id)}>
                    {x.title} — {methodName(x.method)} ({unitNameIn(x)})
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="cr-method" label={t('cases.method')} error={fe('method')}>
            {(a) => (
              <select {...a} value={task ? task.method : form.method} disabled={!!task} onChange={(e) => set('method', e.currentTarget.value)}>
                {SUPERVISION_METHODS.map((m) => (
                  <option key={m} value={m}>
                    {methodName(m)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="cr-observed" label={t('cases.observedAt')} error={fe('observed_at')} hint={t('cases.tzHint', { tz })}>
            {(a) => <input {...a} type="datetime-local" value={form.observed_at} onInput={(e) => set('observed_at', e.currentTarget.value)} />}
          </Field>
          <Field id="cr-site" label={t('cases.site')} error={fe('site')}>
            {(a) => <input {...a} value={form.site} onInput={(e) => set('site', e.currentTarget.value)} />}
          </Field>
          <Field
            id="cr-site-unit"
            label={t('cases.siteUnit')}
            error={fe('site_unit_id')}
            hint={t('cases.siteUnitHint')}
            required={required.includes('site_unit_id')}
          >
            {(a) => (
              <select {...a} value={form.site_unit} onChange={(e) => set('site_unit', e.currentTarget.value)}>
                <option value="">{t('common.none')}</option>
                {unitOptions(ordered)}
              </select>
            )}
          </Field>
          <Field id="cr-subject" label={t('cases.subject')} error={fe('subject')} hint={art8 ? t('cases.baggageHint') : undefined}>
            {(a) => (
              <select {...a} value={form.subject} onChange={(e) => set('subject', e.currentTarget.value)}>
                {CASE_SUBJECTS.map((s) => (
                  <option key={s} value={s}>
                    {subjectName(s)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="cr-severity" label={t('alerts.severity')} error={fe('severity')}>
            {(a) => (
              <select {...a} value={form.severity} onChange={(e) => set('severity', e.currentTarget.value)}>
                {SEVERITIES.map((s) => (
                  <option key={s} value={s}>
                    {severityName(s)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>

        <fieldset>
          <legend>{t('cases.cameras')}</legend>
          {form.cameras.length === 0 ? <p class="muted small">{t('cases.noCameras')}</p> : null}
          {form.cameras.map((c, i) => (
            <div class="role-row" key={i} data-testid={`camera-row-${i}`}>
              <label for={`cr-cam-${i}`}>{t('cases.camera')}</label>
              <input id={`cr-cam-${i}`} value={c.camera} onInput={(e) => setCamera(i, { camera: e.currentTarget.value })} />
              <label for={`cr-cam-from-${i}`}>{t('cases.windowFrom')}</label>
              <input
                id={`cr-cam-from-${i}`}
                type="datetime-local"
                value={c.from}
                onInput={(e) => setCamera(i, { from: e.currentTarget.value })}
              />
              <label for={`cr-cam-to-${i}`}>{t('cases.windowTo')}</label>
              <input id={`cr-cam-to-${i}`} type="datetime-local" value={c.to} onInput={(e) => setCamera(i, { to: e.currentTarget.value })} />
              <button
                type="button"
                class="btn btn-small"
                onClick={() => setForm((f) => ({ ...f, cameras: f.cameras.filter((_, j) => j !== i) }))}
              >
                {t('cases.removeRow')}
              </button>
              {cameraError(i) ? <div class="field-error">{cameraError(i)}</div> : null}
            </div>
          ))}
          <button type="button" class="btn btn-small" onClick={() => setForm((f) => ({ ...f, cameras: [...f.cameras, emptyCamera()] }))}>
            {t('cases.addCamera')}
          </button>
        </fieldset>

        <Field id="cr-description" label={t('cases.description')} error={fe('description')}>
          {(a) => <textarea {...a} rows={3} value={form.description} onInput={(e) => set('description', e.currentTarget.value)} />}
        </Field>
        <Field id="cr-violation" label={t('cases.suspectedViolation')} error={fe('suspected_violation')}>
          {(a) => (
            <textarea {...a} rows={2} value={form.suspected_violation} onInput={(e) => set('suspected_violation', e.currentTarget.value)} />
          )}
        </Field>

        <fieldset>
          <legend>{t('cases.identifiers')}</legend>
          <p class="hint">{t('cases.identifiersHint')}</p>
          <div class="grid2">
            {IDENTIFIER_KINDS.map((k) => (
              <Field
                key={k}
                id={`cr-id-${k}`}
                label={identifierKindName(k)}
                error={errorsUnder(error, `identifiers.${k}`)}
                required={required.includes(`identifiers.${k}`)}
              >
                {(a) => (
                  <input
                    {...a}
                    value={form.identifiers[k]}
                    onInput={(e) => {
                      const v = e.currentTarget.value;
                      setForm((f) => ({ ...f, identifiers: { ...f.identifiers, [k]: v } }));
                    }}
                  />
                )}
              </Field>
            ))}
          </div>
        </fieldset>

        <Field
          id="cr-measure"
          label={t('cases.immediateMeasure')}
          error={fe('immediate_measure')}
          hint={t('cases.immediateMeasureHint')}
          required={required.includes('immediate_measure')}
        >
          {(a) => <textarea {...a} rows={2} value={form.immediate_measure} onInput={(e) => set('immediate_measure', e.currentTarget.value)} />}
        </Field>

        <div class="toolbar">
          <button type="submit" class="btn btn-primary" disabled={!!busy}>
            {busy === 'report' ? t('cases.reporting') : t('cases.send')}
          </button>
          <button type="button" class="btn" disabled={!!busy} onClick={() => void save(false)}>
            {busy === 'draft' ? t('common.saving') : t('cases.saveDraft')}
          </button>
          <button
            type="button"
            class="btn"
            onClick={() => navigate(draftId ? { page: 'case', caseId: draftId, edit: false } : { page: 'cases' })}
          >
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}
