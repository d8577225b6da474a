// Enterprise camera outages (sự cố camera doanh nghiệp): each time an enterprise's camera went
// offline, the repair deadline of 10 working days (Art. 16) and whether it was missed.
import { useState } from 'preact/hooks';
import { videoApi, wholeList, type CameraOutage } from '../api';
import { unitNameIn, unitTimeZone } from '../cases';
import { formatDateTime } from '../format';
import { useCustomsUnits, useLoad, useNow, usePagedList } from '../hooks';
import { t } from '../i18n';
import { ListPage } from '../listpage';
import { ChoiceFilter } from '../ui';
import { outageFilterState, outageStatus, outageStatusName } from '../video';
import { VideoTabs } from './Sites';

/** New outages and repairs show up without a reload; the badges turn overdue on their own. */
const RELOAD_MS = 60_000;

export function OutageBadge({ outage, now }: { outage: Pick<CameraOutage, 'ended_at' | 'repair_due_at' | 'overdue'>; now: number }) {
  const s = outageStatus(outage, now);
  return (
    <span class={`badge outage-${s}`} data-testid="outage-status" data-status={s}>
      {outageStatusName(s)}
    </span>
  );
}

export function CameraOutagesPage() {
  const units = useCustomsUnits();
  const [state, setState] = useState('open');
  const now = useNow();
  const list = usePagedList((_, signal) => videoApi.outages({ state: outageFilterState(state) }, signal).then(wholeList), [state], {
    everyMs: RELOAD_MS,
  });

  return (
    <ListPage
      class="camera-outages"
      title={t('outage.title')}
      actions={list.items ? <span class="muted">{t('outage.count', { n: list.items.length })}</span> : null}
      top={
        <>
          <VideoTabs current="outages" />
          <p class="hint">{t('outage.intro')}</p>
        </>
      }
      filters={
        <ChoiceFilter
          id="outf-state"
          label={t('outage.status')}
          value={state}
          values={['open', 'closed'] as const}
          name={(v) => t(v === 'open' ? 'outageFilter.open' : 'outageFilter.closed')}
          onChange={setState}
        />
      }
      list={list}
      empty={t('outage.empty')}
      testId="outage-list"
      rowProps={(o) => ({ 'data-outage-id': o.id })}
      columns={[
        { head: t('outage.camera'), cell: (o) => <a href={`#/cameras/${o.camera_id}`}>{o.camera_name}</a> },
        {
          head: t('outage.site'),
          cell: (o) => (
            <>
              {o.site_name}
              <div class="muted small">{unitNameIn(o)}</div>
            </>
          ),
        },
        { head: t('outage.enterprise'), cell: (o) => o.owner_name },
        { head: t('outage.started'), cell: (o) => formatDateTime(o.started_at, { timeZone: unitTimeZone(units, o.unit_id) }) },
        {
          head: t('outage.ended'),
          cell: (o) => (o.ended_at ? formatDateTime(o.ended_at, { timeZone: unitTimeZone(units, o.unit_id) }) : <span class="muted">—</span>),
        },
        { head: t('outage.repairDue'), cell: (o) => formatDateTime(o.repair_due_at, { timeZone: unitTimeZone(units, o.unit_id) }) },
        { head: t('outage.status'), cell: (o) => <OutageBadge outage={o} now={now} /> },
      ]}
    />
  );
}

/** A camera's outage still open, with its deadline (nothing when there is none); asked again when its state changes. */
export function OpenOutage({ cameraId, state, tz, now }: { cameraId: number; state: string; tz: string; now: number }) {
  const outage = useLoad(
    (signal) => videoApi.outages({ state: 'open', camera: cameraId }, signal).then((list) => list[0] ?? null, () => null),
    [cameraId, state],
  ).data;
  if (!outage) return null;
  return (
    <div class="alert alert-warn" role="status" data-testid="open-outage">
      {t('outage.current', {
        started: formatDateTime(outage.started_at, { timeZone: tz }),
        due: formatDateTime(outage.repair_due_at, { timeZone: tz }),
      })}{' '}
      <OutageBadge outage={outage} now={now} /> <a href="#/camera-outages">{t('outage.all')}</a>
    </div>
  );
}
