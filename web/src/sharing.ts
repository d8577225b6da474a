// Pure helpers of the data-sharing pages (Art. 16.3, khai thác dữ liệu): the names of the codes, the
// request form and what it sends, the narrower scope a decider may give, the cameras chosen by site,
// and how long a grant has left.
import { ApiError, DATA_TYPES, type AccessMode, type CatalogueSite, type DataRequest, type DataRequestInput, type DataScope, type DataType, type RelationshipInput, type Relationship } from './api';
import { utcIsoToZonedLocal, zonedLocalToUtcIso } from './cases';
import { DISPLAY_TIME_ZONE, parseViDate } from './format';
import { label, t, type Lang } from './i18n';

export const dataTypeName = (s: string, lang?: Lang) => label('dataType', s, lang);
export const accessModeName = (s: string, lang?: Lang) => label('accessMode', s, lang);
export const requestStatusName = (s: string, lang?: Lang) => label('dataRequestStatus', s, lang);
export const decisionName = (s: string, lang?: Lang) => label('dataDecision', s, lang);
export const basisName = (s: string, lang?: Lang) => label('relationshipBasis', s, lang);
export const grantStatusName = (s: string, lang?: Lang) => label('grantStatus', s, lang);
export const routeName = (s: string, lang?: Lang) => label('sharingRoute', s, lang);
export const historyActionName = (s: string, lang?: Lang) => label('requestAction', s, lang);

/** The access days a request may ask for (the server's configured maximum is 90 at most). */
export const MAX_ACCESS_DAYS = 90;

/** Recordings and snapshots are of a time range; live view and case data are not. */
export const needsRange = (types: readonly string[]) => types.includes('recordings') || types.includes('snapshots');

/** Case data alone is of a case, not of cameras: then no camera need be chosen. */
export const camerasOptional = (types: readonly string[]) => types.length > 0 && types.every((d) => d === 'case_data');

// ---- cameras chosen by site ----------------------------------------------------------------------

/** Whether a site's cameras are all, some or none of those chosen (its box: checked, mixed, empty). */
export function siteChoice(site: Pick<CatalogueSite, 'cameras'>, chosen: ReadonlySet<number>): 'all' | 'some' | 'none' {
  const n = site.cameras.filter((c) => chosen.has(c.id)).length;
  return n === 0 ? 'none' : n === site.cameras.length ? 'all' : 'some';
}

/** The chosen cameras after a site's box is ticked (all its cameras) or cleared (none of them). */
export function chooseSite(chosen: ReadonlySet<number>, site: Pick<CatalogueSite, 'cameras'>, on: boolean): Set<number> {
  const next = new Set(chosen);
  for (const c of site.cameras) if (on) next.add(c.id);
  else next.delete(c.id);
  return next;
}

export function toggle<T>(set: ReadonlySet<T>, v: T, on: boolean): Set<T> {
  const next = new Set(set);
  if (on) next.add(v);
  else next.delete(v);
  return next;
}

/** Values in the order of `all` (the enumeration's order), whatever order they were ticked in. */
export const inOrder = <T>(all: readonly T[], chosen: ReadonlySet<T>): T[] => all.filter((v) => chosen.has(v));

// ---- the request form ----------------------------------------------------------------------------

export interface RequestForm {
  purpose: string;
  reference: string;
  /** The case's number as typed (HP-2026-0003): the server resolves it. */
  caseNumber: string;
  dataTypes: Set<DataType>;
  cameras: Set<number>;
  from: string; // datetime-local in the requester's zone
  to: string;
  mode: AccessMode;
  accessDays: string;
}

export const emptyRequestForm = (): RequestForm => ({
  purpose: '',
  reference: '',
  caseNumber: '',
  dataTypes: new Set(),
  cameras: new Set(),
  from: '',
  to: '',
  mode: 'view',
  accessDays: '7',
});

/** Whole access days typed, within 1..max; null otherwise. */
function accessDays(text: string, max: number): number | null {
  const n = Number(text.trim());
  return /^\d+$/.test(text.trim()) && n >= 1 && n <= max ? n : null;
}

/** The window as UTC instants, with the message of each bound that is missing or out of order. */
function range(from: string, to: string, timeZone: string, errors: Record<string, string>): { from?: string; to?: string } {
  const f = zonedLocalToUtcIso(from, timeZone);
  const tt = zonedLocalToUtcIso(to, timeZone);
  if (!f) errors.from = t('cases.badDateTime');
  if (!tt) errors.to = t('cases.badDateTime');
  if (f && tt && Date.parse(tt) <= Date.parse(f)) errors.to = t('hold.order');
  return { from: f ?? undefined, to: tt ?? undefined };
}

/**
 * What POST /data-requests is sent, and the errors the form can tell before sending (named by the
 * server's field names so that they show where the server's would). The case goes by its number,
 * which the server resolves; cameras are left out when none is chosen (case data alone).
 */
export function requestPayload(f: RequestForm, timeZone = DISPLAY_TIME_ZONE): { body: DataRequestInput; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const data_types = inOrder(DATA_TYPES, f.dataTypes);
  if (!f.purpose.trim()) errors.purpose = t('common.required');
  if (data_types.length === 0) errors.data_types = t('sharing.pickType');
  const caseNumber = f.caseNumber.trim();
  if (!caseNumber && data_types.includes('case_data')) errors.case_number = t('sharing.caseRequired');
  if (f.cameras.size === 0 && !camerasOptional(data_types)) errors.camera_ids = t('sharing.pickCamera');
  const days = accessDays(f.accessDays, MAX_ACCESS_DAYS);
  if (days === null) errors.access_days = t('sharing.badDays', { max: MAX_ACCESS_DAYS });
  const body: DataRequestInput = {
    purpose: f.purpose.trim(),
    reference: f.reference.trim(),
    ...(caseNumber ? { case_number: caseNumber } : {}),
    data_types,
    ...(f.cameras.size ? { camera_ids: [...f.cameras].sort((a, b) => a - b) } : {}),
    mode: f.mode,
    access_days: days ?? 0,
  };
  if (needsRange(data_types)) Object.assign(body, range(f.from, f.to, timeZone, errors));
  return { body, errors };
}

// ---- the narrower scope a decider may give -------------------------------------------------------

export interface ScopeForm {
  cameras: Set<number>;
  dataTypes: Set<DataType>;
  from: string;
  to: string;
  mode: AccessMode;
  accessDays: string;
}

/** The editor starts from the request itself. */
export function scopeForm(r: DataRequest, timeZone = DISPLAY_TIME_ZONE): ScopeForm {
  return {
    cameras: new Set(r.camera_ids),
    dataTypes: new Set(r.data_types),
    from: utcIsoToZonedLocal(r.from, timeZone),
    to: utcIsoToZonedLocal(r.to, timeZone),
    mode: r.mode,
    accessDays: String(r.access_days),
  };
}

/**
 * The `narrower` of an approve_narrower decision: only what differs from the request, checked to lie
 * inside it (fewer cameras or types, a shorter window, view for download, fewer days), and narrower
 * in at least one respect.
 */
export function narrowerScope(r: DataRequest, f: ScopeForm, timeZone = DISPLAY_TIME_ZONE): { narrower: Partial<DataScope>; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const narrower: Partial<DataScope> = {};
  const types = r.data_types.filter((d) => f.dataTypes.has(d));
  if (types.length === 0) errors['narrower.data_types'] = t('sharing.pickType');
  else if (types.length < r.data_types.length) narrower.data_types = types;
  const cams = r.camera_ids.filter((id) => f.cameras.has(id));
  if (cams.length === 0 && r.camera_ids.length > 0 && !camerasOptional(types)) errors['narrower.camera_ids'] = t('sharing.pickCamera');
  else if (cams.length < r.camera_ids.length) narrower.camera_ids = cams;
  if (r.from && r.to && needsRange(types)) {
    const e: Record<string, string> = {};
    const w = range(f.from, f.to, timeZone, e);
    if (e.from) errors['narrower.from'] = e.from;
    if (e.to) errors['narrower.to'] = e.to;
    if (w.from && w.to) {
      if (Date.parse(w.from) < Date.parse(r.from) || Date.parse(w.to) > Date.parse(r.to)) errors['narrower.from'] = t('sharing.outsideRange');
      else if (Date.parse(w.from) !== Date.parse(r.from) || Date.parse(w.to) !== Date.parse(r.to)) Object.assign(narrower, { from: w.from, to: w.to });
    }
  }
  if (f.mode !== r.mode) {
    if (r.mode === 'view') errors['narrower.mode'] = t('sharing.noWider');
    else narrower.mode = f.mode;
  }
  const days = accessDays(f.accessDays, r.access_days);
  if (days === null) errors['narrower.access_days'] = t('sharing.badDays', { max: r.access_days });
  else if (days < r.access_days) narrower.access_days = days;
  if (Object.keys(errors).length === 0 && Object.keys(narrower).length === 0) errors.narrower = t('sharing.notNarrower');
  return { narrower, errors };
}

// ---- grants --------------------------------------------------------------------------------------

const DAY = 86_400_000;

/** "còn 5 ngày" / "còn dưới 1 ngày" / "đã hết hạn" at `now`. */
export function expiryText(expiresAt: string, now: number, lang?: Lang): string {
  const left = Date.parse(expiresAt) - now;
  if (!(left > 0)) return t('grant.expired', undefined, lang);
  const days = Math.floor(left / DAY);
  return days >= 1 ? t('grant.daysLeft', { n: days }, lang) : t('grant.lessThanDay', undefined, lang);
}

/** A refusal because the grant relied on has expired or was revoked: the server's message says all there is to do. */
export const grantLapsed = (e: unknown) => e instanceof ApiError && /grant-(expired|revoked)$/.test(e.problem.type ?? '');

// ---- working relationships ----------------------------------------------------------------------

export interface RelationshipForm {
  unit_id: string;
  partner_unit_id: string;
  basis_kind: string;
  basis_number: string;
  basis_date: string; // dd/MM/yyyy
  basis_title: string;
  data_types: Set<DataType>;
  unit_ids: Set<number>;
  download: boolean;
  valid_from: string; // dd/MM/yyyy
  valid_to: string; // dd/MM/yyyy or ''
  note: string;
}

const viDate = (iso: string | null | undefined) => (iso && /^\d{4}-\d{2}-\d{2}/.test(iso) ? `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}` : '');

export function relationshipForm(r: Relationship | null): RelationshipForm {
  return {
    unit_id: r ? String(r.unit_id) : '',
    partner_unit_id: r ? String(r.partner_unit_id) : '',
    basis_kind: r?.basis_kind ?? 'regulation',
    basis_number: r?.basis_number ?? '',
    basis_date: viDate(r?.basis_date),
    basis_title: r?.basis_title ?? '',
    data_types: new Set(r?.data_types ?? []),
    unit_ids: new Set(r?.unit_ids ?? []),
    download: r?.download ?? false,
    valid_from: viDate(r?.valid_from),
    valid_to: viDate(r?.valid_to),
    note: r?.note ?? '',
  };
}

/** What POST (or PATCH) /working-relationships is sent, dates as yyyy-MM-dd. */
export function relationshipPayload(f: RelationshipForm): { body: RelationshipInput; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const date = (field: string, text: string, required: boolean): string | null => {
    if (!text.trim()) {
      if (required) errors[field] = t('common.required');
      return null;
    }
    const d = parseViDate(text);
    if (!d) errors[field] = t('audit.badDate');
    return d;
  };
  if (!f.unit_id) errors.unit_id = t('common.required');
  if (!f.partner_unit_id) errors.partner_unit_id = t('common.required');
  if (!f.basis_number.trim()) errors.basis_number = t('common.required');
  const data_types = inOrder(DATA_TYPES, f.data_types);
  if (data_types.length === 0) errors.data_types = t('sharing.pickType');
  const basis_date = date('basis_date', f.basis_date, true);
  const valid_from = date('valid_from', f.valid_from, true);
  const valid_to = date('valid_to', f.valid_to, false);
  if (valid_from && valid_to && valid_to < valid_from) errors.valid_to = t('sharing.validOrder');
  return {
    body: {
      unit_id: Number(f.unit_id),
      partner_unit_id: Number(f.partner_unit_id),
      basis_kind: f.basis_kind as RelationshipInput['basis_kind'],
      basis_number: f.basis_number.trim(),
      basis_date: basis_date ?? '',
      basis_title: f.basis_title.trim(),
      data_types,
      unit_ids: [...f.unit_ids].sort((a, b) => a - b),
      download: f.download,
      valid_from: valid_from ?? '',
      valid_to,
      note: f.note.trim(),
    },
    errors,
  };
}

/** Only what changed, for PATCH. */
export function relationshipPatch(body: RelationshipInput, r: Relationship): RelationshipInput {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    const before = (r as unknown as Record<string, unknown>)[k];
    if (JSON.stringify(v) !== JSON.stringify(before)) out[k] = v;
  }
  return out as RelationshipInput;
}
