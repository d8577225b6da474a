// The map (bản đồ giám sát): the sites on a map of Viet Nam coloured by their worst state, a province
// to zoom into, a site's cameras one click away. Drawn as SVG from the province boundaries shipped
// with the console (no tile server, no request leaves the centre); loaded only when opened (app.tsx).
// The provinces are the 34 provincial-level units since 1 July 2025 (Nghị quyết 202/2025/QH15), made
// from the amCharts geodata by web/scripts/provinces2025.ts.
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, SITE_STATES, videoApi, type SiteState, type SiteSummary } from '../api';
import { ARCHIPELAGOS, countryBox, geometryPath, project, provinceAt, provinceBox, provincesOf, provinceTitle, viewBoxText, type Province } from '../geo';
import { useLoad } from '../hooks';
import { label, pick, t } from '../i18n';
import { useLiveConnected, useLiveTopic } from '../live';
import { useLang } from '../lang';
import { Loading, ProblemBox } from '../ui';
import provinces2025 from '../provinces2025.json';
import { cameraStateName, siteKindName, stateClass } from '../video';

const PROVINCES: Province[] = provincesOf(provinces2025 as unknown as Parameters<typeof provincesOf>[0]);
const BY_ID = new Map(PROVINCES.map((p) => [p.id, p]));
const PATHS = new Map(PROVINCES.map((p) => [p.id, geometryPath(p.geometry)]));
const COUNTRY = countryBox(PROVINCES);
/** Roughly the drawing's width on screen in CSS pixels: marker and label sizes follow the zoom. */
const SCREEN_PX = 720;
/** Events that change what the map shows: reload (once) shortly after them. */
const TOPICS = ['camera.state', 'alert.raised', 'alert.acknowledged', 'alert.closed', 'case.changed'];
const RELOAD_AFTER_EVENT_MS = 300;
const POLL_MS = 30_000;

/** "Thành phố Hải Phòng", "Tỉnh Lạng Sơn": wherever one province is named (the zoom list keeps the bare names, sorted). */
const provinceName = (p: Province) => {
  const title = provinceTitle(p);
  return pick(title.name, title.nameEn);
};

export const siteStateName = (s: string) => label('siteState', s);

function useSiteSummary() {
  const load = useLoad((signal) => videoApi.summary(signal).then((r) => r.items), [], { live: true, pollMs: POLL_MS });
  const { reload } = load;
  // Live: a camera's state, an alert or a case changes the colours; a burst of events is one reload.
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const soon = useCallback(() => {
    if (pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = null;
      reload();
    }, RELOAD_AFTER_EVENT_MS);
  }, [reload]);
  useEffect(() => () => (pending.current ? clearTimeout(pending.current) : undefined), []);
  for (const topic of TOPICS) useLiveTopic(topic, soon); // a fixed list: the hooks run in the same order
  const connected = useLiveConnected();
  return { items: load.data, error: load.error, connected };
}

export function MapPage() {
  useLang();
  const { items, error, connected } = useSiteSummary();
  const [zoom, setZoom] = useState<Province | null>(null);
  const [hover, setHover] = useState<Province | null>(null);
  const [selectedId, setSelectedId] = useState<number | null>(null);

  const placed = useMemo(
    () =>
      (items ?? []).map((s) => {
        const at = s.latitude != null && s.longitude != null ? ([s.longitude, s.latitude] as [number, number]) : null;
        return { site: s, at, province: at ? provinceAt(PROVINCES, at) : null };
      }),
    [items],
  );
  const selected = placed.find((p) => p.site.site_id === selectedId) ?? null;
  const box = zoom ? provinceBox(zoom) : COUNTRY;
  const unit = box.w / SCREEN_PX; // map units per screen pixel
  const forbidden = error instanceof ApiError && error.status === 403;
  const shown = zoom ? placed.filter((p) => p.province?.id === zoom.id) : placed;
  const withoutCoordinates = placed.filter((p) => !p.at);

  const select = (id: number) => {
    setSelectedId(id);
    const p = placed.find((x) => x.site.site_id === id);
    if (p?.province && zoom && zoom.id !== p.province.id) setZoom(p.province);
  };

  return (
    <section class="map-page">
      <div class="page-head">
        <h1>{t('map.title')}</h1>
        {items ? <span class="muted">{t('map.siteCount', { n: items.length })}</span> : null}
        <span class={`live-state ${connected ? 'on' : 'off'}`} role="status" data-testid="live-state">
          {connected ? t('duty.live') : t('cases.polling')}
        </span>
      </div>
      <ProblemBox error={error} extra={forbidden ? [t('error.forbiddenPage')] : undefined} />
      <div class="map-layout">
        <div class="map-frame">
          <div class="map-toolbar">
            <select
              aria-label={t('map.zoomTo')}
              value={zoom?.id ?? ''}
              onChange={(e) => setZoom(BY_ID.get(e.currentTarget.value) ?? null)}
            >
              <option value="">{t('map.country')}</option>
              {[...PROVINCES]
                .sort((a, b) => pick(a.name, a.nameEn).localeCompare(pick(b.name, b.nameEn), 'vi'))
                .map((p) => (
                  <option key={p.id} value={p.id}>
                    {pick(p.name, p.nameEn)}
                  </option>
                ))}
            </select>
            <strong data-testid="map-zoom">{zoom ? t('map.zoomedTo', { name: provinceName(zoom) }) : t('map.country')}</strong>
            {zoom ? (
              <button type="button" class="btn" onClick={() => setZoom(null)}>
                {t('map.backToCountry')}
              </button>
            ) : null}
            <span class="map-hover muted" data-testid="map-hover" aria-live="polite">
              {hover ? provinceName(hover) : t('map.hint')}
            </span>
          </div>
          <svg
            class="vn-map"
            viewBox={viewBoxText(box)}
            preserveAspectRatio="xMidYMid meet"
            role="group"
            aria-label={t('map.label')}
            data-testid="vn-map"
            data-zoom={zoom?.id ?? ''}
          >
            <rect class="sea" x={COUNTRY.x - COUNTRY.w} y={COUNTRY.y - COUNTRY.h} width={COUNTRY.w * 3} height={COUNTRY.h * 3} onClick={() => setZoom(null)} />
            {PROVINCES.map((p) => (
              <path
                key={p.id}
                class={`province${zoom?.id === p.id ? ' zoomed' : ''}${hover?.id === p.id ? ' hover' : ''}`}
                d={PATHS.get(p.id)}
                data-province={p.id}
                onClick={() => setZoom(zoom?.id === p.id ? null : p)}
                onMouseEnter={() => setHover(p)}
                onMouseLeave={() => setHover((h) => (h?.id === p.id ? null : h))}
              >
                <title>{provinceName(p)}</title>
              </path>
            ))}
            {ARCHIPELAGOS.map((a) => {
              const [lx, ly] = project([Math.min(...a.islands.map((i) => i[0])), Math.max(...a.islands.map((i) => i[1]))]);
              const owner = BY_ID.get(a.provinceId);
              const label = t('map.archipelago', { name: pick(a.name, a.nameEn), province: owner ? provinceName(owner) : a.provinceId });
              return (
                <g key={a.id} class="archipelago" data-archipelago={a.id}>
                  <title>{label}</title>
                  {a.islands.map((i, k) => {
                    const [x, y] = project(i);
                    return <circle key={k} cx={x} cy={y} r={2.5 * unit} />;
                  })}
                  <text x={lx} y={ly - 8 * unit} font-size={11 * unit}>
                    {pick(a.name, a.nameEn)}
                  </text>
                </g>
              );
            })}
            {zoom ? (
              <text class="province-name" x={box.x + 8 * unit} y={box.y + 18 * unit} font-size={14 * unit}>
                {provinceName(zoom)}
              </text>
            ) : null}
            {placed
              .filter((p) => p.at)
              // The worst drawn last, on top: two sites close together show the one that needs attention.
              .sort((a, b) => SITE_STATES.indexOf(b.site.state) - SITE_STATES.indexOf(a.site.state))
              .map(({ site, at }) => {
                const [x, y] = project(at!);
                const label = t('map.markerLabel', { name: site.name, state: siteStateName(site.state) });
                return (
                  <g
                    key={site.site_id}
                    class={`site-marker state-${site.state}${site.site_id === selectedId ? ' selected' : ''}`}
                    data-site-id={site.site_id}
                    data-state={site.state}
                    transform={`translate(${x} ${y})`}
                    role="button"
                    tabIndex={0}
                    aria-label={label}
                    onClick={(e) => {
                      e.stopPropagation();
                      select(site.site_id);
                    }}
                    onKeyDown={(e) => {
                      if (e.key === 'Enter' || e.key === ' ') {
                        e.preventDefault();
                        select(site.site_id);
                      }
                    }}
                  >
                    <title>{label}</title>
                    <circle r={7 * unit} stroke-width={2 * unit} />
                  </g>
                );
              })}
          </svg>
          <Legend />
          <p class="muted small map-attribution">
            {t('map.attribution')}{' '}
            <a href="/licenses/amcharts5-geodata-LICENSE.txt" target="_blank" rel="noopener">
              {t('map.licence')}
            </a>
          </p>
        </div>
        <aside class="map-side">
          {!items && !error ? <Loading /> : null}
          {selected ? <SiteCameras site={selected.site} /> : null}
          {items && items.length === 0 ? <p class="muted">{t('map.noSites')}</p> : null}
          {shown.length > 0 ? (
            <div class="table-wrap">
              <table class="grid map-sites" data-testid="map-sites">
                <caption>{zoom ? `${t('map.sites')} — ${provinceName(zoom)}` : t('map.sites')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('map.site')}</th>
                    <th scope="col">{t('map.state')}</th>
                    <th scope="col" class="num">{t('map.cameras')}</th>
                    <th scope="col" class="num">{t('map.openAlerts')}</th>
                    <th scope="col" class="num">{t('map.openCases')}</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map(({ site, province, at }) => (
                    <tr key={site.site_id} data-site-id={site.site_id} class={site.site_id === selectedId ? 'selected' : undefined}>
                      <th scope="row">
                        <button type="button" class="link" onClick={() => select(site.site_id)}>
                          {site.name}
                        </button>
                        <div class="muted small">
                          {province ? provinceName(province) : at ? '' : t('map.noCoordinates')}
                          {site.unit_name ? ` — ${pick(site.unit_name, site.unit_name_en)}` : ''}
                        </div>
                      </th>
                      <td>
                        <SiteStateBadge state={site.state} />
                      </td>
                      <td class="num">
                        {site.camera_total}
                        {site.camera_counts.offline ? (
                          <span class="muted small"> ({t('map.camerasOffline')}: {site.camera_counts.offline})</span>
                        ) : null}
                      </td>
                      <td class="num">{site.open_alerts}</td>
                      <td class="num">{site.open_cases}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
          {withoutCoordinates.length > 0 ? <p class="muted small">{t('map.noCoordinatesNote')}</p> : null}
        </aside>
      </div>
    </section>
  );
}

function SiteStateBadge({ state }: { state: SiteState }) {
  return (
    <span class={`badge site-state state-${state}`} data-testid="site-state" data-state={state}>
      {siteStateName(state)}
    </span>
  );
}

function Legend() {
  return (
    <ul class="map-legend" aria-label={t('map.legend')}>
      {SITE_STATES.map((s) => (
        <li key={s}>
          <svg width="14" height="14" viewBox="-7 -7 14 14" aria-hidden="true">
            <g class={`site-marker state-${s}`}>
              <circle r="5.5" stroke-width="1.5" />
            </g>
          </svg>
          {siteStateName(s)}
        </li>
      ))}
    </ul>
  );
}

function SiteCameras({ site }: { site: SiteSummary }) {
  return (
    <article class="panel map-site" data-testid="map-site" aria-labelledby={`map-site-${site.site_id}`}>
      <h2 id={`map-site-${site.site_id}`}>{t('map.camerasOf', { name: site.name })}</h2>
      <p class="muted small">
        {siteKindName(site.kind)}
        {site.unit_name ? ` — ${pick(site.unit_name, site.unit_name_en)}` : ''}
        {site.address ? ` — ${site.address}` : ''}
      </p>
      <p>
        <SiteStateBadge state={site.state} />{' '}
        <span class="small">
          {t('map.siteSummary', {
            cameras: site.camera_total,
            offline: site.camera_counts.offline ?? 0,
            alerts: site.open_alerts,
            cases: site.open_cases,
          })}
        </span>
      </p>
      {site.cameras.length === 0 ? (
        <p class="muted">{t('map.noCameras')}</p>
      ) : (
        <ul class="map-cameras">
          {site.cameras.map((c) => (
            <li key={c.id}>
              <a href={`#/cameras/${c.id}`}>{c.name}</a>{' '}
              <span class={`badge ${stateClass(c.state)}`} data-testid="camera-state" data-state={c.state}>
                {cameraStateName(c.state)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}
