// Evidence (chứng cứ): the clips and stills attached to a case (each keeps its footage from retention),
// the export of a signed bundle with its progress and one-time download link, and the page that verifies
// a bundle brought back from elsewhere (the signature, then every file).
import { useEffect, useMemo, useState } from 'preact/hooks';
import { evidenceApi, videoApi, type BundleCheck, type EvidenceItem, type ExportInput, type ExportJob } from '../api';
import { utcIsoToZonedLocal, zonedLocalToUtcIso } from '../cases';
import { formatDateTime } from '../format';
import { useAction, useLoad } from '../hooks';
import { pick, t } from '../i18n';
import { Field, fieldError, FormButtons, Loading, Notice, ProblemBox, unclaimedFieldErrors } from '../ui';
import { ReasonAction } from './SharingParts';
import { formatBytes } from '../video';

// ---- the case's evidence ---------------------------------------------------------------------------

type Attach = 'clip' | 'snapshot';

export function CaseEvidence({ caseId, tz, canAttach }: { caseId: number; tz: string; canAttach: boolean }) {
  const load = useLoad((signal) => evidenceApi.list(caseId, signal), [caseId]);
  const [open, setOpen] = useState<Attach | null>(null);
  const [exporting, setExporting] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const items = load.data?.items ?? null;
  const maxMinutes = load.data?.max_clip_minutes;

  return (
    <section class="panel evidence" aria-labelledby="evidence-h" data-testid="case-evidence">
      <div class="detail-head">
        <h2 id="evidence-h">{t('evidence.title')}</h2>
        <div class="toolbar push-right">
          {canAttach ? (
            <>
              <button type="button" class="btn" aria-expanded={open === 'clip'} onClick={() => (setNotice(null), setOpen('clip'))}>
                {t('evidence.attachClip')}
              </button>
              <button type="button" class="btn" aria-expanded={open === 'snapshot'} onClick={() => (setNotice(null), setOpen('snapshot'))}>
                {t('evidence.attachSnapshot')}
              </button>
            </>
          ) : null}
          {items && items.length > 0 ? (
            <button type="button" class="btn btn-primary" onClick={() => setExporting(true)}>
              {t('export.button')}
            </button>
          ) : null}
        </div>
      </div>
      <p class="hint">{t('evidence.intro')}</p>
      {notice ? <Notice>{notice}</Notice> : null}
      {open ? (
        <AttachForm
          key={open}
          kind={open}
          caseId={caseId}
          tz={tz}
          maxMinutes={maxMinutes}
          onCancel={() => setOpen(null)}
          onAttached={() => {
            setOpen(null);
            setNotice(t('evidence.attached'));
            void load.reload();
          }}
        />
      ) : null}
      {exporting ? <ExportDialog input={{ case_id: caseId }} what={t('export.ofCase')} onClose={() => setExporting(false)} /> : null}
      <ProblemBox error={load.error} />
      {!items && !load.error ? <Loading /> : null}
      {items && items.length === 0 ? <p class="muted">{t('evidence.empty')}</p> : null}
      {items && items.length > 0 ? (
        <EvidenceTable
          items={items}
          tz={tz}
          caseId={caseId}
          canRemove={canAttach}
          onRemoved={() => {
            setNotice(t('evidence.removed'));
            void load.reload();
          }}
        />
      ) : null}
    </section>
  );
}

function EvidenceTable({
  items,
  tz,
  caseId,
  canRemove,
  onRemoved,
}: {
  items: EvidenceItem[];
  tz: string;
  caseId: number;
  canRemove: boolean;
  onRemoved: () => void;
}) {
  const time = (v: string | null) => formatDateTime(v, { seconds: true, timeZone: tz });
  return (
    <div class="table-wrap">
      <table class="grid" data-testid="evidence-list">
        <thead>
          <tr>
            <th scope="col">{t('evidence.kind')}</th>
            <th scope="col">{t('sharing.cameras')}</th>
            <th scope="col">{t('evidence.when')}</th>
            <th scope="col">{t('sharing.note')}</th>
            <th scope="col">{t('evidence.by')}</th>
            {canRemove ? (
              <th scope="col">
                <span class="sr-only">{t('cases.actions')}</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {items.map((e) => (
            <tr key={e.id} data-evidence-id={e.id} class={e.removed_at ? 'inactive' : undefined}>
              <td>{t(e.kind === 'clip' ? 'evidence.clip' : 'evidence.snapshot')}</td>
              <td>
                <a href={`#/cameras/${e.camera_id}`}>{e.camera_name ?? `#${e.camera_id}`}</a>
              </td>
              <td>{e.kind === 'clip' ? `${time(e.from)} – ${time(e.to)}` : time(e.frame_time ?? e.at)}</td>
              <td class="pre">
                {e.note}
                {e.sha256 ? <div class="muted small code">SHA-256 {e.sha256.slice(0, 16)}…</div> : null}
              </td>
              <td>
                {e.created_by_name ?? ''} <span class="muted small">{time(e.created_at)}</span>
              </td>
              {canRemove ? <td>{e.removed_at ? null : <RemoveEvidence caseId={caseId} e={e} onRemoved={onRemoved} />}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Removing asks for the reason; the hold it placed is cancelled, the record stays. */
function RemoveEvidence({ caseId, e, onRemoved }: { caseId: number; e: EvidenceItem; onRemoved: () => void }) {
  return (
    <ReasonAction
      id={`ev-remove-${e.id}`}
      label={t('evidence.remove')}
      reasonLabel={t('evidence.removeReason')}
      act={async (reason) => {
        await evidenceApi.remove(caseId, e.id, reason);
        onRemoved();
      }}
    />
  );
}

function AttachForm({
  kind,
  caseId,
  tz,
  maxMinutes,
  onCancel,
  onAttached,
}: {
  kind: Attach;
  caseId: number;
  tz: string;
  maxMinutes?: number;
  onCancel: () => void;
  onAttached: (e: EvidenceItem) => void;
}) {
  const cameras = useLoad((signal) => videoApi.allCameras({}, signal), []);
  const now = useMemo(() => Date.now(), []);
  const [camera, setCamera] = useState('');
  const [from, setFrom] = useState(() => utcIsoToZonedLocal(now - 10 * 60_000, tz));
  const [to, setTo] = useState(() => utcIsoToZonedLocal(now, tz));
  const [note, setNote] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});
  const save = useAction();
  const fe = (f: string) => local[f] ?? fieldError(save.error, f);
  const clip = kind === 'clip';

  const submit = (e: Event) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    const a = zonedLocalToUtcIso(from, tz);
    const b = clip ? zonedLocalToUtcIso(to, tz) : null;
    if (!camera) errs.camera_id = t('common.required');
    if (!a) errs[clip ? 'from' : 'at'] = t('cases.badDateTime');
    if (clip && !b) errs.to = t('cases.badDateTime');
    if (a && b && Date.parse(b) <= Date.parse(a)) errs.to = t('hold.order');
    setLocal(errs);
    if (Object.keys(errs).length) return;
    const camera_id = Number(camera);
    void save.run(async () =>
      onAttached(
        await evidenceApi.attach(caseId, clip ? { kind: 'clip', camera_id, from: a!, to: b!, note: note.trim() } : { kind: 'snapshot', camera_id, at: a!, note: note.trim() }),
      ),
    );
  };

  return (
    <form class="form" noValidate onSubmit={submit} aria-label={t(clip ? 'evidence.attachClip' : 'evidence.attachSnapshot')} data-testid="evidence-form">
      <h3>{t(clip ? 'evidence.attachClip' : 'evidence.attachSnapshot')}</h3>
      <ProblemBox error={save.error ?? cameras.error} extra={unclaimedFieldErrors(save.error, ['camera_id', 'from', 'to', 'at', 'note', 'kind'])} />
      <div class="grid2">
        <Field id="ev-camera" label={t('sharing.cameras')} required error={fe('camera_id')}>
          {(a) => (
            <select {...a} value={camera} onChange={(e) => setCamera(e.currentTarget.value)}>
              <option value="">{t('evidence.pickCamera')}</option>
              {(cameras.data ?? []).map((c) => (
                <option key={c.id} value={String(c.id)}>
                  {c.name}
                  {c.site_name ? ` (${c.site_name})` : ''}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="ev-from" label={t(clip ? 'hold.from' : 'evidence.at')} required error={fe(clip ? 'from' : 'at')} hint={t('cases.tzHint', { tz })}>
          {(a) => <input {...a} type="datetime-local" step={1} value={from} onInput={(e) => setFrom(e.currentTarget.value)} />}
        </Field>
        {clip ? (
          <Field id="ev-to" label={t('hold.to')} required error={fe('to')} hint={maxMinutes ? t('evidence.maxMinutes', { n: maxMinutes }) : undefined}>
            {(a) => <input {...a} type="datetime-local" step={1} value={to} onInput={(e) => setTo(e.currentTarget.value)} />}
          </Field>
        ) : null}
      </div>
      <Field id="ev-note" label={t('sharing.note')} error={fe('note')}>
        {(a) => <textarea {...a} rows={2} value={note} onInput={(e) => setNote(e.currentTarget.value)} />}
      </Field>
      <FormButtons busy={!!save.busy} label={t('evidence.attach')} onCancel={onCancel} />
    </form>
  );
}

// ---- the export dialog --------------------------------------------------------------------------------

const finished = (j: ExportJob | null) => !!j && (j.state === 'done' || j.state === 'failed');

/**
 * Exports `input` as a signed bundle: starts the job, follows its progress every second and, once done,
 * offers the one-time download link (a new one when it was used or has expired).
 */
export function ExportDialog({
  input,
  what,
  tz,
  onClose,
  pollMs = 1000,
}: {
  input: ExportInput;
  what: string;
  /** With a camera's period: its bounds may be changed before starting, typed in this zone. */
  tz?: string;
  onClose: () => void;
  pollMs?: number;
}) {
  const [job, setJob] = useState<ExportJob | null>(null);
  const start = useAction();
  const ranged = 'camera_id' in input && tz ? input : null;
  const [from, setFrom] = useState(() => (ranged ? utcIsoToZonedLocal(ranged.from, tz) : ''));
  const [to, setTo] = useState(() => (ranged ? utcIsoToZonedLocal(ranged.to, tz) : ''));
  const [local, setLocal] = useState<Record<string, string>>({});
  const begin = () => {
    let body = input;
    if (ranged) {
      const a = zonedLocalToUtcIso(from, tz);
      const b = zonedLocalToUtcIso(to, tz);
      const errs: Record<string, string> = {};
      if (!a) errs.from = t('cases.badDateTime');
      if (!b) errs.to = t('cases.badDateTime');
      if (a && b && Date.parse(b) <= Date.parse(a)) errs.to = t('hold.order');
      setLocal(errs);
      if (Object.keys(errs).length) return;
      body = { ...ranged, from: a!, to: b! };
    }
    void start.run(async () => setJob(await evidenceApi.createExport(body)));
  };
  const link = useAction();
  const [pollError, setPollError] = useState<unknown>(null);

  useEffect(() => {
    if (!job || finished(job)) return;
    const ctl = new AbortController();
    const h = setInterval(() => {
      evidenceApi.export(job.id, ctl.signal).then(
        (j) => {
          setPollError(null);
          setJob(j);
        },
        (e) => !ctl.signal.aborted && setPollError(e),
      );
    }, pollMs);
    return () => {
      clearInterval(h);
      ctl.abort();
    };
  }, [job?.id, finished(job), pollMs]);

  const progress = job ? Math.max(0, Math.min(100, job.progress)) : 0;
  return (
    <div class="panel export-dialog" role="dialog" aria-labelledby="export-h" data-testid="export-dialog">
      <h3 id="export-h">{t('export.title')}</h3>
      <p>{what}</p>
      <p class="hint">{t('export.intro')}</p>
      <ProblemBox error={start.error ?? pollError ?? link.error} extra={unclaimedFieldErrors(start.error, ranged ? ['from', 'to'] : [])} />
      {!job && ranged ? (
        <div class="grid2">
          <Field id="export-from" label={t('hold.from')} error={local.from ?? fieldError(start.error, 'from')} hint={t('cases.tzHint', { tz: tz! })}>
            {(a) => <input {...a} type="datetime-local" step={1} value={from} onInput={(e) => setFrom(e.currentTarget.value)} />}
          </Field>
          <Field id="export-to" label={t('hold.to')} error={local.to ?? fieldError(start.error, 'to')}>
            {(a) => <input {...a} type="datetime-local" step={1} value={to} onInput={(e) => setTo(e.currentTarget.value)} />}
          </Field>
        </div>
      ) : null}
      {!job ? (
        <div class="toolbar">
          <button type="button" class="btn btn-primary" disabled={!!start.busy} onClick={begin}>
            {start.busy ? t('common.loading') : t('export.start')}
          </button>
          <button type="button" class="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
        </div>
      ) : (
        <>
          {job.state === 'failed' ? (
            <div class="alert alert-error" role="alert">
              {t('export.failed')} {pick(job.error_vi, job.error)}
            </div>
          ) : (
            <div role="status" data-testid="export-state">
              <progress class="export-progress" max={100} value={progress} aria-label={t('export.progress')} />{' '}
              {job.state === 'done' ? t('export.done') : t(job.state === 'queued' ? 'export.queued' : 'export.running', { n: progress })}
            </div>
          )}
          {job.watermark ? <p class="alert alert-warn">{t('export.watermark', { text: job.watermark })}</p> : null}
          {job.state === 'done' ? (
            <div class="toolbar">
              {job.download_url && !job.link_used ? (
                <a class="btn btn-primary" href={job.download_url} download onClick={() => setJob({ ...job, link_used: true })} data-testid="export-download">
                  {t('export.download', { size: formatBytes(job.bytes) })}
                </a>
              ) : (
                <button type="button" class="btn" disabled={!!link.busy} onClick={() => void link.run(async () => setJob(await evidenceApi.newLink(job.id)))}>
                  {t('export.newLink')}
                </button>
              )}
              {job.link_expires_at && !job.link_used ? <span class="muted small">{t('export.linkExpires', { time: formatDateTime(job.link_expires_at) })}</span> : null}
            </div>
          ) : null}
          {job.manifest_sha256 ? <p class="muted small code">manifest.json SHA-256 {job.manifest_sha256}</p> : null}
          <div class="toolbar">
            <button type="button" class="btn" onClick={onClose}>
              {t('common.close')}
            </button>
          </div>
        </>
      )}
    </div>
  );
}

// ---- verifying a bundle -----------------------------------------------------------------------------

export function EvidenceVerifyPage() {
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<{ name: string; check: BundleCheck } | null>(null);
  const [local, setLocal] = useState<string | undefined>();
  const action = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    if (!file) return setLocal(t('verify.pickFile'));
    setLocal(undefined);
    setResult(null);
    void action.run(async () => setResult({ name: file.name, check: await evidenceApi.verify(file) }));
  };
  return (
    <section class="evidence-verify">
      <div class="page-head">
        <h1>{t('verify.title')}</h1>
      </div>
      <p class="hint">{t('verify.intro')}</p>
      <form class="form" noValidate onSubmit={submit} aria-label={t('verify.title')}>
        <ProblemBox error={action.error} />
        <Field id="verify-file" label={t('verify.file')} required error={local}>
          {(a) => <input {...a} type="file" accept=".zip,application/zip" onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />}
        </Field>
        <FormButtons busy={!!action.busy} label={t('verify.submit')} />
      </form>
      {result ? <VerifyResult name={result.name} check={result.check} /> : null}
    </section>
  );
}

export function VerifyResult({ name, check: c }: { name: string; check: BundleCheck }) {
  const failing = c.files.filter((f) => !f.ok);
  const who = c.exported_by ? [c.exported_by.full_name || c.exported_by.username, c.exported_by.unit?.name].filter(Boolean).join(', ') : '';
  return (
    <section class={`alert ${c.ok ? 'alert-ok' : 'alert-error'}`} role="status" data-testid="verify-result">
      <strong>{t(c.ok ? 'verify.ok' : 'verify.failed', { name })}</strong>
      {c.ok ? null : <p class="verify-reason">{pick(c.reason_vi, c.reason_en)}</p>}
      <dl class="props">
        <dt>{t('verify.key')}</dt>
        <dd class="code">{c.key_id ?? t('common.none')}</dd>
        <dt>{t('verify.signer')}</dt>
        <dd>
          {c.signed_by_this_installation === true
            ? t('verify.thisInstallation')
            : c.signed_by_this_installation === false
              ? t('verify.otherKey')
              : t('verify.unknownKey')}
          {who ? <div>{t('verify.exportedBy', { who })}</div> : null}
        </dd>
        <dt>{t('verify.files')}</dt>
        <dd>{t('verify.fileCount', { n: c.files.length, bad: failing.length })}</dd>
      </dl>
      {failing.length ? (
        <ul class="verify-failing" data-testid="verify-failing">
          {failing.map((f) => (
            <li key={f.name}>
              <span class="code">{f.name}</span>: {pick(f.reason_vi, f.reason_en)}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
