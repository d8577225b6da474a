// One camera: what it is, the recorder's live word on it (with a connection test), playback of its
// recordings on a zoomable timeline (CameraPlayback.tsx), and the evidence holds (giữ dữ liệu làm chứng
// cứ) that keep its recordings from retention.
import { useCallback, useState } from 'preact/hooks';
import { ApiError, sharingApi, videoApi, type Camera, type CameraGrant, type Grant, type Hold, type ProbeResult } from '../api';
import { resolveCase, unitNameIn, unitTimeZone } from '../cases';
import { formatDateTime } from '../format';
import { useAction, useCustomsUnits, useLoad, useNow } from '../hooks';
import { t } from '../i18n';
import { useLiveTopic, type LiveEvent } from '../live';
import { navigate } from '../router';
import { canPlayVideo, canSeeCameras, canWriteCameras, canWriteHolds, useApp } from '../session';
import { announceHoldsChanged } from '../timeline';
import { LiveWithReplay } from '../livetile';
import { Field, fieldError, Loading, Notice, ProblemBox, unclaimedFieldErrors } from '../ui';
import {
  bilingual,
  connectionName,
  formatBytes,
  formatFps,
  formatKbps,
  holdForm,
  holdPayload,
  isCameraStateEvent,
  isHoldActive,
  ownerName,
  sortHolds,
  streamText,
  timeAgo,
  withState,
  type HoldForm,
} from '../video';
import { OpenOutage } from './CameraOutages';
import { CameraPlayback } from './CameraPlayback';
import { CameraNode, CameraStateBadge, RecordingDot } from './Cameras';
import { GrantWindow } from './SharingParts';

export function CameraDetailPage({ cameraId }: { cameraId: number }) {
  const { user } = useApp();
  const units = useCustomsUnits();
  const load = useLoad((signal) => videoApi.camera(cameraId, signal), [cameraId], { live: true });
  const camera = load.data;
  // Without a role that reads cameras, the camera is seen under a grant (Art. 16.3): the grant in force
  // that names it, when the camera's answer does not carry it.
  const viaGrant = !canSeeCameras(user);
  const heldLoad = useLoad(
    (signal) => (viaGrant ? sharingApi.grants({ view: 'mine', status: 'active' }, signal).then((gs) => grantOf(gs, cameraId)) : Promise.resolve(null)),
    [viaGrant, cameraId],
  );
  const held = heldLoad.data;
  const { error } = load;
  const [span, setSpan] = useState<{ from: number; to: number } | null>(null);
  const now = useNow(15_000);

  const { setData } = load;
  const onState = useCallback(
    (e: LiveEvent) => {
      if (isCameraStateEvent(e.payload) && e.payload.camera_id === cameraId)
        setData((c) => (c && isCameraStateEvent(e.payload) ? withState(c, e.payload) : c));
    },
    [cameraId, setData],
  );
  useLiveTopic('camera.state', onState);
  // Assigned to another recorder node, or its node went down or came back: asked again.
  const { reload } = load;
  const onChanged = useCallback(
    (e: LiveEvent) => (e.payload?.camera_id === cameraId ? void reload() : undefined),
    [cameraId, reload],
  );
  useLiveTopic('camera.changed', onChanged);

  if (error && !camera) {
    const forbidden = error instanceof ApiError && error.status === 403;
    return <ProblemBox error={error} extra={forbidden ? [t('error.forbiddenPage')] : undefined} />;
  }
  if (!camera || (viaGrant && !camera.grant && heldLoad.loading)) return <Loading />;
  const tz = unitTimeZone(units, camera.unit_id);
  // Outside customs the camera is seen under a grant (Art. 16.3): only what it gives, with its window.
  const grant = camera.grant ?? held ?? null;
  const live = grant ? grant.data_types.includes('live') : canPlayVideo(user);
  const playback = grant ? grant.data_types.some((d) => d === 'recordings' || d === 'snapshots') : canPlayVideo(user);

  return (
    <section class="camera-detail" data-camera-id={camera.id}>
      <div class="page-head">
        <h1>{t('camera.detailTitle', { name: camera.name })}</h1>
        <CameraStateBadge state={camera.state} />
        <a class="btn push-right" href={grant ? '#/grants' : '#/cameras'}>
          {grant ? t('grant.title') : t('camera.backToList')}
        </a>
      </div>
      <ProblemBox error={error} />
      {grant ? <GrantWindow grant={grant} tz={tz} now={now} /> : null}
      {live ? (
        <section class="panel live-panel" aria-labelledby="cam-live-h">
          <h2 id="cam-live-h">{t('live.title')}</h2>
          <LiveWithReplay camera={camera} tz={tz} canReplay={playback && (!grant?.to || Date.parse(grant.to) > now)} mediaUrl={videoApi.mediaUrl} />
        </section>
      ) : null}
      {!grant && camera.owner === 'enterprise' ? <OpenOutage cameraId={camera.id} state={camera.state} tz={tz} now={now} /> : null}
      {grant ? null : (
        <div class="camera-top">
          <CameraFacts camera={camera} write={canWriteCameras(user)} />
          <section class="panel" aria-labelledby="cam-status-h">
            <h2 id="cam-status-h">{t('camera.status')}</h2>
            <StatePanel camera={camera} now={now} tz={tz} />
            <Probe cameraId={camera.id} />
          </section>
        </div>
      )}
      {/* The timeline, playback and snapshots are all video_playback (or a grant's recordings): without it the server refuses each. */}
      {playback ? <CameraPlayback key={`${camera.id}-${tz}`} camera={camera} tz={tz} now={now} onSpan={setSpan} grant={grant} /> : null}
      {grant ? null : <HoldsPanel camera={camera} tz={tz} span={span} now={now} write={canWriteHolds(user)} />}
    </section>
  );
}

/** The window of the first grant in force that names the camera. */
export function grantOf(grants: Grant[], cameraId: number): CameraGrant | null {
  const g = grants.find((x) => x.status === 'active' && x.camera_ids.includes(cameraId));
  return g ? { id: g.id, expires_at: g.expires_at, from: g.from, to: g.to, mode: g.mode, data_types: g.data_types } : null;
}

function CameraFacts({ camera: c, write }: { camera: Camera; write: boolean }) {
  // Older answers name the site only by id: ask for it then.
  const siteName = useLoad(
    (signal) => (c.site_name ? Promise.resolve(null) : videoApi.site(c.site_id, signal).then((s) => s.name, () => null)),
    [c.site_id, c.site_name],
  ).data;
  const [confirming, setConfirming] = useState(false);
  const action = useAction();
  const busy = !!action.busy;
  const { error } = action;
  const del = async () => {
    const ok = await action.run(async () => {
      await videoApi.deleteCamera(c.id);
      navigate({ page: 'cameras' });
    });
    if (!ok) setConfirming(false);
  };
  return (
    <section class="panel" aria-labelledby="cam-info-h">
      <h2 id="cam-info-h">{t('camera.info')}</h2>
      {write ? (
        <div class="toolbar">
          <a class="btn" href={`#/cameras/${c.id}/edit`}>
            {t('common.edit')}
          </a>
          <button type="button" class="btn btn-danger" disabled={confirming} onClick={() => setConfirming(true)}>
            {t('common.delete')}
          </button>
        </div>
      ) : null}
      {confirming ? (
        <div class="alert alert-warn" role="alertdialog" aria-labelledby="cam-del-text">
          <p id="cam-del-text">{t('camera.deleteConfirm', { name: c.name })}</p>
          <button type="button" class="btn btn-danger" onClick={del} disabled={busy}>
            {t('common.confirmDelete')}
          </button>{' '}
          <button type="button" class="btn" onClick={() => setConfirming(false)}>
            {t('common.cancel')}
          </button>
        </div>
      ) : null}
      <ProblemBox error={error} />
      <dl class="props">
        <dt>{t('camera.site')}</dt>
        <dd>{c.site_name ?? siteName ?? t('video.unknownSite', { id: c.site_id })}</dd>
        <dt>{t('camera.unit')}</dt>
        <dd>{unitNameIn(c)}</dd>
        <dt>{t('camera.owner')}</dt>
        <dd>
          {ownerName(c.owner)}
          {c.owner_name ? ` — ${c.owner_name}` : ''}
        </dd>
        <dt>{t('camera.connection')}</dt>
        <dd>{connectionName(c.connection)}</dd>
        {/* Servers before recorder nodes say nothing of them. */}
        {c.node_id !== undefined ? (
          <>
            <dt>{t('camera.node')}</dt>
            <dd>
              <CameraNode camera={c} />
            </dd>
          </>
        ) : null}
        <dt>{t('camera.mainUrl')}</dt>
        <dd class="code">{c.main_url}</dd>
        {c.sub_url ? (
          <>
            <dt>{t('camera.subUrl')}</dt>
            <dd class="code">{c.sub_url}</dd>
          </>
        ) : null}
        <dt>{t('camera.credentials')}</dt>
        <dd data-testid="credentials-state">{c.credentials_set ? t('camera.credentialsSet') : t('camera.credentialsNotSet')}</dd>
        <dt>{t('camera.enabled')}</dt>
        <dd>{c.enabled ? t('common.yes') : t('common.no')}</dd>
        <dt>{t('camera.retention')}</dt>
        <dd>
          {t('camera.retentionText', { days: c.retention_days })};{' '}
          {c.retention_bytes > 0 ? formatBytes(c.retention_bytes) : t('camera.noByteLimit')}
        </dd>
      </dl>
    </section>
  );
}

/** The recorder's word on the camera: state and since when, the stream's numbers, the last error. */
export function StatePanel({ camera: c, now, tz }: { camera: Pick<Camera, 'state' | 'state_since' | 'live'>; now: number; tz: string }) {
  const l = c.live ?? null;
  const error = bilingual(l?.last_error);
  return (
    <div class="state-panel" data-testid="state-panel">
      <dl class="props">
        <dt>{t('camera.state')}</dt>
        <dd>
          <CameraStateBadge state={c.state} />{' '}
          {c.state_since ? (
            <span class="muted small">
              {t('camera.stateSince', { time: formatDateTime(c.state_since, { seconds: true, timeZone: tz }), ago: timeAgo(c.state_since, now) })}
            </span>
          ) : null}
        </dd>
        <dt>{t('camera.recording')}</dt>
        <dd>
          <RecordingDot live={l} /> {l?.recording ? t('camera.recording') : t('camera.notRecording')}
        </dd>
        <dt>{t('camera.stream')}</dt>
        <dd data-testid="stream">{streamText(l) || '—'}</dd>
        <dt>{t('camera.fps')}</dt>
        <dd data-testid="fps">{formatFps(l?.fps) || '—'}</dd>
        <dt>{t('camera.kbps')}</dt>
        <dd data-testid="kbps">{formatKbps(l?.kbps) || '—'}</dd>
      </dl>
      {error ? (
        <div class="alert alert-warn" data-testid="last-error">
          <strong>{t('camera.lastError')}:</strong> {error}
        </div>
      ) : null}
    </div>
  );
}

/** "Kiểm tra kết nối": one connection attempt from the server (up to ~15 s), then what it found. */
export function Probe({ cameraId, probe = videoApi.probe }: { cameraId: number; probe?: (id: number) => Promise<ProbeResult> }) {
  const [result, setResult] = useState<ProbeResult | null>(null);
  const action = useAction();
  const busy = !!action.busy;
  const { error } = action;
  const run = () => {
    setResult(null);
    return action.run(async () => setResult(await probe(cameraId)));
  };
  return (
    <div class="probe" data-testid="probe">
      <button type="button" class="btn" onClick={run} disabled={busy} aria-busy={busy}>
        {t('probe.button')}
      </button>
      <div role="status" class="probe-result">
        {busy ? (
          <span>
            <span class="spinner" aria-hidden="true" /> {t('probe.running')}
          </span>
        ) : result?.ok ? (
          <span class="ok">
            {t('probe.ok', {
              stream: streamText(result) || result.stream,
              fps: formatFps(result.fps) || '—',
              kbps: formatKbps(result.kbps) || '—',
            })}
          </span>
        ) : result ? (
          <span class="alert-inline">{t('probe.failed', { reason: bilingual(result.reason) })}</span>
        ) : null}
      </div>
      <ProblemBox error={error} />
    </div>
  );
}

// ---- evidence holds -----------------------------------------------------------------------------

export function HoldsPanel({
  camera,
  tz,
  span,
  now,
  write,
}: {
  camera: Pick<Camera, 'id' | 'name'>;
  tz: string;
  span: { from: number; to: number } | null;
  now: number;
  /** Places and releases holds (hold_write); everyone who sees the camera sees its holds. */
  write: boolean;
}) {
  const load = useLoad((signal) => videoApi.holds(camera.id, signal).then(sortHolds), [camera.id]);
  const holds = load.data;
  const { error } = load;
  const [form, setForm] = useState<HoldForm | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const open = () => {
    setNotice(null);
    // The span chosen on the timeline, else the last hour.
    setForm(holdForm(span ?? { from: now - 60 * 60_000, to: now }, tz));
  };

  return (
    <section class="panel holds" aria-labelledby="holds-h" data-testid="holds">
      <div class="detail-head">
        <h2 id="holds-h">{t('hold.title')}</h2>
        {write && !form ? (
          <button type="button" class="btn push-right" onClick={open}>
            {t('hold.new')}
          </button>
        ) : null}
      </div>
      <p class="hint">{t('hold.intro')}</p>
      {notice ? <Notice>{notice}</Notice> : null}
      {form ? (
        <HoldFormView
          cameraId={camera.id}
          tz={tz}
          initial={form}
          onCancel={() => setForm(null)}
          onSaved={() => {
            setForm(null);
            setNotice(t('hold.created'));
            load.reload();
            announceHoldsChanged(camera.id);
          }}
        />
      ) : null}
      <ProblemBox error={error} />
      {!holds && !error ? <Loading /> : null}
      {holds && holds.length === 0 ? <p class="muted">{t('hold.empty')}</p> : null}
      {holds && holds.length > 0 ? (
        <HoldList
          holds={holds}
          tz={tz}
          write={write}
          onReleased={() => {
            setNotice(t('hold.releasedDone'));
            load.reload();
            announceHoldsChanged(camera.id);
          }}
        />
      ) : null}
    </section>
  );
}

export function HoldList({ holds, tz, write, onReleased }: { holds: Hold[]; tz: string; write: boolean; onReleased: () => void }) {
  return (
    <div class="table-wrap">
      <table class="grid" data-testid="hold-list">
        <thead>
          <tr>
            <th scope="col">{t('hold.span')}</th>
            <th scope="col">{t('hold.reason')}</th>
            <th scope="col">{t('hold.case')}</th>
            <th scope="col">{t('hold.holder')}</th>
            <th scope="col">{t('hold.status')}</th>
          </tr>
        </thead>
        <tbody>
          {holds.map((h) => (
            <HoldRow key={h.id} hold={h} tz={tz} write={write} onReleased={onReleased} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function HoldRow({ hold: h, tz, write, onReleased }: { hold: Hold; tz: string; write: boolean; onReleased: () => void }) {
  const [releasing, setReleasing] = useState(false);
  const [reason, setReason] = useState('');
  const [local, setLocal] = useState<string | null>(null);
  const action = useAction();
  const busy = !!action.busy;
  const { error } = action;
  const active = isHoldActive(h);
  const release = async (e: Event) => {
    e.preventDefault();
    if (!reason.trim()) {
      setLocal(t('hold.reasonRequired'));
      return;
    }
    setLocal(null);
    await action.run(async () => {
      await videoApi.releaseHold(h.id, reason.trim());
      setReleasing(false);
      onReleased();
    });
  };
  return (
    <>
      <tr data-hold-id={h.id} class={active ? '' : 'inactive'}>
        <td>
          {formatDateTime(h.from, { timeZone: tz })} – {formatDateTime(h.to, { timeZone: tz })}
        </td>
        <td class="pre">{h.reason}</td>
        <td>{h.case_id ? <a href={`#/cases/${h.case_id}`}>{h.case_number ?? `#${h.case_id}`}</a> : <span class="muted">—</span>}</td>
        <td>
          {h.holder_name}
          <div class="muted small">{formatDateTime(h.created_at, { timeZone: tz })}</div>
        </td>
        <td>
          <span class={`badge hold-${active ? 'active' : 'released'}`}>{active ? t('hold.active') : t('hold.released')}</span>
          {!active ? (
            <div class="muted small">
              {t('hold.releasedBy', {
                name: h.released_by_name ?? '—',
                time: formatDateTime(h.released_at, { timeZone: tz }),
                reason: h.release_reason ?? '',
              })}
            </div>
          ) : write && !releasing ? (
            <>
              {' '}
              <button type="button" class="btn btn-small" onClick={() => setReleasing(true)}>
                {t('hold.release')}
              </button>
            </>
          ) : null}
        </td>
      </tr>
      {releasing || error ? (
        <tr class="detail-row">
          <td colSpan={5}>
            {releasing ? (
              <form class="form" onSubmit={release} noValidate aria-label={t('hold.release')}>
                <Field id={`hold-release-${h.id}`} label={t('hold.releaseReason')} error={local ?? undefined}>
                  {(a) => <textarea {...a} rows={2} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />}
                </Field>
                <div class="toolbar">
                  <button type="submit" class="btn btn-danger" disabled={busy}>
                    {t('hold.release')}
                  </button>
                  {/* "Đóng", not "Hủy": beside "Hủy lưu giữ" a plain "Hủy" would read as the same action. */}
                  <button type="button" class="btn" onClick={() => setReleasing(false)}>
                    {t('common.close')}
                  </button>
                </div>
              </form>
            ) : null}
            <ProblemBox error={error} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

function HoldFormView({
  cameraId,
  tz,
  initial,
  onCancel,
  onSaved,
}: {
  cameraId: number;
  tz: string;
  initial: HoldForm;
  onCancel: () => void;
  onSaved: (h: Hold) => void;
}) {
  const [form, setForm] = useState<HoldForm>(initial);
  const [local, setLocal] = useState<Record<string, string>>({});
  const action = useAction();
  const busy = !!action.busy;
  const { error } = action;
  const set = (k: keyof HoldForm, v: string) => setForm((f) => ({ ...f, [k]: v }));

  const submit = async (e: Event) => {
    e.preventDefault();
    const p = holdPayload(form, tz);
    setLocal(p.errors);
    if (Object.keys(p.errors).length) return;
    await action.run(async () => {
      const caseId = await resolveCase(p.caseRef);
      if (caseId === undefined) {
        setLocal({ case_id: t('hold.caseNotFound') });
        return;
      }
      onSaved(
        await videoApi.createHold({ camera_id: cameraId, from: p.from, to: p.to, reason: p.reason, ...(caseId ? { case_id: caseId } : {}) }),
      );
    });
  };
  const fe = (f: string) => local[f] ?? fieldError(error, f);
  const extra = unclaimedFieldErrors(error, ['from', 'to', 'reason', 'case_id']);

  return (
    <form class="form hold-form" onSubmit={submit} noValidate aria-label={t('hold.formTitle')}>
      <h3>{t('hold.formTitle')}</h3>
      <ProblemBox error={error} extra={extra} />
      <div class="grid2">
        <Field id="hold-from" label={t('hold.from')} error={fe('from')} hint={t('cases.tzHint', { tz })}>
          {(a) => <input {...a} type="datetime-local" value={form.from} onInput={(e) => set('from', e.currentTarget.value)} />}
        </Field>
        <Field id="hold-to" label={t('hold.to')} error={fe('to')}>
          {(a) => <input {...a} type="datetime-local" value={form.to} onInput={(e) => set('to', e.currentTarget.value)} />}
        </Field>
        <Field id="hold-case" label={t('hold.case')} error={fe('case_id')} hint={t('hold.caseHint')}>
          {(a) => <input {...a} value={form.caseRef} onInput={(e) => set('caseRef', e.currentTarget.value)} />}
        </Field>
      </div>
      <Field id="hold-reason" label={t('hold.reason')} error={fe('reason')}>
        {(a) => <textarea {...a} rows={2} required value={form.reason} onInput={(e) => set('reason', e.currentTarget.value)} />}
      </Field>
      <div class="toolbar">
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {busy ? t('common.saving') : t('hold.new')}
        </button>
        <button type="button" class="btn" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
