// Data requests (yêu cầu khai thác dữ liệu, Art. 16.3): those the user or their unit filed, those
// waiting for the user's decision (as focal point or decider) and, for the leadership and auditors,
// all they may see; and the form that files one, for outside agencies too.
import { useMemo, useState } from 'preact/hooks';
import { ACCESS_MODES, DATA_REQUEST_STATUSES, DATA_TYPES, sharingApi, type DataRequest, type DataRequestView } from '../api';
import { unitNameIn, unitTimeZone } from '../cases';
import { formatDateTime } from '../format';
import { useAction, useLoad, usePagedList, useUnits } from '../hooks';
import { t } from '../i18n';
import { ListPage, type Column } from '../listpage';
import { navigate } from '../router';
import { canFileRequest, hasRole, useApp } from '../session';
import { accessModeName, camerasOptional, emptyRequestForm, inOrder, needsRange, requestPayload, requestStatusName, type RequestForm } from '../sharing';
import { ChoiceFilter, Field, fieldError, FormButtons, Loading, ProblemBox, unclaimedFieldErrors } from '../ui';
import { CameraPicker, camerasText, DataTypeChecks, dataTypesText, RequestStatusBadge } from './SharingParts';

export type RequestTab = DataRequestView;

/** Who sees every request of their scope: the leadership, admin and auditors. */
export const canSeeAllRequests = (u: Parameters<typeof hasRole>[0]) => hasRole(u, 'admin', 'auditor', 'hq_leader', 'unit_leader');

export function DataRequestsPage({ tab }: { tab: RequestTab }) {
  const { user } = useApp();
  const [status, setStatus] = useState('');
  const list = usePagedList((cursor, signal) => sharingApi.requests({ view: tab, status: status || undefined }, cursor, signal), [tab, status], { live: true });
  // The count on "Chờ tôi xử lý", whichever tab is open.
  const waiting = usePagedList((cursor, signal) => sharingApi.requests({ view: 'to_decide' }, cursor, signal), [], { live: true });
  const tabs: RequestTab[] = canSeeAllRequests(user) ? ['mine', 'to_decide', 'all'] : ['mine', 'to_decide'];
  const waitingCount = waiting.items ? `${waiting.items.length}${waiting.hasMore ? '+' : ''}` : null;

  const columns: Column<DataRequest>[] = [
    { head: t('sharing.number'), cell: (r) => <a href={`#/data-requests/${r.id}`}>{r.number}</a> },
    { head: t('cases.status'), cell: (r) => <RequestStatusBadge status={r.status} /> },
    {
      head: t('sharing.requester'),
      cell: (r) => (
        <>
          {r.requester_name}
          <div class="muted small">{unitNameIn(r, 'requester_')}</div>
        </>
      ),
    },
    { head: t('sharing.purpose'), cell: (r) => <span class="pre">{r.purpose}</span> },
    { head: t('sharing.dataTypes'), cell: (r) => dataTypesText(r.data_types) },
    { head: t('sharing.cameras'), cell: (r) => camerasText(r.cameras) },
    { head: t('sharing.mode'), cell: (r) => accessModeName(r.mode) },
    { head: t('sharing.createdAt'), cell: (r) => formatDateTime(r.created_at) },
  ];

  return (
    <ListPage
      class="data-requests"
      title={t('sharing.title')}
      actions={
        canFileRequest(user) ? (
          <a class="btn btn-primary push-right" href="#/data-requests/new">
            {t('sharing.new')}
          </a>
        ) : null
      }
      top={
        <nav class="tabs" aria-label={t('sharing.title')}>
          {tabs.map((k) => (
            <a key={k} class="btn" href={k === 'mine' ? '#/data-requests' : `#/data-requests/${k}`} aria-current={k === tab ? 'page' : undefined} data-tab={k}>
              {t(`sharing.tab.${k}`)}
              {k === 'to_decide' && waitingCount ? (
                <span class="badge nav-count" data-testid="to-decide-count">
                  {waitingCount}
                </span>
              ) : null}
            </a>
          ))}
        </nav>
      }
      filters={<ChoiceFilter id="dr-status" label={t('cases.status')} value={status} values={DATA_REQUEST_STATUSES} name={(s) => requestStatusName(s)} onChange={setStatus} />}
      list={list}
      empty={t(tab === 'to_decide' ? 'sharing.emptyToDecide' : 'sharing.empty')}
      columns={columns}
      rowProps={(r) => ({ 'data-request-id': r.id })}
      testId="data-requests"
    />
  );
}

// ---- filing a request ------------------------------------------------------------------------------

export function DataRequestFormPage() {
  const { user } = useApp();
  const units = useUnits();
  const tz = unitTimeZone(units, user.unit_id);
  const catalogue = useLoad((signal) => sharingApi.catalogue(signal), []);
  const [form, setForm] = useState<RequestForm>(emptyRequestForm);
  const [local, setLocal] = useState<Record<string, string>>({});
  const save = useAction();
  const busy = !!save.busy;
  const { error } = save;
  const set = <K extends keyof RequestForm>(k: K, v: RequestForm[K]) => setForm((f) => ({ ...f, [k]: v }));
  const types = inOrder(DATA_TYPES, form.dataTypes);
  const ranged = needsRange(types);
  const sites = useMemo(() => catalogue.data ?? [], [catalogue.data]);

  const submit = async (e: Event) => {
    e.preventDefault();
    const p = requestPayload(form, tz);
    setLocal(p.errors);
    if (Object.keys(p.errors).length) return;
    await save.run(async () => {
      const created = await sharingApi.createRequest(p.body);
      navigate({ page: 'data-request', id: created.id });
    });
  };
  const fe = (f: string) => local[f] ?? fieldError(error, f);
  const claimed = ['purpose', 'reference', 'case_number', 'data_types', 'camera_ids', 'from', 'to', 'mode', 'access_days'];

  return (
    <section class="data-request-form">
      <div class="page-head">
        <h1>{t('sharing.new')}</h1>
        <a class="btn push-right" href="#/data-requests">
          {t('sharing.backToList')}
        </a>
      </div>
      <p class="hint">{t('sharing.formIntro')}</p>
      <form class="form" noValidate onSubmit={submit} aria-label={t('sharing.new')}>
        <ProblemBox error={error} extra={unclaimedFieldErrors(error, claimed)} />
        <Field id="dr-purpose" label={t('sharing.purpose')} required error={fe('purpose')}>
          {(a) => <textarea {...a} rows={3} value={form.purpose} onInput={(e) => set('purpose', e.currentTarget.value)} />}
        </Field>
        <div class="grid2">
          <Field id="dr-reference" label={t('sharing.reference')} hint={t('sharing.referenceHint')} error={fe('reference')}>
            {(a) => <input {...a} value={form.reference} onInput={(e) => set('reference', e.currentTarget.value)} />}
          </Field>
          <Field id="dr-case" label={t('sharing.caseNumber')} hint={t('sharing.caseNumberHint')} error={fe('case_number')}>
            {(a) => <input {...a} value={form.caseNumber} onInput={(e) => set('caseNumber', e.currentTarget.value)} />}
          </Field>
        </div>
        <DataTypeChecks id="dr-types" legend={t('sharing.dataTypes')} value={form.dataTypes} error={fe('data_types')} onChange={(v) => set('dataTypes', v)} />
        {catalogue.error ? <ProblemBox error={catalogue.error} /> : !catalogue.data ? <Loading /> : null}
        <CameraPicker
          id="dr-cameras"
          legend={t('sharing.cameras')}
          hint={camerasOptional(types) ? t('sharing.camerasOptional') : undefined}
          sites={sites}
          value={form.cameras}
          error={fe('camera_ids')}
          onChange={(v) => set('cameras', v)}
        />
        {ranged ? (
          <div class="grid2">
            <Field id="dr-from" label={t('hold.from')} required error={fe('from')} hint={t('cases.tzHint', { tz })}>
              {(a) => <input {...a} type="datetime-local" value={form.from} onInput={(e) => set('from', e.currentTarget.value)} />}
            </Field>
            <Field id="dr-to" label={t('hold.to')} required error={fe('to')}>
              {(a) => <input {...a} type="datetime-local" value={form.to} onInput={(e) => set('to', e.currentTarget.value)} />}
            </Field>
          </div>
        ) : null}
        <div class="grid2">
          <Field id="dr-mode" label={t('sharing.mode')} error={fe('mode')}>
            {(a) => (
              <select {...a} value={form.mode} onChange={(e) => set('mode', e.currentTarget.value as RequestForm['mode'])}>
                {ACCESS_MODES.map((m) => (
                  <option key={m} value={m}>
                    {accessModeName(m)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="dr-days" label={t('sharing.accessDays')} required hint={t('sharing.accessDaysHint')} error={fe('access_days')}>
            {(a) => <input {...a} inputMode="numeric" value={form.accessDays} onInput={(e) => set('accessDays', e.currentTarget.value)} />}
          </Field>
        </div>
        <FormButtons busy={busy} label={t('sharing.submit')} onCancel={() => navigate({ page: 'data-requests', tab: 'mine' })} />
      </form>
    </section>
  );
}
