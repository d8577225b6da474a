// Coordination requests (đề nghị phối hợp, Appendix V): those the user's unit received, to
// acknowledge and answer, and those it sent; overdue ones stand out; each prints as the form.
import { useCallback, useRef, useState } from 'preact/hooks';
import { casesApi, type CoordinationRequest, type Unit } from '../api';
import { coordinationStatusName, isOverdue, unitNameIn, unitTimeZone, upsertCoordination } from '../cases';
import { formatDateTime } from '../format';
import { useAction, useLoad, usePagedList, useUnits } from '../hooks';
import { t } from '../i18n';
import { ListPage } from '../listpage';
import { useLiveTopic, type LiveEvent } from '../live';
import { Field, fieldError, FormButtons, Loading, Notice, ProblemBox, unclaimedFieldErrors } from '../ui';

type Tab = 'incoming' | 'outgoing';

export function CoordinationPage({ tab, id }: { tab: Tab; id: number | null }) {
  const units = useUnits();
  const incoming = usePagedList((cursor, signal) => casesApi.coordination({ direction: 'incoming' }, cursor, signal), [], { live: true });
  const outgoing = usePagedList((cursor, signal) => casesApi.coordination({ direction: 'outgoing' }, cursor, signal), [], { live: true });
  const lists = { incoming, outgoing };

  const update = (r: CoordinationRequest) => {
    incoming.setItems((prev) => upsertCoordination(prev, r, false));
    outgoing.setItems((prev) => upsertCoordination(prev, r, false));
  };
  const onChanged = (e: LiveEvent) => {
    const r = e.payload as unknown as CoordinationRequest;
    if (!r || typeof r.id !== 'number') return;
    const known = [...(incoming.items ?? []), ...(outgoing.items ?? [])].some((x) => x.id === r.id);
    if (known) return update(r);
    // A new request: which side the user is on is the server's to say.
    incoming.reload();
    outgoing.reload();
  };
  const onChangedRef = useRef(onChanged);
  onChangedRef.current = onChanged;
  useLiveTopic(
    'coordination.changed',
    useCallback((e: LiveEvent) => onChangedRef.current(e), []),
  );

  const list = lists[tab];
  const incomingIds = new Set((incoming.items ?? []).map((r) => r.id));
  const count = (k: Tab) => (lists[k].items ? ` (${lists[k].items!.length}${lists[k].hasMore ? '+' : ''})` : '');

  return (
    <ListPage
      class="coordination"
      title={t('coordination.title')}
      top={
        <nav class="tabs" aria-label={t('coordination.title')}>
          {(['incoming', 'outgoing'] as const).map((k) => (
            <a key={k} class="btn" href={`#/coordination/${k}`} aria-current={k === tab ? 'page' : undefined}>
              {t(k === 'incoming' ? 'coordination.incoming' : 'coordination.outgoing')}
              {count(k)}
            </a>
          ))}
        </nav>
      }
      list={{ ...list, error: incoming.error ?? outgoing.error }}
      empty={t('coordination.empty')}
      view={(items) => (
        <CoordinationTable
          list={items}
          tab={tab}
          tzOf={(r) => unitTimeZone(units, tab === 'incoming' ? r.to_unit_id : r.from_unit_id)}
          showCase
          selectedId={id}
          testId={`coordination-${tab}`}
        />
      )}
    >
      {id ? <CoordinationDetail key={id} id={id} units={units} incoming={incomingIds.has(id)} onChanged={update} /> : null}
    </ListPage>
  );
}

/**
 * Coordination requests as a table, each row linking to the request under `tab` and to its printed
 * form; `showCase` adds the case column (the page lists them all, a case's panel only its own).
 */
export function CoordinationTable({
  list,
  tab,
  tzOf,
  showCase,
  selectedId,
  testId,
}: {
  list: CoordinationRequest[];
  tab: Tab;
  tzOf: (r: CoordinationRequest) => string;
  showCase?: boolean;
  selectedId?: number | null;
  testId?: string;
}) {
  return (
    <div class="table-wrap">
      <table class="grid" data-testid={testId}>
        <thead>
          <tr>
            <th scope="col">{t('coordination.number')}</th>
            {showCase ? <th scope="col">{t('coordination.case')}</th> : null}
            <th scope="col">{t('coordination.from')}</th>
            <th scope="col">{t('coordination.to')}</th>
            <th scope="col">{t('coordination.content')}</th>
            <th scope="col">{t('coordination.deadline')}</th>
            <th scope="col">{t('cases.status')}</th>
            <th scope="col">
              <span class="sr-only">{t('coordination.form')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {list.map((r) => (
            <CoordinationRow key={r.id} r={r} tz={tzOf(r)} tab={tab} showCase={showCase} selected={r.id === selectedId} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function CoordinationRow({
  r,
  tz,
  tab,
  showCase,
  selected,
}: {
  r: CoordinationRequest;
  tz: string;
  tab: Tab;
  showCase?: boolean;
  selected?: boolean;
}) {
  const overdue = isOverdue(r);
  return (
    <tr class={`${overdue ? 'overdue' : ''}${selected ? ' selected' : ''}`} data-coordination-id={r.id}>
      <td>
        <a href={`#/coordination/${tab}/${r.id}`} aria-current={selected ? 'true' : undefined}>
          {r.number}
        </a>
      </td>
      {showCase ? (
        <td>
          <a href={`#/cases/${r.case_id}`}>{r.case_number}</a>
        </td>
      ) : null}
      <td>{unitNameIn(r, 'from_')}</td>
      <td>{unitNameIn(r, 'to_')}</td>
      <td class="pre">{r.content}</td>
      <td>
        {formatDateTime(r.deadline, { timeZone: tz })}
        {overdue ? <span class="badge overdue-mark">{t('coordination.overdue')}</span> : null}
      </td>
      <td>
        <span class={`badge coordination-status co-${r.status}`}>{coordinationStatusName(r.status)}</span>
      </td>
      <td>
        <a class="btn btn-small" href={casesApi.coordinationFormUrl(r.id)} target="_blank" rel="noopener">
          {t('coordination.form')}
        </a>
      </td>
    </tr>
  );
}

function CoordinationDetail({
  id,
  units,
  incoming,
  onChanged,
}: {
  id: number;
  units: Unit[];
  incoming: boolean;
  onChanged: (r: CoordinationRequest) => void;
}) {
  const load = useLoad((signal) => casesApi.coordinationRequest(id, signal), [id]);
  const r = load.data;
  const action = useAction();
  const [result, setResult] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const { setData } = load;
  const onLive = useCallback(
    (e: LiveEvent) => {
      if (e.payload.id === id) setData(() => e.payload as unknown as CoordinationRequest);
    },
    [id, setData],
  );
  useLiveTopic('coordination.changed', onLive);

  if (!r) return load.error ? <ProblemBox error={load.error} /> : <Loading />;

  const tz = unitTimeZone(units, r.to_unit_id);
  const overdue = isOverdue(r);
  const run = (fn: () => Promise<CoordinationRequest>, msg: string) =>
    action.run(async () => {
      const after = await fn();
      setData(() => after);
      onChanged(after);
      setNotice(msg);
      setResult('');
    });
  const actionError = action.error;
  const busy = !!action.busy;

  return (
    <article class={`panel coordination-detail${overdue ? ' overdue' : ''}`} aria-labelledby="co-detail-h" data-testid="coordination-detail">
      <h2 id="co-detail-h">
        {t('coordination.detail', { number: r.number })}{' '}
        <span class={`badge coordination-status co-${r.status}`}>{coordinationStatusName(r.status)}</span>
        {overdue ? <span class="badge overdue-mark">{t('coordination.overdue')}</span> : null}
      </h2>
      {notice ? <Notice>{notice}</Notice> : null}
      <dl class="props">
        <dt>{t('coordination.case')}</dt>
        <dd>
          <a href={`#/cases/${r.case_id}`}>{r.case_number}</a>
        </dd>
        <dt>{t('coordination.from')}</dt>
        <dd>{unitNameIn(r, 'from_')}</dd>
        <dt>{t('coordination.to')}</dt>
        <dd>{unitNameIn(r, 'to_')}</dd>
        <dt>{t('coordination.content')}</dt>
        <dd class="pre">{r.content}</dd>
        <dt>{t('coordination.requestedAction')}</dt>
        <dd class="pre">{r.requested_action}</dd>
        <dt>{t('coordination.deadline')}</dt>
        <dd class={overdue ? 'overdue-text' : ''}>{formatDateTime(r.deadline, { timeZone: tz })}</dd>
        <dt>{t('coordination.contacts')}</dt>
        <dd class="pre">{r.contacts}</dd>
        <dt>{t('coordination.sentBy')}</dt>
        <dd>{t('cases.byAt', { name: r.created_by_name, time: formatDateTime(r.created_at, { timeZone: tz }) })}</dd>
        {r.acknowledged_at ? (
          <>
            <dt>{t('cases.acknowledgedBy')}</dt>
            <dd>{t('cases.byAt', { name: r.acknowledged_by_name ?? '', time: formatDateTime(r.acknowledged_at, { timeZone: tz }) })}</dd>
          </>
        ) : null}
        {r.responded_at ? (
          <>
            <dt>{t('coordination.result')}</dt>
            <dd>
              <div class="pre">{r.result}</div>
              <div class="muted small">
                {t('cases.byAt', { name: r.responded_by_name ?? '', time: formatDateTime(r.responded_at, { timeZone: tz }) })}
              </div>
            </dd>
          </>
        ) : null}
      </dl>
      <ProblemBox error={actionError} extra={unclaimedFieldErrors(actionError, ['result'])} />
      <div class="toolbar">
        <a class="btn" href={casesApi.coordinationFormUrl(r.id)} target="_blank" rel="noopener">
          {t('coordination.form')}
        </a>
        {incoming && r.status === 'sent' ? (
          <button
            type="button"
            class="btn btn-primary"
            disabled={busy}
            onClick={() => run(() => casesApi.acknowledgeCoordination(r.id), t('coordination.acknowledgedDone'))}
          >
            {t('cases.acknowledge')}
          </button>
        ) : null}
      </div>
      {incoming && r.status !== 'answered' ? (
        <form
          class="form"
          noValidate
          aria-label={t('coordination.respond')}
          onSubmit={(e) => {
            e.preventDefault();
            run(() => casesApi.respondCoordination(r.id, result.trim()), t('coordination.answeredDone'));
          }}
        >
          <Field id="co-result" label={t('coordination.result')} error={fieldError(actionError, 'result')}>
            {(a) => <textarea {...a} rows={3} value={result} onInput={(e) => setResult(e.currentTarget.value)} />}
          </Field>
          <FormButtons busy={busy} label={t('coordination.respond')} />
        </form>
      ) : null}
    </article>
  );
}
