import type { ComponentChildren, JSX } from 'preact';
import { ApiError } from './api';
import { t } from './i18n';

/** A problem from the server (or the network), in the current language. */
export function ProblemBox({ error, extra }: { error: unknown; extra?: string[] }) {
  if (!error) return null;
  const e = error instanceof ApiError ? error : null;
  const title = e ? e.title() : t('error.unexpected');
  const detail = e ? e.detail() : error instanceof Error ? error.message : String(error);
  return (
    <div class="alert alert-error" role="alert">
      <strong>{title}</strong>
      {detail && detail !== title ? <div>{detail}</div> : null}
      {extra && extra.length ? (
        <ul>
          {extra.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function Notice({ children }: { children: ComponentChildren }) {
  return (
    <div class="alert alert-ok" role="status">
      {children}
    </div>
  );
}

/** Field errors that no form field claims, so that none is lost. */
export function unclaimedFieldErrors(error: unknown, claimed: string[]): string[] {
  if (!(error instanceof ApiError)) return [];
  return Object.entries(error.fieldErrors())
    .filter(([f]) => !claimed.includes(f))
    .map(([f, m]) => `${f}: ${m}`);
}

export function fieldError(error: unknown, field: string): string | undefined {
  return error instanceof ApiError ? error.fieldErrors()[field] : undefined;
}

let nextId = 0;
export function uid(prefix: string): string {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

/** Label, control and its error message, wired for screen readers. */
export function Field({
  id,
  label,
  error,
  hint,
  children,
}: {
  id: string;
  label: string;
  error?: string;
  hint?: string;
  children: (aria: { id: string; 'aria-invalid'?: boolean; 'aria-describedby'?: string }) => JSX.Element;
}) {
  const described = [hint ? `${id}-hint` : '', error ? `${id}-err` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${error ? ' has-error' : ''}`}>
      <label for={id}>{label}</label>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': described })}
      {hint ? (
        <div class="hint" id={`${id}-hint`}>
          {hint}
        </div>
      ) : null}
      {error ? (
        <div class="field-error" id={`${id}-err`}>
          {error}
        </div>
      ) : null}
    </div>
  );
}

export function Loading() {
  return (
    <p class="muted" role="status">
      {t('common.loading')}
    </p>
  );
}
