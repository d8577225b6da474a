// Sites (địa điểm giám sát): the border gates, ports, yards and premises that cameras watch, each
// managed by a customs unit. Camera administrators add, change and remove them; everyone who may see
// cameras sees the list.
import { useContext, useMemo, useState } from 'preact/hooks';
import { SITE_KINDS, videoApi, wholeList, type Site, type Unit } from '../api';
import { unitNameIn } from '../cases';
import { useAction, useCustomsUnits, useLoad, usePagedList } from '../hooks';
import { t } from '../i18n';
import { ListPage } from '../listpage';
import { navigate } from '../router';
import { AppContext, canWriteCameras, roleUnit, useApp } from '../session';
import { buildTree, flatten } from '../tree';
import { ChoiceFilter, Field, fieldError, FormButtons, Loading, Notice, ProblemBox, unclaimedFieldErrors, unitOptions } from '../ui';
import { siteForm, siteKindName, sitePatch, sitePayload, type SiteForm } from '../video';

/** The lists of the video pages, as tabs. */
export function VideoTabs({ current }: { current: 'cameras' | 'sites' | 'outages' | 'nodes' }) {
  // The recorder nodes are the camera administrators' (the server answers 403 to others).
  const user = useContext(AppContext)?.user;
  return (
    <nav class="tabs" aria-label={t('video.tabs')}>
      <a class="btn" href="#/cameras" aria-current={current === 'cameras' ? 'page' : undefined}>
        {t('video.tabCameras')}
      </a>
      <a class="btn" href="#/sites" aria-current={current === 'sites' ? 'page' : undefined}>
        {t('video.tabSites')}
      </a>
      <a class="btn" href="#/camera-outages" aria-current={current === 'outages' ? 'page' : undefined}>
        {t('video.tabOutages')}
      </a>
      {user && canWriteCameras(user) ? (
        <a class="btn" href="#/recorder-nodes" aria-current={current === 'nodes' ? 'page' : undefined}>
          {t('video.tabNodes')}
        </a>
      ) : null}
    </nav>
  );
}

export function SitesPage({ siteId }: { siteId: number | 'new' | null }) {
  const { user } = useApp();
  const units = useCustomsUnits();
  const [filter, setFilter] = useState({ unit: '', kind: '' });
  const [notice, setNotice] = useState<string | null>(null);
  const ordered = useMemo(() => flatten(buildTree(units)), [units]);
  const write = canWriteCameras(user);
  const unit = filter.unit ? Number(filter.unit) : null;
  const list = usePagedList((_, signal) => videoApi.sites(unit, signal).then(wholeList), [unit]);
  // Only for counting cameras per site: the list stands without it.
  const cameras = useLoad((signal) => videoApi.allCameras({ unit }, signal).catch(() => []), [unit]).data;

  const sites = list.items;
  const shown = useMemo(() => (sites ?? []).filter((s) => !filter.kind || s.kind === filter.kind), [sites, filter.kind]);
  const cameraCount = useMemo(() => {
    const m = new Map<number, number>();
    for (const c of cameras ?? []) m.set(c.site_id, (m.get(c.site_id) ?? 0) + 1);
    return m;
  }, [cameras]);
  const editing = typeof siteId === 'number' ? (sites ?? []).find((s) => s.id === siteId) ?? null : null;
  const saved = (text: string) => {
    setNotice(text);
    list.reload();
    navigate({ page: 'sites', siteId: null });
  };

  return (
    <ListPage
      class="sites"
      title={t('site.title')}
      actions={
        <>
          {sites ? <span class="muted">{t('site.count', { n: shown.length })}</span> : null}
          {write ? (
            <a class="btn btn-primary push-right" href="#/sites/new" onClick={() => setNotice(null)}>
              {t('site.new')}
            </a>
          ) : null}
        </>
      }
      top={
        <>
          <VideoTabs current="sites" />
          {notice ? <Notice>{notice}</Notice> : null}
          {siteId === 'new' ? (
            <SiteFormView key="new" site={null} units={units} onCancel={() => navigate({ page: 'sites', siteId: null })} onSaved={() => saved(t('site.created'))} />
          ) : typeof siteId === 'number' ? (
            editing ? (
              <SiteFormView
                key={editing.id}
                site={editing}
                units={units}
                onCancel={() => navigate({ page: 'sites', siteId: null })}
                onSaved={() => saved(t('common.saved'))}
              />
            ) : sites ? (
              <SiteLoader siteId={siteId} units={units} onSaved={list.reload} />
            ) : null
          ) : null}
        </>
      }
      filters={
        <>
          <ChoiceFilter id="sf-unit" label={t('duty.unit')} value={filter.unit} onChange={(v) => setFilter((f) => ({ ...f, unit: v }))}>
            {unitOptions(ordered)}
          </ChoiceFilter>
          <ChoiceFilter
            id="sf-kind"
            label={t('site.kind')}
            value={filter.kind}
            values={SITE_KINDS}
            name={siteKindName}
            onChange={(v) => setFilter((f) => ({ ...f, kind: v }))}
          />
        </>
      }
      list={{ ...list, items: sites && shown }}
      empty={t('site.empty')}
      testId="site-list"
      columns={[
        { head: t('site.name') },
        { head: t('site.kind') },
        { head: t('site.unit') },
        { head: t('site.address') },
        { head: t('site.coordinates') },
        { head: t('site.cameras'), class: 'num' },
        ...(write ? [{ head: t('site.actions') }] : []),
      ]}
      rows={(s) => (
        <SiteRow
          key={s.id}
          site={s}
          cameras={cameraCount.get(s.id) ?? 0}
          write={write}
          selected={s.id === siteId}
          onDeleted={() => {
            setNotice(t('site.deleted'));
            list.reload();
          }}
        />
      )}
    />
  );
}

/** A site outside the list's filter, opened through its link. */
function SiteLoader({ siteId, units, onSaved }: { siteId: number; units: Unit[]; onSaved: () => void }) {
  const load = useLoad((signal) => videoApi.site(siteId, signal), [siteId]);
  if (!load.data) return load.error ? <ProblemBox error={load.error} /> : <Loading />;
  return (
    <SiteFormView
      site={load.data}
      units={units}
      onCancel={() => navigate({ page: 'sites', siteId: null })}
      onSaved={() => {
        onSaved();
        navigate({ page: 'sites', siteId: null });
      }}
    />
  );
}

function SiteRow({
  site,
  cameras,
  write,
  selected,
  onDeleted,
}: {
  site: Site;
  cameras: number;
  write: boolean;
  selected: boolean;
  onDeleted: () => void;
}) {
  const [confirming, setConfirming] = useState(false);
  const deletion = useAction();
  const { error, setError } = deletion;
  const busy = !!deletion.busy;
  // A 409 while the site has cameras: the server says so in both languages.
  const del = () =>
    deletion.run(async () => {
      try {
        await videoApi.deleteSite(site.id);
      } finally {
        setConfirming(false);
      }
      onDeleted();
    });
  const coords = site.latitude !== null && site.longitude !== null ? `${site.latitude}, ${site.longitude}` : '';
  return (
    <>
      <tr data-site-id={site.id} class={selected ? 'selected' : ''}>
        <td>{site.name}</td>
        <td>
          <span class={`badge site-kind sk-${site.kind}`}>{siteKindName(site.kind)}</span>
        </td>
        <td>{unitNameIn(site)}</td>
        <td>{site.address}</td>
        <td class="code small">{coords}</td>
        <td class="num">{cameras}</td>
        {write ? (
          <td class="row-actions">
            <a class="btn btn-small" href={`#/sites/${site.id}`} aria-label={`${t('common.edit')}: ${site.name}`}>
              {t('common.edit')}
            </a>
            <a class="btn btn-small" href={`#/cameras/new/${site.id}`} aria-label={`${t('site.addCamera')}: ${site.name}`}>
              {t('site.addCamera')}
            </a>
            <button
              type="button"
              class="btn btn-small btn-danger"
              aria-label={`${t('common.delete')}: ${site.name}`}
              disabled={confirming}
              onClick={() => {
                setError(null);
                setConfirming(true);
              }}
            >
              {t('common.delete')}
            </button>
          </td>
        ) : null}
      </tr>
      {confirming || error ? (
        <tr class="detail-row">
          <td colSpan={write ? 7 : 6}>
            {confirming ? (
              <div class="alert alert-warn" role="alertdialog" aria-labelledby={`site-del-${site.id}`}>
                <p id={`site-del-${site.id}`}>{t('site.deleteConfirm', { name: site.name })}</p>
                <button type="button" class="btn btn-danger" onClick={del} disabled={busy}>
                  {t('common.confirmDelete')}
                </button>{' '}
                <button type="button" class="btn" onClick={() => setConfirming(false)}>
                  {t('common.cancel')}
                </button>
              </div>
            ) : null}
            <ProblemBox error={error} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

const CLAIMED = ['unit_id', 'kind', 'name', 'address', 'latitude', 'longitude'];

export function SiteFormView({
  site,
  units,
  onCancel,
  onSaved,
}: {
  site: Site | null;
  units: Unit[];
  onCancel: () => void;
  onSaved: (s: Site) => void;
}) {
  const { user } = useApp();
  const [form, setForm] = useState<SiteForm>(() => siteForm(site, roleUnit(user)));
  const [local, setLocal] = useState<Record<string, string>>({});
  const save = useAction();
  const { error } = save;
  const ordered = useMemo(() => flatten(buildTree(units)), [units]);
  const set = (k: keyof SiteForm, v: string) => setForm((f) => ({ ...f, [k]: v }));

  const submit = (e: Event) => {
    e.preventDefault();
    const { body, errors } = sitePayload(form);
    setLocal(errors);
    if (Object.keys(errors).length) return;
    void save.run(async () => {
      if (site) {
        const patch = sitePatch(body, site);
        onSaved(Object.keys(patch).length ? await videoApi.updateSite(site.id, patch) : site);
      } else {
        onSaved(await videoApi.createSite(body));
      }
    });
  };

  const fe = (f: string) => local[f] ?? fieldError(error, f);
  const title = site ? t('site.editTitle', { name: site.name }) : t('site.newTitle');
  return (
    <form class="form panel" onSubmit={submit} aria-label={title} noValidate>
      <h2>{title}</h2>
      <ProblemBox error={error} extra={unclaimedFieldErrors(error, CLAIMED)} />
      <div class="grid2">
        <Field id="sitef-unit" label={t('site.unit')} error={fe('unit_id')}>
          {(a) => (
            <select {...a} value={form.unit} onChange={(e) => set('unit', e.currentTarget.value)}>
              {ordered.every((n) => String(n.unit.id) !== form.unit) ? (
                <option value={form.unit}>{t('org.unknownUnit', { id: form.unit })}</option>
              ) : null}
              {unitOptions(ordered)}
            </select>
          )}
        </Field>
        <Field id="sitef-kind" label={t('site.kind')} error={fe('kind')}>
          {(a) => (
            <select {...a} value={form.kind} onChange={(e) => set('kind', e.currentTarget.value)}>
              {SITE_KINDS.map((k) => (
                <option key={k} value={k}>
                  {siteKindName(k)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="sitef-name" label={t('site.name')} error={fe('name')}>
          {(a) => <input {...a} required maxLength={200} value={form.name} onInput={(e) => set('name', e.currentTarget.value)} />}
        </Field>
        <Field id="sitef-address" label={t('site.address')} error={fe('address')}>
          {(a) => <input {...a} maxLength={500} value={form.address} onInput={(e) => set('address', e.currentTarget.value)} />}
        </Field>
        <Field id="sitef-lat" label={t('site.latitude')} error={fe('latitude')} hint={t('site.coordinatesHint')}>
          {(a) => <input {...a} inputMode="decimal" value={form.latitude} onInput={(e) => set('latitude', e.currentTarget.value)} />}
        </Field>
        <Field id="sitef-lon" label={t('site.longitude')} error={fe('longitude')}>
          {(a) => <input {...a} inputMode="decimal" value={form.longitude} onInput={(e) => set('longitude', e.currentTarget.value)} />}
        </Field>
      </div>
      <FormButtons busy={!!save.busy} onCancel={onCancel} />
    </form>
  );
}
