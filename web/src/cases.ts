// Pure helpers of the supervision pages (giám sát trực tuyến): localised names of the codes, the
// Art. 16.4 clause as officers cite it, identifiers typed as comma-separated lists, the case list's
// filters and its live updates, the actions a case offers, and times in the unit's time zone.
import {
  casesApi,
  IDENTIFIER_KINDS,
  type CameraWindow,
  type Case,
  type CaseInput,
  type CoordinationRequest,
  type Identifiers,
  type Proposal,
  type Routing,
  type TimelineItem,
} from './api';
import { DISPLAY_TIME_ZONE, formatDateTime, parseViDate, zonedDateToUtcIso, zoneOffsetMinutes } from './format';
import { label, pick, t, type Lang } from './i18n';
import { fold, type TreeNode } from './tree';

export const methodName = (m: string | null | undefined, lang?: Lang) => label('method', m, lang);
export const taskStatusName = (s: string, lang?: Lang) => label('taskStatus', s, lang);
export const taskTargetTypeName = (s: string, lang?: Lang) => label('taskTarget', s, lang);
export const subjectName = (s: string, lang?: Lang) => label('subject', s, lang);
export const caseStatusName = (s: string, lang?: Lang) => label('caseStatus', s, lang);
export const outcomeName = (s: string | null | undefined, lang?: Lang) => label('outcome', s, lang);
export const proposalStatusName = (s: string, lang?: Lang) => label('proposalStatus', s, lang);
export const coordinationStatusName = (s: string, lang?: Lang) => label('coordinationStatus', s, lang);
export const recipientRoleName = (s: string, lang?: Lang) => label('recipientRole', s, lang);
export const notificationKindName = (s: string, lang?: Lang) => label('notificationKind', s, lang);
export const identifierKindName = (s: string, lang?: Lang) => label('identifier', s, lang);

// ---- the clause of Art. 16.4 ---------------------------------------------------------------------

/** "16.4.b" → "Điều 16 khoản 4 điểm b" / "Article 16(4)(b)"; null for anything else. */
export function clauseFromCode(code: string | null | undefined, lang?: Lang): string | null {
  const m = /^(\d+)\.(\d+)\.([a-zđ])$/.exec(code ?? '');
  if (!m) return null;
  return t('cases.clauseCode', { article: m[1], paragraph: m[2], point: m[3] }, lang);
}

/** The clause alone, as the server names it (or built from its code). */
export function clauseName(r: Pick<Routing, 'clause' | 'clause_vi' | 'clause_en'> | null | undefined, lang?: Lang): string {
  if (!r) return '';
  return pick(r.clause_vi, r.clause_en, lang) || clauseFromCode(r.clause, lang) || r.clause || '';
}

/** "Theo Điều 16 khoản 4 điểm b" / "Under Article 16(4)(b)": what the routing box says first. */
export function clauseText(r: Pick<Routing, 'clause' | 'clause_vi' | 'clause_en'> | null | undefined, lang?: Lang): string {
  const name = clauseName(r, lang);
  return name ? t('cases.clauseLead', { clause: name }, lang) : '';
}

/**
 * "<prefix>unit_name" in the language: the server writes "<prefix>unit_name_en" beside every
 * unit name it adds (src/api/routes.h, with_names), so English needs no lookup.
 */
export function unitNameIn(o: object | null | undefined, prefix = '', lang?: Lang): string {
  const r = (o ?? {}) as Record<string, unknown>;
  const vi = r[`${prefix}unit_name`];
  const en = r[`${prefix}unit_name_en`];
  return pick(typeof vi === 'string' ? vi : '', typeof en === 'string' ? en : '', lang);
}

export interface RecipientRow {
  userId: number;
  name: string;
  unit: string;
  role: string;
  approver: boolean;
  reason: string;
}

/** The people a report went to, approver(s) first, in the language. */
export function recipientRows(r: Routing | null | undefined, lang?: Lang): RecipientRow[] {
  const rows = (r?.recipients ?? []).map((x) => ({
    userId: x.user_id,
    name: x.full_name,
    unit: unitNameIn(x, '', lang),
    role: recipientRoleName(x.role, lang),
    approver: !!x.approver,
    reason: pick(x.reason_vi, x.reason_en, lang),
  }));
  return rows.sort((a, b) => Number(b.approver) - Number(a.approver));
}

export function warningTexts(r: Routing | null | undefined, lang?: Lang): string[] {
  return (r?.warnings ?? []).map((w) => pick(w.message_vi, w.message_en, lang) || w.code);
}

// ---- identifiers (số tờ khai, container, biển số, niêm phong, người) ----------------------------

/** "a, b ,c" → ["a", "b", "c"]: commas, semicolons or new lines separate; blanks and repeats go. */
export function parseIdentifiers(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(/[,;\n]/)) {
    const v = part.trim().replace(/\s+/g, ' ');
    if (v && !out.includes(v)) out.push(v);
  }
  return out;
}

/** The inverse, for putting a list back into an input. */
export const identifiersText = (list: string[] | null | undefined) => (list ?? []).join(', ');

export function emptyIdentifiers(): Identifiers {
  return Object.fromEntries(IDENTIFIER_KINDS.map((k) => [k, []])) as unknown as Identifiers;
}

/** The kinds that have values, in the fixed order, with their localised names. */
export function identifierLines(ids: Partial<Identifiers> | null | undefined, lang?: Lang): { kind: string; label: string; values: string[] }[] {
  return IDENTIFIER_KINDS.filter((k) => (ids?.[k] ?? []).length > 0).map((k) => ({
    kind: k,
    label: identifierKindName(k, lang),
    values: ids![k]!,
  }));
}

// ---- times typed in the unit's zone --------------------------------------------------------------

/**
 * The UTC instant (ISO with Z) of "yyyy-MM-ddTHH:mm" as an <input type="datetime-local"> gives it,
 * read as a wall-clock time in `timeZone` (not the browser's zone); null when malformed.
 */
export function zonedLocalToUtcIso(local: string, timeZone = DISPLAY_TIME_ZONE): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local.trim());
  if (!m) return null;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0));
  if (Number.isNaN(wall)) return null;
  let guess = wall - zoneOffsetMinutes(new Date(wall), timeZone) * 60000;
  guess = wall - zoneOffsetMinutes(new Date(guess), timeZone) * 60000;
  return new Date(guess).toISOString();
}

/** An instant as "yyyy-MM-ddTHH:mm" in `timeZone`, for a datetime-local input; "" when missing. */
export function utcIsoToZonedLocal(value: string | number | Date | null | undefined, timeZone = DISPLAY_TIME_ZONE): string {
  const s = formatDateTime(value, { timeZone }); // dd/MM/yyyy HH:mm
  if (!s) return '';
  return `${s.slice(6, 10)}-${s.slice(3, 5)}-${s.slice(0, 2)}T${s.slice(11, 16)}`;
}

// ---- the case list: filters and live updates ----------------------------------------------------

/** The list's filters as the operator typed them (dates as dd/MM/yyyy, Vietnam days). */
export interface CaseFilters {
  unit: string; // unit id, "" for every unit the user may see
  method: string;
  status: string;
  severity: string;
  from: string;
  to: string;
  q: string;
}

export const NO_CASE_FILTERS: CaseFilters = { unit: '', method: '', status: '', severity: '', from: '', to: '', q: '' };

/** The dates that are typed but are not dates (they would silently filter nothing). */
export function badFilterDates(f: CaseFilters): { from?: boolean; to?: boolean } {
  return {
    from: f.from.trim() !== '' && parseViDate(f.from) === null,
    to: f.to.trim() !== '' && parseViDate(f.to) === null,
  };
}

function dayBound(text: string, endOfDay: boolean, timeZone: string): string | null {
  const iso = parseViDate(text);
  return iso ? zonedDateToUtcIso(iso, endOfDay, timeZone) : null;
}

/** Query parameters of GET /cases: whole days in `timeZone` become UTC bounds. */
export function caseQuery(f: CaseFilters, timeZone = DISPLAY_TIME_ZONE) {
  return {
    unit: f.unit ? Number(f.unit) : null,
    method: f.method || undefined,
    status: f.status || undefined,
    severity: f.severity || undefined,
    from: dayBound(f.from, false, timeZone),
    to: dayBound(f.to, true, timeZone),
    q: f.q.trim() || undefined,
  };
}

/** The text that the free search looks in: number, identifiers, site, description. */
function searchable(c: Case): string[] {
  const ids = IDENTIFIER_KINDS.flatMap((k) => c.identifiers?.[k] ?? []);
  return [c.number, c.site, c.description, ...ids].filter((s): s is string => typeof s === 'string');
}

/**
 * Whether a case belongs in the list with these filters. `inUnit` says whether a unit is the
 * filtered unit or below it (the server's `unit=` covers the subtree).
 */
export function caseMatches(
  c: Case,
  f: CaseFilters,
  inUnit: (unitId: number) => boolean = () => true,
  timeZone = DISPLAY_TIME_ZONE,
): boolean {
  if (f.unit && !inUnit(c.unit_id)) return false;
  if (f.method && c.method !== f.method) return false;
  if (f.status && c.status !== f.status) return false;
  if (f.severity && c.severity !== f.severity) return false;
  const at = Date.parse(c.observed_at);
  const from = dayBound(f.from, false, timeZone);
  const to = dayBound(f.to, true, timeZone);
  if (from && !(at >= Date.parse(from))) return false;
  if (to && !(at <= Date.parse(to))) return false;
  const q = fold(f.q.trim());
  if (q && !searchable(c).some((s) => fold(s).includes(q))) return false;
  return true;
}

/** Newest observation first. */
export function sortCases(list: Case[]): Case[] {
  return [...list].sort((a, b) => (Date.parse(b.observed_at) || 0) - (Date.parse(a.observed_at) || 0) || b.id - a.id);
}

export function isCase(x: unknown): x is Case {
  const c = x as Case | null;
  return !!c && typeof c === 'object' && typeof c.id === 'number' && typeof c.status === 'string';
}

/**
 * The list after a "case.changed" event: the case replaces its older copy or is added when it
 * matches the filters, and leaves the list when it no longer does. Returns `list` itself when
 * nothing changed.
 */
export function applyCaseEvent(list: Case[], incoming: unknown, matches: (c: Case) => boolean): Case[] {
  if (!isCase(incoming)) return list;
  const i = list.findIndex((c) => c.id === incoming.id);
  if (!matches(incoming)) return i < 0 ? list : list.filter((c) => c.id !== incoming.id);
  if (i >= 0 && Date.parse(list[i].updated_at) > Date.parse(incoming.updated_at)) return list; // an older copy, replayed
  const out = i < 0 ? [...list, incoming] : list.map((c) => (c.id === incoming.id ? { ...c, ...incoming } : c));
  return sortCases(out);
}

// ---- what a case offers -------------------------------------------------------------------------

export type CaseAction = 'edit' | 'report' | 'acknowledge' | 'start' | 'conclude' | 'close' | 'reopen' | 'propose' | 'coordinate';

const HANDLING = ['acknowledged', 'in_handling', 'coordination_requested'];

/**
 * The buttons the case shows the user, from its status and what the user is to it (`my_role`).
 * The server decides anyway; this only keeps away buttons that would surely be refused.
 */
export function caseActions(c: Pick<Case, 'status' | 'my_role' | 'created_by'>, userId: number): CaseAction[] {
  const handler = c.my_role === 'recipient' || c.my_role === 'approver';
  const out: CaseAction[] = [];
  if (c.status === 'draft') {
    if (c.my_role === 'reporter' || c.created_by === userId) out.push('edit', 'report');
    return out;
  }
  if (!handler) return out;
  if (c.status === 'reported') out.push('acknowledge');
  if (c.status === 'acknowledged' || c.status === 'coordination_requested') out.push('start');
  if (c.status === 'in_handling' || c.status === 'coordination_requested') out.push('conclude');
  if (c.status === 'concluded') out.push('close');
  if (c.status === 'concluded' || c.status === 'closed') out.push('reopen');
  if (HANDLING.includes(c.status)) out.push('propose');
  if (c.my_role === 'approver' && HANDLING.includes(c.status)) out.push('coordinate');
  return out;
}

/** What the user may do with a proposal: the approver decides, a handler carries out an approved plan. */
export function proposalActions(p: Pick<Proposal, 'status'>, c: Pick<Case, 'my_role' | 'status'>): ('decide' | 'execute')[] {
  if (c.status === 'closed') return [];
  if (p.status === 'proposed' && c.my_role === 'approver') return ['decide'];
  if (p.status === 'approved' && (c.my_role === 'approver' || c.my_role === 'recipient')) return ['execute'];
  return [];
}

// ---- the timeline -------------------------------------------------------------------------------

export interface TimelineLine {
  key: string;
  at: string;
  time: string;
  who: string;
  text: string;
  kind: string;
}

/** Oldest first, times in the unit's zone with seconds, the text in the language. */
export function timelineLines(items: TimelineItem[], timeZone = DISPLAY_TIME_ZONE, lang?: Lang): TimelineLine[] {
  return items
    .map((it, i) => ({ it, i }))
    .sort((a, b) => (Date.parse(a.it.at) || 0) - (Date.parse(b.it.at) || 0) || a.i - b.i)
    .map(({ it, i }) => ({
      key: `${it.at}-${i}`,
      at: it.at,
      time: formatDateTime(it.at, { seconds: true, timeZone }),
      who: it.by_name ?? (it.by === null ? t('cases.system', undefined, lang) : t('duty.unknownUser', { id: it.by }, lang)),
      text: pick(it.text_vi, it.text_en, lang),
      kind: it.kind,
    }));
}

// ---- coordination ---------------------------------------------------------------------------------

/** Past its deadline without an answer (the server's flag, or the clock's). */
export function isOverdue(r: Pick<CoordinationRequest, 'overdue' | 'status' | 'deadline'>, now = Date.now()): boolean {
  if (r.status === 'answered') return false;
  return !!r.overdue || (Date.parse(r.deadline) || Infinity) < now;
}

/** Replace a request in a list by id (or add it when `add`), newest first. */
export function upsertCoordination(list: CoordinationRequest[], r: CoordinationRequest, add: boolean): CoordinationRequest[] {
  const i = list.findIndex((x) => x.id === r.id);
  if (i < 0 && !add) return list;
  const out = i < 0 ? [r, ...list] : list.map((x) => (x.id === r.id ? r : x));
  return out.sort((a, b) => (Date.parse(b.created_at) || 0) - (Date.parse(a.created_at) || 0) || b.id - a.id);
}

// ---- the report form ----------------------------------------------------------------------------

export interface CameraRow {
  camera: string;
  from: string; // datetime-local in the unit's zone
  to: string;
}

/** The report form as typed: times as datetime-local in the unit's zone, identifiers as text. */
export interface CaseForm {
  unit: string;
  task: string; // task id or ""
  method: string; // used when no task is chosen
  observed_at: string;
  site: string;
  site_unit: string; // unit id or ""
  cameras: CameraRow[];
  subject: string;
  severity: string;
  description: string;
  suspected_violation: string;
  identifiers: Record<(typeof IDENTIFIER_KINDS)[number], string>;
  immediate_measure: string;
}

export const emptyCamera = (): CameraRow => ({ camera: '', from: '', to: '' });

/** The form for a new case (observed now) or for a draft being completed. */
export function caseForm(c: Case | null, unitId: number, timeZone = DISPLAY_TIME_ZONE, now: Date = new Date()): CaseForm {
  const ids = { ...emptyIdentifiers(), ...(c?.identifiers ?? {}) };
  return {
    unit: String(c?.unit_id ?? unitId),
    task: c?.task_id ? String(c.task_id) : '',
    method: c?.method ?? 'regular',
    observed_at: utcIsoToZonedLocal(c?.observed_at ?? now, timeZone),
    site: c?.site ?? '',
    site_unit: c?.site_unit_id ? String(c.site_unit_id) : '',
    cameras: (c?.cameras ?? []).map((x) => ({
      camera: x.camera,
      from: utcIsoToZonedLocal(x.from, timeZone),
      to: utcIsoToZonedLocal(x.to, timeZone),
    })),
    subject: c?.subject ?? 'goods',
    severity: c?.severity ?? 'medium',
    description: c?.description ?? '',
    suspected_violation: c?.suspected_violation ?? '',
    identifiers: Object.fromEntries(IDENTIFIER_KINDS.map((k) => [k, identifiersText(ids[k])])) as CaseForm['identifiers'],
    immediate_measure: c?.immediate_measure ?? '',
  };
}

/**
 * The body of POST /cases (or PATCH of a draft) from the form, and what is wrong before sending,
 * keyed like the server's field errors ("observed_at", "cameras[1].from", …), and which form row
 * each sent camera came from (`cameraRows`, so that errors land on the right row). Camera rows
 * without a camera are dropped; a chosen task decides the method, so the method goes only without one.
 * Optional references left empty are left out (a page editing a draft sends null to clear one).
 */
export function casePayload(
  f: CaseForm,
  timeZone = DISPLAY_TIME_ZONE,
): { body: CaseInput; errors: Record<string, string>; cameraRows: number[] } {
  const errors: Record<string, string> = {};
  const observed = zonedLocalToUtcIso(f.observed_at, timeZone);
  if (!observed) errors.observed_at = t('cases.badDateTime');
  const cameras: CameraWindow[] = [];
  const cameraRows: number[] = [];
  f.cameras.forEach((row, i) => {
    if (!row.camera.trim()) return;
    const j = cameras.length;
    const from = zonedLocalToUtcIso(row.from, timeZone);
    const to = zonedLocalToUtcIso(row.to, timeZone);
    if (!from) errors[`cameras[${j}].from`] = t('cases.badDateTime');
    if (!to) errors[`cameras[${j}].to`] = t('cases.badDateTime');
    if (from && to && Date.parse(to) < Date.parse(from)) errors[`cameras[${j}].to`] = t('cases.windowOrder');
    cameras.push({ camera: row.camera.trim(), from: from ?? '', to: to ?? '' });
    cameraRows.push(i);
  });
  const identifiers = emptyIdentifiers();
  for (const k of IDENTIFIER_KINDS) identifiers[k] = parseIdentifiers(f.identifiers[k]);
  const body: CaseInput = {
    unit_id: Number(f.unit),
    ...(f.task ? { task_id: Number(f.task) } : { method: f.method }),
    severity: f.severity,
    observed_at: observed ?? '',
    site: f.site.trim(),
    ...(f.site_unit ? { site_unit_id: Number(f.site_unit) } : {}),
    cameras,
    subject: f.subject,
    description: f.description.trim(),
    suspected_violation: f.suspected_violation.trim(),
    immediate_measure: f.immediate_measure.trim(),
    identifiers,
  };
  return { body, errors, cameraRows };
}

/**
 * Art. 8: a passenger-baggage report names the team on site, the measure taken at once and the
 * person and the baggage, whoever reports it. The form marks these; the server decides.
 */
export function requiredBySubject(subject: string): string[] {
  return subject === 'passenger_baggage' ? ['site_unit_id', 'immediate_measure', 'identifiers.persons', 'identifiers.baggage'] : [];
}

/** The time zone of a unit (the console's default while the units are not loaded). */
export function unitTimeZone(units: { id: number; time_zone: string }[], id: number | null | undefined): string {
  return units.find((u) => u.id === id)?.time_zone || DISPLAY_TIME_ZONE;
}

// ---- a case reported from a live tile -----------------------------------------------------------

const CASE_DRAFT_KEY = 'watchfloor.caseDraft';

/** What the report form starts with when opened from a camera: the camera, its window and a snapshot. */
export function caseFromCamera(
  c: { id: number; name: string; site_name?: string },
  window: { from: number; to: number },
  snapshotUrl: string,
  timeZone = DISPLAY_TIME_ZONE,
): Partial<CaseForm> {
  return {
    site: c.site_name ?? '',
    observed_at: utcIsoToZonedLocal(new Date(window.to), timeZone),
    cameras: [
      {
        camera: c.name,
        from: utcIsoToZonedLocal(new Date(window.from), timeZone),
        to: utcIsoToZonedLocal(new Date(window.to), timeZone),
      },
    ],
    description: t('wall.caseSnapshot', { url: snapshotUrl }),
  };
}

/** Hands a prefilled form to the report page (same browser tab), which takes it once. */
export function stashCaseDraft(f: Partial<CaseForm>): void {
  try {
    sessionStorage.setItem(CASE_DRAFT_KEY, JSON.stringify(f));
  } catch {
    // storage disabled: the form opens empty
  }
}

export function takeCaseDraft(): Partial<CaseForm> {
  try {
    const s = sessionStorage.getItem(CASE_DRAFT_KEY);
    sessionStorage.removeItem(CASE_DRAFT_KEY);
    return s ? (JSON.parse(s) as Partial<CaseForm>) : {};
  } catch {
    return {};
  }
}

/**
 * The units a coordination request of the case may go to, in tree order: exactly those the server
 * lists (every unit of customs but the handling unit), never a guess made here.
 */
export function coordinationTargetNodes(nodes: TreeNode[], c: Pick<Case, 'coordination_targets'>): TreeNode[] {
  const allowed = new Set(c.coordination_targets ?? []);
  return nodes.filter((n) => allowed.has(n.unit.id));
}

/** A case number ("HP-2026-0012") or id → the case id; null when none is given; undefined when not found. */
export async function resolveCase(ref: string): Promise<number | null | undefined> {
  if (!ref) return null;
  if (/^\d+$/.test(ref)) return Number(ref);
  const found = await casesApi.cases({ q: ref });
  return found.items.find((c) => fold(c.number) === fold(ref))?.id;
}
