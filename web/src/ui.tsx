import type { ComponentChildren, JSX } from 'preact';
import { ApiError } from './api';
import { pick, t } from './i18n';
import { LangSwitch } from './lang';
import type { TreeNode } from './tree';

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

/** What Field passes to its control: the id its label points at, and the error/hint wiring. */
export type FieldAria = { id: string; 'aria-invalid'?: boolean; 'aria-describedby'?: string; 'aria-required'?: boolean };

/**
 * Label, control and its error message, wired for screen readers. `required` marks the label (the
 * server still decides what is required).
 */
export function Field({
  id,
  label,
  error,
  hint,
  required,
  children,
}: {
  id: string;
  label: string;
  error?: string;
  hint?: string;
  required?: boolean;
  children: (aria: FieldAria) => JSX.Element;
}) {
  const described = [hint ? `${id}-hint` : '', error ? `${id}-err` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${error ? ' has-error' : ''}${required ? ' required' : ''}`}>
      <label for={id}>
        {label}
        {required ? (
          <abbr class="req-mark" title={t('common.required')}>
            {' *'}
          </abbr>
        ) : null}
      </label>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': described, 'aria-required': required || undefined })}
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

/** The top bar: the product name, then `children`, the language switch and (when signed in) sign-out. */
export function Topbar({ onLogout, children }: { onLogout?: () => void; children?: ComponentChildren }) {
  return (
    <header class="topbar">
      <div class="brand">{t('app.name')}</div>
      <div class="topbar-right">
        {children}
        <LangSwitch />
        {onLogout ? (
          <button type="button" class="btn btn-dark" onClick={onLogout}>
            {t('header.logout')}
          </button>
        ) : null}
      </div>
    </header>
  );
}

/** Save and cancel at the foot of an edit form; save is disabled (and says so) while saving. */
/** The submit bar of a form: the action (Save by default) and, when given, Cancel. */
export function FormButtons({ busy, onCancel, label }: { busy: boolean; onCancel?: () => void; label?: string }) {
  return (
    <div class="toolbar">
      <button type="submit" class="btn btn-primary" disabled={busy}>
        {busy ? t('common.saving') : (label ?? t('common.save'))}
      </button>
      {onCancel ? (
        <button type="button" class="btn" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      ) : null}
    </div>
  );
}

/** One <option> a unit, in tree order, indented by depth: "name (CODE)". */
export function unitOptions(nodes: TreeNode[]) {
  return nodes.map((n) => (
    <option key={n.unit.id} value={String(n.unit.id)}>
      {'\u00a0\u00a0'.repeat(n.depth)}
      {pick(n.unit.name_vi, n.unit.name_en)} ({n.unit.code})
    </option>
  ));
}

/**
 * A list filter's <select>: first "All" (the value ""), then one <option> a value, named by `name`,
 * or the options given as children (unitOptions).
 */
export function ChoiceFilter<V extends string>({
  id,
  label,
  value,
  values,
  name,
  onChange,
  children,
}: {
  id: string;
  label: string;
  value: string;
  values?: readonly V[];
  name?: (v: V) => string;
  onChange: (value: string) => void;
  children?: ComponentChildren;
}) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">{t('common.all')}</option>
        {values?.map((v) => (
          <option key={v} value={v}>
            {name ? name(v) : v}
          </option>
        ))}
        {children}
      </select>
    </div>
  );
}
