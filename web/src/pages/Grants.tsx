// Grants (quyền khai thác dữ liệu, Art. 16.3): what approved requests gave, to whom, until when; the
// holder watches or plays each granted camera from here; the decider's leadership revokes with a reason.
import { useState } from 'preact/hooks';
import { GRANT_STATUSES, sharingApi, wholeList, type Grant } from '../api';
import { unitNameIn, unitTimeZone } from '../cases';
import { formatDateTime } from '../format';
import { useLoad, useNow, usePagedList, useUnits } from '../hooks';
import { t } from '../i18n';
import { ListPage, type Column } from '../listpage';
import { useApp } from '../session';
import { accessModeName, expiryText } from '../sharing';
import { ChoiceFilter, Loading, Notice, ProblemBox } from '../ui';
import { canSeeAllRequests } from './DataRequests';
import { dataTypesText, GrantStatusBadge, ReasonAction } from './SharingParts';

export type GrantTab = 'mine' | 'issued' | 'all';

export function GrantsPage({ tab, id }: { tab: GrantTab; id: number | null }) {
  const { user } = useApp();
  const units = useUnits();
  const now = useNow();
  const [status, setStatus] = useState('');
  const list = usePagedList((_cursor, signal) => sharingApi.grants({ view: tab, status: status || undefined }, signal).then(wholeList), [tab, status], {
    live: true,
  });
  const tabs: GrantTab[] = canSeeAllRequests(user) ? ['mine', 'issued', 'all'] : ['mine'];
  const tzOf = (g: Grant) => unitTimeZone(units, g.unit_id);
  const revoked = (g: Grant) => list.setItems((prev) => prev.map((x) => (x.id === g.id ? g : x)));

  const columns: Column<Grant>[] = [
    {
      head: t('sharing.number'),
      cell: (g) => (
        <>
          <a href={`#/grants/${g.id}`}>{t('grant.code', { id: g.id })}</a>
          <div class="small">
            <a href={`#/data-requests/${g.request_id}`}>{g.request_number}</a>
          </div>
        </>
      ),
    },
    {
      head: t('grant.holder'),
      cell: (g) => (
        <>
          {holderName(g)}
          <div class="muted small">{unitNameIn(g)}</div>
        </>
      ),
    },
    { head: t('sharing.cameras'), cell: (g) => <GrantCameras g={g} /> },
    {
      head: t('sharing.dataTypes'),
      cell: (g) => (
        <>
          {dataTypesText(g.data_types)} · {accessModeName(g.mode)}
          <GrantCase g={g} />
        </>
      ),
    },
    { head: t('sharing.range'), cell: (g) => windowText(g, tzOf(g)) },
    { head: t('grant.expires'), cell: (g) => <Expiry g={g} tz={tzOf(g)} now={now} /> },
    { head: t('cases.status'), cell: (g) => <GrantStatusBadge status={g.status} /> },
    { head: <span class="sr-only">{t('cases.actions')}</span>, cell: (g) => (g.can_revoke && g.status === 'active' ? <Revoke g={g} onRevoked={revoked} /> : null) },
  ];

  return (
    <ListPage
      class="grants"
      title={t('grant.title')}
      top={
        <>
          {tabs.length > 1 ? (
            <nav class="tabs" aria-label={t('grant.title')}>
              {tabs.map((k) => (
                <a key={k} class="btn" href={k === 'mine' ? '#/grants' : `#/grants/${k}`} aria-current={k === tab && !id ? 'page' : undefined}>
                  {t(`grant.tab.${k}`)}
                </a>
              ))}
            </nav>
          ) : null}
          {id ? <GrantPanel key={id} id={id} now={now} onRevoked={revoked} /> : null}
        </>
      }
      filters={<ChoiceFilter id="grant-status" label={t('cases.status')} value={status} values={GRANT_STATUSES} name={(s) => t(`grantStatus.${s}`)} onChange={setStatus} />}
      list={list}
      empty={t('grant.empty')}
      columns={columns}
      rowProps={(g) => ({ 'data-grant-id': g.id, class: g.id === id ? 'selected' : undefined })}
      testId="grants"
    />
  );
}

const holderName = (g: Pick<Grant, 'user_name' | 'full_name'>) => g.user_name ?? g.full_name ?? '';

const windowText = (g: Pick<Grant, 'from' | 'to'>, tz: string) =>
  g.from && g.to ? `${formatDateTime(g.from, { timeZone: tz })} – ${formatDateTime(g.to, { timeZone: tz })}` : t('grant.noWindow');

/** The expiry as a date in the unit's zone and how long is left ("còn 5 ngày" / "đã hết hạn"). */
export function Expiry({ g, tz, now }: { g: Pick<Grant, 'expires_at' | 'status' | 'revoked_at'>; tz: string; now: number }) {
  return (
    <span class="grant-expiry" data-testid="grant-expiry">
      <time dateTime={g.expires_at}>{formatDateTime(g.expires_at, { timeZone: tz })}</time>{' '}
      {g.status === 'revoked' ? null : <span class={`muted small${Date.parse(g.expires_at) <= now ? ' overdue-text' : ''}`}>({expiryText(g.expires_at, now)})</span>}
    </span>
  );
}

/** Each granted camera, a link to its page (live and playback within the grant). */
function GrantCameras({ g }: { g: Grant }) {
  return (
    <ul class="plain grant-cameras">
      {(g.cameras ?? []).map((c) => (
        <li key={c.id}>
          {g.status === 'active' ? <a href={`#/cameras/${c.id}`}>{c.name}</a> : c.name}
          {c.site_name ? <span class="muted small"> ({c.site_name})</span> : null}
        </li>
      ))}
    </ul>
  );
}

/** The case whose data the grant gives: its shared view (or the whole case, for those who handle it). */
function GrantCase({ g }: { g: Pick<Grant, 'case_id' | 'case_number'> }) {
  if (!g.case_id) return null;
  return (
    <div class="small grant-case">
      <a href={`#/cases/${g.case_id}`}>{t('grant.openCase', { number: g.case_number ?? `#${g.case_id}` })}</a>
    </div>
  );
}

/** Revoking asks for the reason and takes effect at once (open live views close, downloads stop). */
export function Revoke({ g, onRevoked }: { g: Grant; onRevoked: (g: Grant) => void }) {
  return (
    <ReasonAction
      id={`revoke-${g.id}`}
      label={t('grant.revoke')}
      reasonLabel={t('grant.revokeReason')}
      confirmLabel={t('grant.revokeConfirm')}
      hint={t('grant.revokeHint')}
      danger
      formClass="form revoke-form"
      requiredText={t('grant.reasonRequired')}
      act={async (reason) => onRevoked(await sharingApi.revoke(g.id, reason))}
    />
  );
}

function GrantPanel({ id, now, onRevoked }: { id: number; now: number; onRevoked: (g: Grant) => void }) {
  const units = useUnits();
  const load = useLoad((signal) => sharingApi.grant(id, signal), [id]);
  const [notice, setNotice] = useState<string | null>(null);
  const g = load.data;
  if (!g) return load.error ? <ProblemBox error={load.error} /> : <Loading />;
  const tz = unitTimeZone(units, g.unit_id);
  return (
    <article class="panel grant-detail" aria-labelledby="grant-h" data-testid="grant-detail">
      <h2 id="grant-h">
        {t('grant.detail', { id: g.id })} <GrantStatusBadge status={g.status} />
      </h2>
      {notice ? <Notice>{notice}</Notice> : null}
      <dl class="props">
        <dt>{t('grant.request')}</dt>
        <dd>
          <a href={`#/data-requests/${g.request_id}`}>{g.request_number}</a>
        </dd>
        <dt>{t('grant.holder')}</dt>
        <dd>
          {holderName(g)} — {unitNameIn(g)}
        </dd>
        <dt>{t('sharing.cameras')}</dt>
        <dd>
          <GrantCameras g={g} />
        </dd>
        <dt>{t('sharing.dataTypes')}</dt>
        <dd>
          {dataTypesText(g.data_types)}
          <GrantCase g={g} />
        </dd>
        <dt>{t('sharing.mode')}</dt>
        <dd>{accessModeName(g.mode)}</dd>
        <dt>{t('sharing.range')}</dt>
        <dd>{windowText(g, tz)}</dd>
        <dt>{t('grant.starts')}</dt>
        <dd>{formatDateTime(g.starts_at, { timeZone: tz })}</dd>
        <dt>{t('grant.expires')}</dt>
        <dd>
          <Expiry g={g} tz={tz} now={now} />
        </dd>
        <dt>{t('grant.uses')}</dt>
        <dd>{g.uses}</dd>
        {g.revoked_at ? (
          <>
            <dt>{t('grant.revokedBy')}</dt>
            <dd>
              {t('cases.byAt', { name: g.revoked_by_name ?? '', time: formatDateTime(g.revoked_at, { timeZone: tz }) })}
              {g.revoke_reason ? <div class="pre">{g.revoke_reason}</div> : null}
            </dd>
          </>
        ) : null}
      </dl>
      {g.can_revoke && g.status === 'active' ? (
        <Revoke
          g={g}
          onRevoked={(after) => {
            load.setData(() => after);
            setNotice(t('grant.revoked'));
            onRevoked(after);
          }}
        />
      ) : null}
    </article>
  );
}
