// The pieces the data-sharing pages share (Art. 16.3): the data types ticked, the cameras chosen by
// site from the catalogue, a grant's window and the badges of a request's and a grant's status.
import { useState } from 'preact/hooks';
import { DATA_TYPES, type CameraGrant, type CatalogueSite, type DataType, type SharedCamera } from '../api';
import { formatDateTime } from '../format';
import { useAction } from '../hooks';
import { t } from '../i18n';
import { Field, fieldError, ProblemBox, unclaimedFieldErrors } from '../ui';
import { accessModeName, chooseSite, dataTypeName, expiryText, grantStatusName, requestStatusName, siteChoice, toggle } from '../sharing';

export function RequestStatusBadge({ status }: { status: string }) {
  return <span class={`badge request-status rs-${status}`}>{requestStatusName(status)}</span>;
}

export function GrantStatusBadge({ status }: { status: string }) {
  return <span class={`badge grant-status gs-${status}`}>{grantStatusName(status)}</span>;
}

export const dataTypesText = (types: readonly string[] | null | undefined) => (types ?? []).map((d) => dataTypeName(d)).join(', ');

/** "Cổng A (Cửa khẩu Hữu Nghị), …" */
export const camerasText = (cameras: SharedCamera[] | null | undefined) => (cameras ?? []).map((c) => (c.site_name ? `${c.name} (${c.site_name})` : c.name)).join(', ');

/** The data types as boxes to tick; `allowed` limits them (a narrower scope keeps within the request). */
export function DataTypeChecks({
  id,
  legend,
  value,
  allowed = DATA_TYPES,
  error,
  onChange,
}: {
  id: string;
  legend: string;
  value: ReadonlySet<DataType>;
  allowed?: readonly DataType[];
  error?: string;
  onChange: (v: Set<DataType>) => void;
}) {
  return (
    <fieldset class={`checks${error ? ' has-error' : ''}`} id={id} aria-describedby={error ? `${id}-err` : undefined}>
      <legend>{legend}</legend>
      {allowed.map((d) => (
        <label key={d} class="check">
          <input type="checkbox" value={d} checked={value.has(d)} onChange={(e) => onChange(toggle(value, d, e.currentTarget.checked))} /> {dataTypeName(d)}
        </label>
      ))}
      {error ? (
        <div class="field-error" id={`${id}-err`}>
          {error}
        </div>
      ) : null}
    </fieldset>
  );
}

/** The ids a fieldset's hint and error carry, for its aria-describedby. */
export const describedBy = (id: string, hint?: string, error?: string) => [hint ? `${id}-hint` : '', error ? `${id}-err` : ''].filter(Boolean).join(' ') || undefined;

/** A fieldset's hint under its legend (as Field shows one under its control). */
export const FieldsetHint = ({ id, hint }: { id: string; hint?: string }) =>
  hint ? (
    <p class="hint" id={`${id}-hint`}>
      {hint}
    </p>
  ) : null;

/**
 * The cameras, grouped by site: a site's box chooses (or clears) all its cameras and shows "mixed"
 * when some are chosen.
 */
export function CameraPicker({
  id,
  legend,
  sites,
  value,
  hint,
  error,
  onChange,
}: {
  id: string;
  legend: string;
  sites: CatalogueSite[];
  value: ReadonlySet<number>;
  hint?: string;
  error?: string;
  onChange: (v: Set<number>) => void;
}) {
  return (
    <fieldset class={`checks camera-picker${error ? ' has-error' : ''}`} id={id} aria-describedby={describedBy(id, hint, error)} data-testid="camera-picker">
      <legend>{legend}</legend>
      <FieldsetHint id={id} hint={hint} />
      {sites.length === 0 ? <p class="muted">{t('sharing.noCatalogue')}</p> : null}
      {sites.map((s) => {
        const state = siteChoice(s, value);
        return (
          <div key={s.id} class="site-choice" data-site-id={s.id}>
            <label class="check site-check">
              <input
                type="checkbox"
                checked={state === 'all'}
                ref={(el) => {
                  if (el) el.indeterminate = state === 'some';
                }}
                disabled={s.cameras.length === 0}
                onChange={(e) => onChange(chooseSite(value, s, e.currentTarget.checked))}
              />{' '}
              <strong>{s.name}</strong> <span class="muted small">{s.unit_name}</span>
            </label>
            <div class="site-cameras">
              {s.cameras.map((c) => (
                <label key={c.id} class="check" data-camera-id={c.id}>
                  <input type="checkbox" checked={value.has(c.id)} onChange={(e) => onChange(toggle(value, c.id, e.currentTarget.checked))} /> {c.name}
                </label>
              ))}
            </div>
          </div>
        );
      })}
      {error ? (
        <div class="field-error" id={`${id}-err`}>
          {error}
        </div>
      ) : null}
    </fieldset>
  );
}

/** What a grant lets its holder see: the window of recordings, the mode and until when (in `tz`). */
export function GrantWindow({ grant, tz, now }: { grant: Pick<CameraGrant, 'expires_at' | 'from' | 'to' | 'mode' | 'data_types'>; tz: string; now: number }) {
  return (
    <div class="alert alert-info grant-window" role="note" data-testid="grant-window">
      <strong>{t('grant.windowTitle')}</strong>{' '}
      {grant.from && grant.to
        ? t('grant.window', { from: formatDateTime(grant.from, { timeZone: tz }), to: formatDateTime(grant.to, { timeZone: tz }) })
        : t('grant.noWindow')}{' '}
      · {dataTypesText(grant.data_types)} · {accessModeName(grant.mode)} ·{' '}
      {t('grant.expiresAt', { time: formatDateTime(grant.expires_at, { timeZone: tz }) })} ({expiryText(grant.expires_at, now)})
    </div>
  );
}

/**
 * A button that opens a short form asking for the reason, then runs `act(reason)`: ending a relationship,
 * revoking a grant, removing evidence. The reason is required; the server's field error shows at the field.
 */
export function ReasonAction({
  id,
  label,
  reasonLabel,
  confirmLabel,
  hint,
  danger = false,
  formClass = 'form',
  requiredText = t('rosters.reasonRequired'),
  act,
}: {
  id: string;
  label: string;
  reasonLabel: string;
  confirmLabel?: string;
  hint?: string;
  danger?: boolean;
  formClass?: string;
  requiredText?: string;
  act: (reason: string) => Promise<unknown>;
}) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [local, setLocal] = useState<string | undefined>();
  const action = useAction();
  if (!open)
    return (
      <button type="button" class={`btn btn-small${danger ? ' btn-danger' : ''}`} onClick={() => setOpen(true)}>
        {label}
      </button>
    );
  return (
    <form
      class={formClass}
      noValidate
      aria-label={label}
      onSubmit={(e) => {
        e.preventDefault();
        if (!reason.trim()) return setLocal(requiredText);
        setLocal(undefined);
        void action.run(async () => {
          await act(reason.trim());
          setOpen(false);
        });
      }}
    >
      {hint ? <p class="hint">{hint}</p> : null}
      <ProblemBox error={action.error} extra={unclaimedFieldErrors(action.error, ['reason'])} />
      <Field id={id} label={reasonLabel} required error={local ?? fieldError(action.error, 'reason')}>
        {(a) => <textarea {...a} rows={2} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />}
      </Field>
      <div class="toolbar">
        <button type="submit" class={`btn ${danger ? 'btn-danger' : 'btn-primary'}`} disabled={!!action.busy}>
          {action.busy ? t('common.saving') : (confirmLabel ?? label)}
        </button>
        <button type="button" class="btn" onClick={() => setOpen(false)}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
