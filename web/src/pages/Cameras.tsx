// Cameras (camera giám sát): the list grouped by site with each camera's state as the recorder
// reports it, live; and the form that adds or changes a camera. Credentials are write-only: the form
// says whether they are set and offers to change or remove them.
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { CAMERA_CONNECTIONS, CAMERA_OWNERS, CAMERA_STATES, videoApi, type Camera, type CameraLive, type Site } from '../api';
import { unitNameIn, unitTimeZone } from '../cases';
import { formatDateTime } from '../format';
import { useAction, useCustomsUnits, useLoad, useNow, usePagedList } from '../hooks';
import { t } from '../i18n';
import { ListPage, type Column } from '../listpage';
import { useLiveConnected, useLiveTopic, type LiveEvent } from '../live';
import { anyOnNodes, cameraNode, nodeChoices } from '../nodes';
import { navigate } from '../router';
import { canWriteCameras, useApp } from '../session';
import { ChoiceFilter, Field, fieldError, Loading, ProblemBox, unclaimedFieldErrors } from '../ui';
import {
  applyCameraState,
  cameraForm,
  cameraPatch,
  cameraPayload,
  credentialsMode,
  mustReenterCredentials,
  cameraStateName,
  connectionName,
  formatFps,
  formatKbps,
  groupBySite,
  ownerName,
  stateClass,
  stateMatches,
  timeAgo,
  type CameraForm,
  type CredentialsChange,
} from '../video';
import { VideoTabs } from './Sites';

export function CameraStateBadge({ state }: { state: string }) {
  return (
    <span class={`badge ${stateClass(state)}`} data-testid="camera-state" data-state={state}>
      {cameraStateName(state)}
    </span>
  );
}

/** A red dot while the recorder writes the camera's stream, hollow otherwise. */
export function RecordingDot({ live: l }: { live: CameraLive | null | undefined }) {
  const on = !!l?.recording;
  const text = on ? t('camera.recording') : t('camera.notRecording');
  return <span class={`rec-dot ${on ? 'on' : 'off'}`} role="img" aria-label={text} title={text} data-recording={on ? 'yes' : 'no'} />;
}

/** "5 phút trước", with the exact time (in the unit's zone) as its tooltip. */
export function Since({ at, now, tz }: { at: string | null | undefined; now: number; tz: string }) {
  if (!at) return <span class="muted">—</span>;
  return (
    <time dateTime={at} title={formatDateTime(at, { seconds: true, timeZone: tz })}>
      {timeAgo(at, now)}
    </time>
  );
}

/** The recorder node a camera is assigned to ("Máy chủ trung tâm" when none), and the standby recording it meanwhile. */
export function CameraNode({ camera }: { camera: Pick<Camera, 'node_id' | 'node_name' | 'recording_node_id' | 'recording_node_name'> }) {
  const { node, standby } = cameraNode(camera);
  return (
    <div data-testid="camera-node">
      {node}
      {standby ? <div class="muted small">{t('camera.recordedBy', { name: standby })}</div> : null}
    </div>
  );
}

/** The rows of one site's cameras in the grouped list; `showNode` adds the recorder node's column. */
export function CameraRows({ cameras, now, tz, showNode = false }: { cameras: Camera[]; now: number; tz: string; showNode?: boolean }) {
  return (
    <>
      {cameras.map((c) => (
        <tr key={c.id} data-camera-id={c.id} class={c.enabled ? '' : 'inactive'}>
          <td>
            <a href={`#/cameras/${c.id}`}>{c.name}</a>
          </td>
          <td>
            <CameraStateBadge state={c.state} />
          </td>
          <td>
            <Since at={c.state_since} now={now} tz={tz} />
          </td>
          <td class="num">{formatFps(c.live?.fps)}</td>
          <td class="num">{formatKbps(c.live?.kbps)}</td>
          <td class="center">
            <RecordingDot live={c.live} />
          </td>
          {showNode ? (
            <td>
              <CameraNode camera={c} />
            </td>
          ) : null}
          <td>
            {ownerName(c.owner)}
            {c.owner !== 'customs' && c.owner_name ? <div class="muted small">{c.owner_name}</div> : null}
          </td>
          <td>{connectionName(c.connection)}</td>
        </tr>
      ))}
    </>
  );
}



export function CamerasPage() {
  const { user } = useApp();
  const units = useCustomsUnits();
  const sites = useLoad((signal) => videoApi.sites(undefined, signal).catch(() => [] as Site[]), []).data ?? NO_SITES;
  const [filter, setFilter] = useState({ site: '', state: '' });
  const connected = useLiveConnected();
  const now = useNow();
  const list = usePagedList((cursor, signal) => videoApi.cameras({ site: filter.site ? Number(filter.site) : null }, cursor, signal), [filter.site], {
    live: true,
  });

  // Live: the recorder's word on each camera (state, numbers, last error) as it changes.
  const { setItems, reload } = list;
  const onState = useCallback((e: LiveEvent) => setItems((prev) => applyCameraState(prev, e.payload)), [setItems]);
  useLiveTopic('camera.state', onState);
  // A camera assigned elsewhere, or a recorder node down or back: its cameras change together (one event each),
  // and a burst is one reload.
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const onChanged = useCallback(() => {
    if (pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = null;
      reload();
    }, RELOAD_AFTER_EVENT_MS);
  }, [reload]);
  useEffect(() => () => (pending.current ? clearTimeout(pending.current) : undefined), []);
  useLiveTopic('camera.changed', onChanged);

  const cameras = list.items;
  const matching = useMemo(() => (cameras ?? []).filter((c) => stateMatches(c, filter.state)), [cameras, filter.state]);
  const siteById = useMemo(() => new Map(sites.map((s) => [s.id, s])), [sites]);
  const write = canWriteCameras(user);
  const showNode = useMemo(() => anyOnNodes(cameras ?? []), [cameras]);
  // The rows are CameraRows, grouped by site: the columns give the heads.
  const columns: Column<Camera>[] = [
    { head: t('camera.name') },
    { head: t('camera.state') },
    { head: t('camera.since') },
    { head: t('camera.fps'), class: 'num' },
    { head: t('camera.kbps'), class: 'num' },
    { head: t('camera.recording') },
    ...(showNode ? [{ head: t('camera.node') }] : []),
    { head: t('camera.owner') },
    { head: t('camera.connection') },
  ];

  return (
    <ListPage
      class="cameras"
      title={t('camera.title')}
      actions={
        <>
          {cameras ? <span class="muted">{t('camera.count', { n: matching.length })}</span> : null}
          <span class={`live-state ${connected ? 'on' : 'off'}`} role="status" data-testid="live-state">
            {connected ? t('duty.live') : t('cases.polling')}
          </span>
          {write ? (
            <a class="btn btn-primary push-right" href={filter.site ? `#/cameras/new/${filter.site}` : '#/cameras/new'}>
              {t('camera.new')}
            </a>
          ) : null}
        </>
      }
      top={<VideoTabs current="cameras" />}
      filters={
        <>
          <ChoiceFilter id="camf-site" label={t('camera.site')} value={filter.site} onChange={(v) => setFilter((f) => ({ ...f, site: v }))}>
            {sites.map((s) => (
              <option key={s.id} value={String(s.id)}>
                {s.name}
              </option>
            ))}
          </ChoiceFilter>
          <ChoiceFilter
            id="camf-state"
            label={t('camera.state')}
            value={filter.state}
            values={CAMERA_STATES}
            name={(s) => cameraStateName(s)}
            onChange={(v) => setFilter((f) => ({ ...f, state: v }))}
          />
        </>
      }
      list={{ ...list, items: cameras && matching }}
      empty={cameras && cameras.length > 0 ? t('camera.noMatch') : t('camera.empty')}
      tableClass="grid camera-list"
      testId="camera-list"
      columns={columns}
      body={(items) =>
        groupBySite(items, sites).map((g) => {
          const site = siteById.get(g.siteId);
          return (
            <tbody key={g.siteId} data-site-id={g.siteId} aria-live="polite">
              <tr class="group-row">
                <th scope="colgroup" colSpan={columns.length}>
                  {g.name}
                  {site || g.cameras[0] ? <span class="muted small"> — {unitNameIn(site ?? g.cameras[0])}</span> : null}
                </th>
              </tr>
              <CameraRows cameras={g.cameras} now={now} tz={unitTimeZone(units, g.unitId)} showNode={showNode} />
            </tbody>
          );
        })
      }
    />
  );
}

const NO_SITES: Site[] = [];
const RELOAD_AFTER_EVENT_MS = 300;

// ---- the form -----------------------------------------------------------------------------------

/** New camera (at `siteId` when given) or a camera being changed (#/cameras/{id}/edit). */
export function CameraFormPage({ cameraId, siteId }: { cameraId: number | null; siteId: number | null }) {
  const load = useLoad((signal) => (cameraId ? videoApi.camera(cameraId, signal) : Promise.resolve(null)), [cameraId]);
  if (cameraId && !load.data) return load.error ? <ProblemBox error={load.error} /> : <Loading />;
  return <CameraFormView camera={load.data} siteId={siteId} />;
}

const CLAIMED = [
  'site_id',
  'name',
  'owner',
  'owner_name',
  'connection',
  'main_url',
  'sub_url',
  'username',
  'password',
  'enabled',
  'retention_days',
  'retention_bytes',
  'node_id',
];

function CameraFormView({ camera, siteId }: { camera: Camera | null; siteId: number | null }) {
  const sitesLoad = useLoad((signal) => videoApi.sites(undefined, signal), []);
  const sites = sitesLoad.data ?? (sitesLoad.error ? NO_SITES : null);
  const [form, setForm] = useState<CameraForm>(() => cameraForm(camera, siteId));
  const [local, setLocal] = useState<Record<string, string>>({});
  const save = useAction();
  const busy = !!save.busy;
  const error = save.error ?? sitesLoad.error;
  // The recorder nodes to choose from. Without any (SQLite, none registered, no answer) there is nothing to choose:
  // the field stays away and the camera stays where it is.
  const nodeList = useLoad((signal) => videoApi.recorderNodes(signal).catch(() => null), []).data;
  const currentNode = camera?.node_id ?? null;
  const nodeOptions =
    nodeList && nodeList.store !== 'sqlite' && (nodeList.items.some((n) => n.state !== 'revoked') || currentNode !== null)
      ? nodeChoices(nodeList.items, currentNode, camera?.node_name)
      : null;

  // A single site needs no choosing.
  useEffect(() => {
    const items = sitesLoad.data;
    if (items?.length === 1) setForm((f) => (f.site ? f : { ...f, site: String(items[0].id) }));
  }, [sitesLoad.data]);

  const set = <K extends keyof CameraForm>(k: K, v: CameraForm[K]) => setForm((f) => ({ ...f, [k]: v }));
  const credentials = (c: CredentialsChange) => setForm((f) => ({ ...f, credentials: c, username: '', password: '' }));

  const submit = async (e: Event) => {
    e.preventDefault();
    const { body, errors } = cameraPayload(form, !camera, camera);
    setLocal(errors);
    if (Object.keys(errors).length) return;
    await save.run(async () => {
      let saved: Camera;
      if (camera) {
        const patch = cameraPatch(body, camera);
        saved = Object.keys(patch).length ? await videoApi.updateCamera(camera.id, patch) : camera;
      } else {
        saved = await videoApi.createCamera(body);
      }
      navigate({ page: 'camera', cameraId: saved.id, edit: false });
    });
  };

  const fe = (f: string) => local[f] ?? fieldError(error, f);
  // Moved to another host or port: the stored credentials do not follow (the server refuses it).
  const rebind = mustReenterCredentials(camera, form.main_url);
  const mode = credentialsMode(form, camera);
  const title = camera ? t('camera.editTitle', { name: camera.name }) : t('camera.newTitle');
  const siteLabel = (s: Site) => {
    const unit = unitNameIn(s);
    return unit ? `${s.name} — ${unit}` : s.name;
  };
  const cancel = () => (camera ? navigate({ page: 'camera', cameraId: camera.id, edit: false }) : navigate({ page: 'cameras' }));

  return (
    <section class="camera-form">
      <div class="page-head">
        <h1>{title}</h1>
      </div>
      <form class="form panel" onSubmit={submit} aria-label={title} noValidate>
        <ProblemBox error={error} extra={unclaimedFieldErrors(error, CLAIMED)} />
        {sites && sites.length === 0 && !error ? (
          <p class="alert alert-warn">
            {t('camera.noSites')} <a href="#/sites/new">{t('site.new')}</a>
          </p>
        ) : null}
        <div class="grid2">
          <Field id="camf-form-site" label={t('camera.site')} error={fe('site_id')}>
            {(a) => (
              <select {...a} value={form.site} onChange={(e) => set('site', e.currentTarget.value)}>
                {!form.site ? <option value="">{t('camera.chooseSite')}</option> : null}
                {form.site && sites && !sites.some((s) => String(s.id) === form.site) ? (
                  <option value={form.site}>{camera?.site_name ?? t('video.unknownSite', { id: form.site })}</option>
                ) : null}
                {(sites ?? []).map((s) => (
                  <option key={s.id} value={String(s.id)}>
                    {siteLabel(s)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="camf-name" label={t('camera.name')} error={fe('name')}>
            {(a) => <input {...a} required maxLength={200} value={form.name} onInput={(e) => set('name', e.currentTarget.value)} />}
          </Field>
          <Field id="camf-owner" label={t('camera.owner')} error={fe('owner')}>
            {(a) => (
              <select {...a} value={form.owner} onChange={(e) => set('owner', e.currentTarget.value)}>
                {CAMERA_OWNERS.map((o) => (
                  <option key={o} value={o}>
                    {ownerName(o)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="camf-owner-name" label={t('camera.ownerName')} error={fe('owner_name')} hint={t('camera.ownerNameHint')}>
            {(a) => <input {...a} maxLength={300} value={form.owner_name} onInput={(e) => set('owner_name', e.currentTarget.value)} />}
          </Field>
          <Field id="camf-connection" label={t('camera.connection')} error={fe('connection')}>
            {(a) => (
              <select {...a} value={form.connection} onChange={(e) => set('connection', e.currentTarget.value)}>
                {CAMERA_CONNECTIONS.map((c) => (
                  <option key={c} value={c}>
                    {connectionName(c)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {nodeOptions ? (
            <Field id="camf-node" label={t('camera.node')} error={fe('node_id')} hint={t('camera.nodeHint')}>
              {(a) => (
                <select {...a} value={form.node} onChange={(e) => set('node', e.currentTarget.value)}>
                  {nodeOptions.map((o) => (
                    <option key={o.value} value={o.value} disabled={o.disabled}>
                      {o.label}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          ) : null}
        </div>
        {!nodeOptions && fe('node_id') ? <p class="alert alert-error">{fe('node_id')}</p> : null}
        <Field id="camf-main" label={t('camera.mainUrl')} error={fe('main_url')} hint={t('camera.urlHint')}>
          {(a) => (
            <input
              {...a}
              class="code"
              required
              autocomplete="off"
              spellcheck={false}
              placeholder="rtsp://10.0.0.21:554/Streaming/Channels/101"
              value={form.main_url}
              onInput={(e) => set('main_url', e.currentTarget.value)}
            />
          )}
        </Field>
        <Field id="camf-sub" label={t('camera.subUrl')} error={fe('sub_url')} hint={t('camera.subUrlHint')}>
          {(a) => (
            <input
              {...a}
              class="code"
              autocomplete="off"
              spellcheck={false}
              value={form.sub_url}
              onInput={(e) => set('sub_url', e.currentTarget.value)}
            />
          )}
        </Field>

        <fieldset class="credentials" data-testid="credentials">
          <legend>{t('camera.credentials')}</legend>
          <p class="hint">{t('camera.credentialsHint')}</p>
          {camera ? (
            <div class="toolbar">
              <span class={`badge ${camera.credentials_set ? 'cred-set' : 'cred-unset'}`} data-testid="credentials-state">
                {camera.credentials_set ? t('camera.credentialsSet') : t('camera.credentialsNotSet')}
              </span>
              {mode === 'keep' ? (
                <button type="button" class="btn btn-small" onClick={() => credentials('set')}>
                  {camera.credentials_set ? t('camera.credentialsChange') : t('camera.credentialsSetNew')}
                </button>
              ) : null}
              {mode !== 'remove' && camera.credentials_set && (mode === 'keep' || rebind) ? (
                <button type="button" class="btn btn-small btn-danger" onClick={() => credentials('remove')}>
                  {t('camera.credentialsRemove')}
                </button>
              ) : null}
              {mode !== 'keep' && !(mode === 'set' && rebind) ? (
                <button type="button" class="btn btn-small" onClick={() => credentials('keep')}>
                  {t('camera.credentialsKeep')}
                </button>
              ) : null}
            </div>
          ) : null}
          {rebind && mode === 'set' ? (
            <p class="alert alert-warn" data-testid="credentials-rebind">
              {t('camera.credentialsRebind')}
            </p>
          ) : null}
          {mode === 'remove' ? <p class="alert alert-warn">{t('camera.credentialsWillRemove')}</p> : null}
          {mode !== 'set' && fe('password') ? <p class="alert alert-error">{fe('password')}</p> : null}
          {mode === 'set' ? (
            <div class="grid2">
              <Field id="camf-username" label={t('camera.username')} error={fe('username')}>
                {(a) => (
                  <input {...a} autocomplete="off" spellcheck={false} value={form.username} onInput={(e) => set('username', e.currentTarget.value)} />
                )}
              </Field>
              <Field id="camf-password" label={t('camera.password')} error={fe('password')}>
                {(a) => (
                  <input {...a} type="password" autocomplete="new-password" value={form.password} onInput={(e) => set('password', e.currentTarget.value)} />
                )}
              </Field>
            </div>
          ) : null}
        </fieldset>

        <fieldset>
          <legend>{t('camera.retention')}</legend>
          <div class="grid2">
            <Field id="camf-days" label={t('camera.retentionDays')} error={fe('retention_days')}>
              {(a) => (
                <input {...a} inputMode="numeric" value={form.retention_days} onInput={(e) => set('retention_days', e.currentTarget.value)} />
              )}
            </Field>
            <Field id="camf-bytes" label={t('camera.retentionBytes')} error={fe('retention_bytes')} hint={t('camera.retentionBytesHint')}>
              {(a) => <input {...a} inputMode="decimal" value={form.retention_gb} onInput={(e) => set('retention_gb', e.currentTarget.value)} />}
            </Field>
          </div>
        </fieldset>
        <div class={`check${fe('enabled') ? ' has-error' : ''}`}>
          <input id="camf-enabled" type="checkbox" checked={form.enabled} onChange={(e) => set('enabled', e.currentTarget.checked)} />
          <label for="camf-enabled">{t('camera.enabled')}</label>
          {fe('enabled') ? <div class="field-error">{fe('enabled')}</div> : null}
        </div>
        <div class="toolbar">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? t('common.saving') : t('common.save')}
          </button>
          <button type="button" class="btn" onClick={cancel}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}
