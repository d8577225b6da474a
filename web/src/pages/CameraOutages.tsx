// Enterprise camera outages (sự cố camera doanh nghiệp): each time an enterprise's camera went
// offline, the repair deadline of 10 working days (Art. 16) and whether it was missed.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, videoApi, type CameraOutage } from '../api';
import { unitNameIn, unitTimeZone } from '../cases';
import { formatDateTime } from '../format';
import { t } from '../i18n';
import { ChoiceFilter, Loading, ProblemBox } from '../ui';
import { outageFilterState, outageStatus, outageStatusName } from '../video';
import { useCustomsUnits } from '../hooks';
import { useNow } from '../hooks';
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
  const [items, setItems] = useState<CameraOutage[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const now = useNow();
  const generation = useRef(0);

  const load = useCallback(() => {
    const gen = ++generation.current;
    videoApi.outages({ state: outageFilterState(state) }).then(
      (list) => {
        if (gen !== generation.current) return;
        setItems(list);
        setError(null);
      },
      (e) => {
        if (gen !== generation.current) return;
        setError(e);
        setItems(null);
      },
    );
  }, [state]);

  useEffect(() => {
    setItems(null);
    load();
    const h = setInterval(load, RELOAD_MS);
    return () => clearInterval(h);
  }, [load]);

  const forbidden = error instanceof ApiError && error.status === 403;

  return (
    <section class="camera-outages">
      <div class="page-head">
        <h1>{t('outage.title')}</h1>
        {items ? <span class="muted">{t('outage.count', { n: items.length })}</span> : null}
      </div>
      <VideoTabs current="outages" />
      <p class="hint">{t('outage.intro')}</p>
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <ChoiceFilter
          id="outf-state"
          label={t('outage.status')}
          value={state}
          values={['open', 'closed'] as const}
          name={(v) => t(v === 'open' ? 'outageFilter.open' : 'outageFilter.closed')}
          onChange={setState}
        />
      </form>
      <ProblemBox error={error} extra={forbidden ? [t('error.forbiddenPage')] : undefined} />
      {!items && !error ? <Loading /> : null}
      {items && items.length === 0 ? <p class="muted">{t('outage.empty')}</p> : null}
      {items && items.length > 0 ? (
        <div class="table-wrap">
          <table class="grid" data-testid="outage-list">
            <thead>
              <tr>
                <th scope="col">{t('outage.camera')}</th>
                <th scope="col">{t('outage.site')}</th>
                <th scope="col">{t('outage.enterprise')}</th>
                <th scope="col">{t('outage.started')}</th>
                <th scope="col">{t('outage.ended')}</th>
                <th scope="col">{t('outage.repairDue')}</th>
                <th scope="col">{t('outage.status')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((o) => {
                const tz = unitTimeZone(units, o.unit_id);
                return (
                  <tr key={o.id} data-outage-id={o.id}>
                    <td>
                      <a href={`#/cameras/${o.camera_id}`}>{o.camera_name}</a>
                    </td>
                    <td>
                      {o.site_name}
                      <div class="muted small">{unitNameIn(o)}</div>
                    </td>
                    <td>{o.owner_name}</td>
                    <td>{formatDateTime(o.started_at, { timeZone: tz })}</td>
                    <td>{o.ended_at ? formatDateTime(o.ended_at, { timeZone: tz }) : <span class="muted">—</span>}</td>
                    <td>{formatDateTime(o.repair_due_at, { timeZone: tz })}</td>
                    <td>
                      <OutageBadge outage={o} now={now} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

/** A camera's outage still open, with its deadline (nothing when there is none); asked again when its state changes. */
export function OpenOutage({ cameraId, state, tz, now }: { cameraId: number; state: string; tz: string; now: number }) {
  const [outage, setOutage] = useState<CameraOutage | null>(null);
  useEffect(() => {
    let on = true;
    videoApi.outages({ state: 'open', camera: cameraId }).then(
      (list) => on && setOutage(list[0] ?? null),
      () => on && setOutage(null),
    );
    return () => {
      on = false;
    };
  }, [cameraId, state]);
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
