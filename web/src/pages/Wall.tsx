// The video wall (màn hình giám sát): a layout of live tiles, a camera tree to fill it (drag, or
// pick then click a tile), saved views shared with one's unit, tours, full screen, and from each
// tile one click to report a case or hold the evidence. The rules are in wall.ts.
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, videoApi, wallApi, type Camera, type Site, type Unit } from '../api';
import { caseFromCamera, stashCaseDraft, unitTimeZone } from '../cases';
import { formatDateTime } from '../format';
import { useAction, useLoad } from '../hooks';
import { pick, t } from '../i18n';
import { LiveTile } from '../livetile';
import { useLiveTopic, type LiveEvent } from '../live';
import { navigate } from '../router';
import { canWriteHolds, roleUnit, useApp } from '../session';
import { Field, fieldError, Loading, Notice, ProblemBox } from '../ui';
import { applyCameraState } from '../video';
import {
  cameraTree,
  camerasOfEvent,
  clearSlot,
  defaultViewFor,
  fitSlots,
  isNewCase,
  LAYOUTS,
  layoutGrid,
  MIN_DWELL_S,
  placeCamera,
  placeMany,
  tilesToSave,
  tileStream,
  tourStep,
  type Layout,
  type Slots,
  type Tour,
  type WallView,
} from '../wall';

const CAMERA_MIME = 'application/x-watchfloor-camera';
const SITE_MIME = 'application/x-watchfloor-site';
const FLASH_MS = 12_000;
/** "Report a case from here" covers the last minutes. */
const CASE_WINDOW_MS = 5 * 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

type Picked = { camera: number } | { site: number } | null;

export function WallPage({ viewId }: { viewId: number | null }) {
  const { user } = useApp();
  // Cameras, sites, units and saved views together; again after the live channel resyncs.
  const load = useLoad(
    async (signal) => {
      const [cameras, sites, units, views] = await Promise.all([
        videoApi.allCameras({}, signal),
        videoApi.sites(undefined, signal),
        api.units(signal),
        wallApi.views(signal),
      ]);
      return { cameras, sites, units, views };
    },
    [],
    { live: true },
  );
  const cameras = load.data?.cameras ?? null;
  const sites = load.data?.sites ?? NO_SITES;
  const units = load.data?.units ?? NO_UNITS;
  const views = load.data?.views ?? NO_VIEWS;
  // A view the list lacks (another unit's, opened by a link) is asked for by itself.
  const unlisted = cameras && viewId && !views.some((x) => x.id === viewId) ? viewId : null;
  const asked = useLoad((signal) => (unlisted ? wallApi.view(unlisted, signal) : Promise.resolve(null)), [unlisted]);
  const error = load.error ?? asked.error;
  const { setData } = load;
  const setCameras = useCallback((fn: (list: Camera[]) => Camera[]) => setData((d) => d && { ...d, cameras: fn(d.cameras) }), [setData]);
  const setViews = (fn: (list: WallView[]) => WallView[]) => setData((d) => d && { ...d, views: fn(d.views) });
  const [layout, setLayout] = useState<Layout>('4');
  const [slots, setSlots] = useState<Slots>(() => fitSlots([], '4'));
  const [view, setView] = useState<WallView | null>(null);
  const [maximised, setMaximised] = useState<number | null>(null);
  const [picked, setPicked] = useState<Picked>(null);
  const [flash, setFlash] = useState<Map<number, number>>(new Map());
  const [tourOn, setTourOn] = useState(false);
  const [holdFor, setHoldFor] = useState<Camera | { id: number; name: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const gridRef = useRef<HTMLDivElement>(null);
  const seenCases = useRef(new Set<number>());


  const apply = useCallback((v: WallView | null) => {
    setView(v);
    setMaximised(null);
    setTourOn(!!v?.tour?.sets.length);
    if (!v) return;
    setLayout(v.layout);
    setSlots(fitSlots(v.tiles, v.layout));
  }, []);

  // The view asked for by the address, else the default view of the user's unit (the online
  // supervision officer's home screen).
  const [opened, setOpened] = useState<number | null | undefined>(undefined);
  useEffect(() => {
    if (!cameras || opened === viewId) return;
    const v = viewId ? (views.find((x) => x.id === viewId) ?? (asked.data?.id === viewId ? asked.data : null)) : defaultViewFor(views, units, user.unit_id);
    if (viewId && !v) return; // still coming
    setOpened(viewId);
    if (v) apply(v);
  }, [cameras, views, units, viewId, opened, apply, user.unit_id, asked.data]);

  // Tours: the view's camera sets in turn, every dwell seconds.
  useEffect(() => {
    const tour = view?.tour;
    if (!tourOn || !tour || !tour.sets.length) return;
    const start = Date.now();
    let last = -1;
    const step = () => {
      const i = tourStep(tour, Date.now() - start);
      if (i !== last) {
        last = i;
        setSlots(fitSlots(tour.sets[i], view.layout));
      }
    };
    step();
    const h = setInterval(step, 1000);
    return () => clearInterval(h);
  }, [tourOn, view]);

  // The live channel: camera states, and alerts and new cases that flash the tiles they concern.
  const onState = useCallback((e: LiveEvent) => setCameras((list) => applyCameraState(list, e.payload)), [setCameras]);
  useLiveTopic('camera.state', onState);
  const flashFor = useCallback((ids: number[]) => {
    if (!ids.length) return;
    const until = Date.now() + FLASH_MS;
    setFlash((m) => {
      const n = new Map(m);
      for (const id of ids) n.set(id, until);
      return n;
    });
  }, []);
  const camsRef = useRef<Camera[]>([]);
  camsRef.current = cameras ?? [];
  const onAlert = useCallback((e: LiveEvent) => flashFor(camerasOfEvent('alert.raised', e.payload, camsRef.current)), [flashFor]);
  const onCase = useCallback(
    (e: LiveEvent) => {
      if (isNewCase(e.payload, seenCases.current)) flashFor(camerasOfEvent('case.changed', e.payload, camsRef.current));
    },
    [flashFor],
  );
  useLiveTopic('alert.raised', onAlert);
  useLiveTopic('case.changed', onCase);
  useEffect(() => {
    if (!flash.size) return;
    const h = setTimeout(() => {
      const now = Date.now();
      setFlash((m) => new Map([...m].filter(([, until]) => until > now)));
    }, 1000);
    return () => clearTimeout(h);
  }, [flash]);

  const byId = useMemo(() => new Map((cameras ?? []).map((c) => [c.id, c])), [cameras]);

  const changeLayout = (l: Layout) => {
    setLayout(l);
    setSlots((s) => fitSlots(s, l));
    setMaximised(null);
    setTourOn(false);
  };

  const drop = (at: number, what: Picked) => {
    if (!what) return;
    setTourOn(false);
    if ('camera' in what) setSlots((s) => placeCamera(s, at, what.camera));
    else {
      const ids = (cameras ?? []).filter((c) => c.site_id === what.site).sort((a, b) => a.name.localeCompare(b.name, 'vi')).map((c) => c.id);
      setSlots((s) => placeMany(s, at, ids));
    }
    setPicked(null);
  };

  const reportCase = (cam: { id: number; name: string; site_name?: string; unit_id?: number }) => {
    const now = Date.now();
    const tz = unitTimeZone(units, cam.unit_id ?? null);
    stashCaseDraft(caseFromCamera(cam, { from: now - CASE_WINDOW_MS, to: now }, videoApi.snapshotUrl(cam.id, iso(now)), tz));
    navigate({ page: 'case-new' });
  };

  const fullScreen = () => {
    const el = gridRef.current;
    if (el && document.fullscreenEnabled) void el.requestFullscreen().catch(() => undefined);
  };

  if (error && !cameras) return <ProblemBox error={error} />;
  if (!cameras) return <Loading />;

  const grid = layoutGrid(layout);
  const holds = canWriteHolds(user);

  return (
    <section class="wall-page" data-testid="wall" data-layout={layout} data-view-id={view?.id ?? ''}>
      <div class="page-head">
        <h1>{view ? t('wall.titleView', { name: view.name }) : t('wall.title')}</h1>
      </div>
      <ProblemBox error={error} />
      {notice ? <Notice>{notice}</Notice> : null}
      <div class="wall">
        <aside class="wall-side">
          <CameraTree units={units} sites={sites} cameras={cameras} picked={picked} onPick={setPicked} />
        </aside>
        <div class="wall-main">
          <div class="toolbar wall-toolbar">
            <label>
              {t('wall.layout')}{' '}
              <select value={layout} onChange={(e) => changeLayout(e.currentTarget.value as Layout)} data-testid="wall-layout">
                {LAYOUTS.map((l) => (
                  <option key={l} value={l}>
                    {l}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" class="btn" onClick={fullScreen}>
              {t('wall.fullScreen')}
            </button>
            {view?.tour?.sets.length ? (
              <button type="button" class="btn" aria-pressed={tourOn} onClick={() => setTourOn((x) => !x)} data-testid="wall-tour">
                {tourOn ? t('wall.tourStop') : t('wall.tourStart', { n: view.tour.dwell_seconds })}
              </button>
            ) : null}
            <button type="button" class="btn" onClick={() => setSlots(fitSlots([], layout))}>
              {t('wall.clear')}
            </button>
          </div>
          {picked ? (
            <p class="hint" role="status">
              {t('wall.placeHint')}{' '}
              <button type="button" class="btn btn-small" onClick={() => setPicked(null)}>
                {t('common.cancel')}
              </button>
            </p>
          ) : null}
          <div
            class="wall-grid"
            ref={gridRef}
            data-testid="wall-grid"
            style={{ gridTemplateColumns: `repeat(${grid.cols}, 1fr)`, gridTemplateRows: `repeat(${grid.rows}, auto)` }}
          >
            {grid.cells.map((cell, i) => {
              const id = slots[i] ?? null;
              const cam = id !== null ? (byId.get(id) ?? null) : null;
              const isMax = maximised === i;
              if (maximised !== null && !isMax) return null;
              return (
                <WallSlot
                  key={i}
                  index={i}
                  style={
                    isMax
                      ? { gridColumn: `1 / span ${grid.cols}`, gridRow: `1 / span ${grid.rows}` }
                      : { gridColumn: `${cell.col} / span ${cell.colSpan}`, gridRow: `${cell.row} / span ${cell.rowSpan}` }
                  }
                  placing={!!picked}
                  onPlace={() => drop(i, picked)}
                  onDrop={(w) => drop(i, w)}
                >
                  {id !== null ? (
                    <LiveTile
                      key={id}
                      camera={cam ?? { id, name: t('wall.cameraN', { id }) }}
                      stream={tileStream(layout, i, isMax, !!cam?.sub_url)}
                      tz={unitTimeZone(units, cam?.unit_id ?? null)}
                      compact={!isMax && grid.cols >= 4}
                      flash={(flash.get(id) ?? 0) > Date.now()}
                      onDblClick={() => setMaximised(isMax ? null : i)}
                    >
                      <button type="button" class="btn btn-small" onClick={() => setMaximised(isMax ? null : i)}>
                        {isMax ? t('wall.restore') : t('wall.maximise')}
                      </button>
                      {cam ? (
                        <>
                          <button type="button" class="btn btn-small" onClick={() => reportCase(cam)} data-testid="tile-report">
                            {t('wall.reportCase')}
                          </button>
                          {holds ? (
                            <button type="button" class="btn btn-small" onClick={() => setHoldFor(cam)} data-testid="tile-hold">
                              {t('wall.hold')}
                            </button>
                          ) : null}
                          <a class="btn btn-small" href={`#/cameras/${cam.id}`}>
                            {t('wall.openCamera')}
                          </a>
                        </>
                      ) : null}
                      <button type="button" class="btn btn-small" onClick={() => setSlots((s) => clearSlot(s, i))} aria-label={t('wall.removeTile')}>
                        ×
                      </button>
                    </LiveTile>
                  ) : (
                    <span class="muted">{picked ? t('wall.clickToPlace') : t('wall.dropHere')}</span>
                  )}
                </WallSlot>
              );
            })}
          </div>
          {holdFor ? (
            <HoldForm
              camera={holdFor}
              tz={unitTimeZone(units, 'unit_id' in holdFor ? holdFor.unit_id : null)}
              onDone={(msg) => {
                setHoldFor(null);
                if (msg) setNotice(msg);
              }}
            />
          ) : null}
          <ViewsPanel
            views={views}
            current={view}
            layout={layout}
            slots={slots}
            onOpen={(v) => {
              apply(v);
              navigate({ page: 'wall', viewId: v.id });
            }}
            onSaved={(v) => {
              setViews((list) => [...list.filter((x) => x.id !== v.id && !(v.is_default && x.unit_id === v.unit_id && x.is_default)), v]);
              setView(v);
              setOpened(v.id);
              navigate({ page: 'wall', viewId: v.id });
              setNotice(t('wall.saved', { name: v.name }));
            }}
            onDeleted={(id) => {
              setViews((list) => list.filter((x) => x.id !== id));
              setView(null);
              setOpened(null);
              navigate({ page: 'wall', viewId: null });
            }}
          />
        </div>
      </div>
    </section>
  );
}

function WallSlot({
  index,
  style,
  placing,
  onPlace,
  onDrop,
  children,
}: {
  index: number;
  style: Record<string, string>;
  placing: boolean;
  onPlace: () => void;
  onDrop: (w: Picked) => void;
  children: preact.ComponentChildren;
}) {
  const [over, setOver] = useState(false);
  return (
    <div
      class={`wall-slot${over ? ' drop-target' : ''}${placing ? ' placing' : ''}`}
      style={style}
      data-testid="wall-slot"
      data-slot={index}
      role={placing ? 'button' : undefined}
      tabIndex={placing ? 0 : undefined}
      aria-label={placing ? t('wall.placeHere', { n: index + 1 }) : undefined}
      onClick={placing ? onPlace : undefined}
      onKeyDown={(e) => {
        if (placing && (e.key === 'Enter' || e.key === ' ')) {
          e.preventDefault();
          onPlace();
        }
      }}
      onDragOver={(e) => {
        const types = e.dataTransfer?.types ?? [];
        if (types.includes(CAMERA_MIME) || types.includes(SITE_MIME)) {
          e.preventDefault();
          setOver(true);
        }
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        const cam = Number(e.dataTransfer?.getData(CAMERA_MIME));
        const site = Number(e.dataTransfer?.getData(SITE_MIME));
        if (cam) onDrop({ camera: cam });
        else if (site) onDrop({ site });
      }}
    >
      {children}
    </div>
  );
}

export function CameraTree({
  units,
  sites,
  cameras,
  picked,
  onPick,
}: {
  units: Unit[];
  sites: Site[];
  cameras: Camera[];
  picked: Picked;
  onPick: (p: Picked) => void;
}) {
  const [q, setQ] = useState('');
  const tree = useMemo(() => cameraTree(units, sites, cameras, q), [units, sites, cameras, q]);
  return (
    <div class="cam-tree" data-testid="camera-tree">
      <Field id="wall-search" label={t('wall.search')}>
        {(a) => <input {...a} type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} placeholder={t('wall.searchHint')} />}
      </Field>
      <p class="hint">{t('wall.treeHint')}</p>
      {tree.length === 0 ? <p class="muted">{q ? t('wall.noMatch') : t('wall.noCameras')}</p> : null}
      <ul>
        {tree.map((u) => (
          <li key={u.unit.id}>
            <div class="tree-unit" style={{ paddingLeft: `${u.depth * 0.5}rem` }}>
              {pick(u.unit.name_vi, u.unit.name_en)}
            </div>
            <ul>
              {u.sites.map((s) => (
                <li key={s.site.id}>
                  <button
                    type="button"
                    class="linklike tree-site"
                    draggable
                    aria-pressed={!!picked && 'site' in picked && picked.site === s.site.id}
                    onDragStart={(e) => e.dataTransfer?.setData(SITE_MIME, String(s.site.id))}
                    onClick={() => onPick(picked && 'site' in picked && picked.site === s.site.id ? null : { site: s.site.id })}
                    title={t('wall.siteHint')}
                    data-testid="tree-site"
                  >
                    {s.site.name} ({s.cameras.length})
                  </button>
                  <ul>
                    {s.cameras.map((c) => (
                      <li key={c.id}>
                        <button
                          type="button"
                          class="linklike tree-cam"
                          draggable
                          aria-pressed={!!picked && 'camera' in picked && picked.camera === c.id}
                          onDragStart={(e) => e.dataTransfer?.setData(CAMERA_MIME, String(c.id))}
                          onClick={() => onPick(picked && 'camera' in picked && picked.camera === c.id ? null : { camera: c.id })}
                          data-testid="tree-camera"
                          data-camera-id={c.id}
                        >
                          <span class={`dot st-${c.state}`} aria-hidden="true" />
                          {c.name}
                        </button>
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </div>
  );
}

function HoldForm({ camera, tz, onDone }: { camera: { id: number; name: string }; tz: string; onDone: (msg: string | null) => void }) {
  const [to] = useState(() => Date.now());
  const [minutes, setMinutes] = useState('10');
  const [reason, setReason] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});
  const action = useAction();
  const busy = !!action.busy;
  const { error } = action;
  const submit = async (e: Event) => {
    e.preventDefault();
    const m = Number(minutes);
    const errs: Record<string, string> = {};
    if (!Number.isInteger(m) || m < 1 || m > 24 * 60) errs.from = t('wall.holdMinutesBad');
    if (!reason.trim()) errs.reason = t('hold.reasonRequired');
    setLocal(errs);
    if (Object.keys(errs).length) return;
    await action.run(async () => {
      await videoApi.createHold({ camera_id: camera.id, from: iso(to - m * 60_000), to: iso(to), reason: reason.trim() });
      onDone(t('wall.holdDone', { name: camera.name }));
    });
  };
  return (
    <form class="form panel" onSubmit={submit} noValidate aria-label={t('wall.holdTitle', { name: camera.name })} data-testid="wall-hold">
      <h2>{t('wall.holdTitle', { name: camera.name })}</h2>
      <ProblemBox error={error} />
      <Field id="wall-hold-min" label={t('wall.holdMinutes', { to: formatDateTime(to, { seconds: true, timeZone: tz }) })} error={local.from ?? fieldError(error, 'from')}>
        {(a) => <input {...a} inputMode="numeric" value={minutes} onInput={(e) => setMinutes(e.currentTarget.value)} />}
      </Field>
      <Field id="wall-hold-reason" label={t('hold.reason')} error={local.reason ?? fieldError(error, 'reason')}>
        {(a) => <textarea {...a} rows={2} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />}
      </Field>
      <div class="toolbar">
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {t('hold.new')}
        </button>
        <button type="button" class="btn" onClick={() => onDone(null)}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

/** Saved views: open, save (for oneself or the unit), the unit's default, a tour, another window. */
function ViewsPanel({
  views,
  current,
  layout,
  slots,
  onOpen,
  onSaved,
  onDeleted,
}: {
  views: WallView[];
  current: WallView | null;
  layout: Layout;
  slots: Slots;
  onOpen: (v: WallView) => void;
  onSaved: (v: WallView) => void;
  onDeleted: (id: number) => void;
}) {
  const { user } = useApp();
  const [name, setName] = useState(current?.name ?? '');
  const [shared, setShared] = useState(current?.shared ?? false);
  const [isDefault, setDefault] = useState(current?.is_default ?? false);
  const [tour, setTour] = useState<Tour | null>(current?.tour ?? null);
  const [dwell, setDwell] = useState(String(current?.tour?.dwell_seconds ?? 20));
  const action = useAction();
  const busy = !!action.busy;
  const { error, setError } = action;
  const [local, setLocal] = useState<Record<string, string>>({});
  const [other, setOther] = useState('');
  useEffect(() => {
    setName(current?.name ?? '');
    setShared(current?.shared ?? false);
    setDefault(current?.is_default ?? false);
    setTour(current?.tour ?? null);
    setDwell(String(current?.tour?.dwell_seconds ?? 20));
    setError(null);
    setLocal({});
  }, [current?.id]);

  const save = async (asNew: boolean) => {
    const errs: Record<string, string> = {};
    if (!name.trim()) errs.name = t('wall.nameRequired');
    const d = Number(dwell);
    if (tour && (!Number.isInteger(d) || d < MIN_DWELL_S)) errs['tour.dwell_seconds'] = t('wall.dwellBad', { min: MIN_DWELL_S });
    setLocal(errs);
    if (Object.keys(errs).length) return;
    const body = {
      name: name.trim(),
      layout,
      tiles: tilesToSave(slots),
      shared,
      is_default: shared && isDefault,
      tour: tour ? { dwell_seconds: d, sets: tour.sets.map(tilesToSave) } : null,
    };
    await action.run(async () =>
      onSaved(current && !asNew ? await wallApi.update(current.id, body) : await wallApi.create({ ...body, unit_id: roleUnit(user) })),
    );
  };
  const del = async () => {
    if (!current) return;
    await action.run(async () => {
      await wallApi.remove(current.id);
      onDeleted(current.id);
    });
  };
  const fe = (f: string) => local[f] ?? fieldError(error, f);
  const mine = views.filter((v) => !v.shared);
  const unitViews = views.filter((v) => v.shared);
  const editable = !current || current.can_edit !== false;

  return (
    <section class="panel wall-views" aria-labelledby="wall-views-h" data-testid="wall-views">
      <h2 id="wall-views-h">{t('wall.views')}</h2>
      <div class="toolbar">
        <label>
          {t('wall.open')}{' '}
          <select
            value={current ? String(current.id) : ''}
            data-testid="wall-view-select"
            onChange={(e) => {
              const v = views.find((x) => String(x.id) === e.currentTarget.value);
              if (v) onOpen(v);
            }}
          >
            <option value="">{t('wall.unsaved')}</option>
            {mine.length ? (
              <optgroup label={t('wall.mine')}>
                {mine.map((v) => (
                  <option key={v.id} value={v.id}>
                    {v.name}
                  </option>
                ))}
              </optgroup>
            ) : null}
            {unitViews.length ? (
              <optgroup label={t('wall.shared')}>
                {unitViews.map((v) => (
                  <option key={v.id} value={v.id}>
                    {v.name}
                    {v.is_default ? ` — ${t('wall.default')}` : ''}
                  </option>
                ))}
              </optgroup>
            ) : null}
          </select>
        </label>
        <label>
          {t('wall.otherWindow')}{' '}
          <select value={other} onChange={(e) => setOther(e.currentTarget.value)} data-testid="wall-other">
            <option value="">—</option>
            {views.map((v) => (
              <option key={v.id} value={v.id}>
                {v.name}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          class="btn"
          disabled={!other}
          onClick={() => window.open(`#/wall/${other}`, `wall-${other}`, 'noopener')}
          title={t('wall.otherWindowHint')}
        >
          {t('wall.openWindow')}
        </button>
      </div>
      <form
        class="form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save(false);
        }}
      >
        <ProblemBox error={error} />
        <div class="grid2">
          <Field id="wall-name" label={t('wall.name')} error={fe('name')}>
            {(a) => <input {...a} value={name} maxLength={100} onInput={(e) => setName(e.currentTarget.value)} data-testid="wall-name" />}
          </Field>
          <div class="field">
            <label>
              <input type="checkbox" checked={shared} onChange={(e) => setShared(e.currentTarget.checked)} data-testid="wall-shared" /> {t('wall.shareUnit')}
            </label>
            {shared ? (
              <label>
                <input type="checkbox" checked={isDefault} onChange={(e) => setDefault(e.currentTarget.checked)} data-testid="wall-default" />{' '}
                {t('wall.makeDefault')}
              </label>
            ) : null}
            {fe('is_default') ? <p class="field-error">{fe('is_default')}</p> : null}
          </div>
        </div>
        <fieldset class="tour">
          <legend>{t('wall.tour')}</legend>
          <p class="hint">{t('wall.tourHint')}</p>
          {tour ? (
            <>
              <Field id="wall-dwell" label={t('wall.dwell')} error={fe('tour.dwell_seconds')}>
                {(a) => <input {...a} inputMode="numeric" value={dwell} onInput={(e) => setDwell(e.currentTarget.value)} />}
              </Field>
              <ol>
                {tour.sets.map((s, i) => (
                  <li key={i}>
                    {t('wall.tourSet', { n: s.filter((x) => x !== null).length })}{' '}
                    <button type="button" class="btn btn-small" onClick={() => setTour({ ...tour, sets: tour.sets.filter((_, j) => j !== i) })}>
                      {t('common.delete')}
                    </button>
                  </li>
                ))}
              </ol>
            </>
          ) : null}
          {fe('tour.sets') ? <p class="field-error">{fe('tour.sets')}</p> : null}
          <button
            type="button"
            class="btn"
            onClick={() => setTour((x) => ({ dwell_seconds: x?.dwell_seconds ?? 20, sets: [...(x?.sets ?? []), [...slots]] }))}
          >
            {t('wall.tourAdd')}
          </button>{' '}
          {tour ? (
            <button type="button" class="btn" onClick={() => setTour(null)}>
              {t('wall.tourNone')}
            </button>
          ) : null}
        </fieldset>
        <div class="toolbar">
          {current && editable ? (
            <button type="submit" class="btn btn-primary" disabled={busy} data-testid="wall-save">
              {t('wall.save')}
            </button>
          ) : null}
          <button type="button" class={`btn${current && editable ? '' : ' btn-primary'}`} disabled={busy} onClick={() => void save(true)} data-testid="wall-save-new">
            {t('wall.saveNew')}
          </button>
          {current && editable ? (
            <button type="button" class="btn btn-danger" disabled={busy} onClick={() => void del()}>
              {t('common.delete')}
            </button>
          ) : null}
        </div>
      </form>
    </section>
  );
}

const NO_SITES: Site[] = [];
const NO_UNITS: Unit[] = [];
const NO_VIEWS: WallView[] = [];
