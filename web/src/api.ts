// The console's only door to the server (contract: /api/v1, cookie session, CSRF header on unsafe
// methods, RFC 9457 problem+json errors with Vietnamese and English text).
import type {
  AccessMode,
  AlertStatus,
  DataDecision,
  DataRequestStatus,
  DataType,
  GrantStatus,
  RelationshipBasis,
  SharingRoute,
  DesignationKind,
  IdentifierKind,
  ItemDecision,
  OutageState,
  RelayAction,
  RelayStage,
  RotationKind,
  SiteState,
} from './enums.generated';
import { dictionaries, getLang, type HqWords, type Lang } from './i18n';

// The enumerations the server defines, generated from docs/openapi.yaml.
export * from './enums.generated';

export interface RoleGrant {
  /** A Role; kept a string so that a role the server adds is shown, not refused. */
  role: string;
  unit_id: number;
}

export interface User {
  id: number;
  username: string;
  full_name: string;
  unit_id: number;
  title: string | null;
  active: boolean;
  must_change_password: boolean;
  roles: RoleGrant[];
  created_at: string;
  last_login_at: string | null;
}

export type Designations = Record<DesignationKind, number | null>;

export interface Unit {
  id: number;
  parent_id: number | null;
  code: string;
  kind: string;
  name_vi: string;
  name_en: string;
  time_zone: string;
  /** Địa danh: the province or city of the seat, printed on its documents; '' = that of the unit above. */
  place: string;
  has_camera_room: boolean;
  must_run_24x7: boolean;
  external: boolean;
  designations: Partial<Designations>;
}

export type UnitInput = Omit<Unit, 'id'>;

export interface MetaItem {
  id: string;
  name_vi: string;
  name_en: string;
}

export interface Meta {
  version: string;
  /** What the installed organisation calls headquarters; roles and designation kinds below already use it. */
  hq: HqWords;
  roles: MetaItem[];
  unit_kinds: MetaItem[];
  designation_kinds: MetaItem[];
}

export interface Session {
  user: User;
  csrf_token: string;
}

export interface AuditEntry {
  seq: number;
  time: string;
  actor_id: number | null;
  actor: string | null;
  unit_id: number | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  details: unknown;
  request_id: string | null;
  ip: string | null;
  prev_hash: string;
  hash: string;
}

export interface AuditPage {
  items: AuditEntry[];
  next_before_seq: number | null;
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  object_type?: string;
  object_id?: string;
  from?: string | null;
  to?: string | null;
  limit?: number;
}

export interface AuditVerify {
  ok: boolean;
  entries: number;
  first_broken_seq: number | null;
  /** The newest signed checkpoint against the log (docs/formats.md §14). */
  checkpoint?: { ok: boolean; reason_vi?: string; reason_en?: string };
}

export interface AuditCheckpoint {
  seq: number;
  head_hash: string;
  at: string;
  key_id: string;
}

export interface FieldError {
  field: string;
  message_vi: string;
  message_en: string;
}

export interface Problem {
  type: string;
  title: string;
  title_vi?: string;
  status: number;
  detail?: string;
  detail_vi?: string;
  errors?: FieldError[];
}

const PROBLEM_PREFIX = 'urn:watchfloor:problem:';

/** A failed call: an HTTP problem from the server, or a synthetic one (network, bad answer). */
export class ApiError extends Error {
  readonly problem: Problem;
  readonly status: number;
  readonly retryAfter: number | null;

  constructor(problem: Problem, retryAfter: number | null = null) {
    super(problem.title || problem.title_vi || `HTTP ${problem.status}`);
    this.name = 'ApiError';
    this.problem = problem;
    this.status = problem.status;
    this.retryAfter = retryAfter;
  }

  /** "validation", "forbidden", …; "network" / "unexpected" for the synthetic ones. */
  get slug(): string {
    const t = this.problem.type ?? '';
    return t.startsWith(PROBLEM_PREFIX) ? t.slice(PROBLEM_PREFIX.length) : t;
  }

  title(lang: Lang = getLang()): string {
    const p = this.problem;
    return (lang === 'vi' ? p.title_vi || p.title : p.title || p.title_vi) || `HTTP ${p.status}`;
  }

  detail(lang: Lang = getLang()): string {
    const p = this.problem;
    return (lang === 'vi' ? p.detail_vi || p.detail : p.detail || p.detail_vi) ?? '';
  }

  /**
   * Field → message in the language, for showing next to form fields. A field named without a message of
   * its own (a 409 "node-full" names node_id) takes the problem's detail.
   */
  fieldErrors(lang: Lang = getLang()): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem.errors ?? []) {
      const msg = (lang === 'vi' ? e.message_vi || e.message_en : e.message_en || e.message_vi) || this.detail(lang);
      out[e.field] = out[e.field] ? `${out[e.field]}\n${msg}` : msg;
    }
    return out;
  }
}

function synthetic(slug: 'network' | 'unexpected', status: number): Problem {
  const vi = dictionaries.vi;
  const en = dictionaries.en;
  const fill = (s: string) => s.replace('{status}', String(status));
  return slug === 'network'
    ? {
        type: PROBLEM_PREFIX + 'network',
        status: 0,
        title: en['error.network'],
        title_vi: vi['error.network'],
        detail: en['error.networkDetail'],
        detail_vi: vi['error.networkDetail'],
      }
    : {
        type: PROBLEM_PREFIX + 'unexpected',
        status,
        title: en['error.unexpected'],
        title_vi: vi['error.unexpected'],
        detail: fill(en['error.unexpectedDetail']),
        detail_vi: fill(vi['error.unexpectedDetail']),
      };
}

let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function getCsrfToken(): string | null {
  return csrfToken;
}

type ProblemListener = (err: ApiError, path: string) => void;
let problemListener: ProblemListener | null = null;

/**
 * Called for every failed call; the app uses it to go back to the login page when the session
 * expired (401) or to the change-password page (403 password-change-required).
 */
export function onProblem(fn: ProblemListener | null): void {
  problemListener = fn;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
export const API_BASE = '/api/v1';

/** A body sent as it is (a file's bytes), not as JSON. */
export class RawBody {
  constructor(
    readonly data: Blob | ArrayBuffer | Uint8Array<ArrayBuffer>,
    readonly type: string,
  ) {}
}

/** `signal` aborts the call: it then rejects with the AbortError itself, which no page shows. */
export async function request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
  const raw = body instanceof RawBody ? body : null;
  if (body !== undefined) headers['Content-Type'] = raw ? raw.type : 'application/json';
  if (UNSAFE.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(API_BASE + path, {
      method,
      headers,
      credentials: 'same-origin',
      body: raw ? raw.data : body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (e) {
    if (signal?.aborted) throw e;
    const err = new ApiError(synthetic('network', 0));
    problemListener?.(err, path);
    throw err;
  }
  if (res.ok) {
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    if (!text) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError(synthetic('unexpected', res.status));
    }
  }
  const err = await toApiError(res);
  problemListener?.(err, path);
  throw err;
}

async function toApiError(res: Response): Promise<ApiError> {
  const ra = res.headers.get('Retry-After');
  const retryAfter = ra !== null && /^\d+$/.test(ra) ? Number(ra) : null;
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(await res.text());
  } catch {
    parsed = null;
  }
  if (parsed && typeof parsed === 'object' && ('title' in parsed || 'title_vi' in parsed || 'type' in parsed)) {
    const p = parsed as Partial<Problem> & { field?: unknown };
    const problem: Problem = {
      type: typeof p.type === 'string' ? p.type : 'about:blank',
      title: typeof p.title === 'string' ? p.title : '',
      title_vi: typeof p.title_vi === 'string' ? p.title_vi : undefined,
      status: typeof p.status === 'number' ? p.status : res.status,
      detail: typeof p.detail === 'string' ? p.detail : undefined,
      detail_vi: typeof p.detail_vi === 'string' ? p.detail_vi : undefined,
      errors: Array.isArray(p.errors)
        ? p.errors
            .filter((e): e is FieldError => !!e && typeof e === 'object' && typeof (e as FieldError).field === 'string')
            .map((e) => {
              // The documented form is message_vi / message_en; a bare {vi, en} pair is read too.
              const pair = e as unknown as { vi?: string; en?: string };
              return { field: e.field, message_vi: e.message_vi ?? pair.vi ?? '', message_en: e.message_en ?? pair.en ?? '' };
            })
        : // A problem about one field may name it at the top level; its detail is the field's message.
          typeof p.field === 'string'
          ? [{ field: p.field, message_vi: '', message_en: '' }]
          : undefined,
    };
    return new ApiError(problem, retryAfter);
  }
  return new ApiError(synthetic('unexpected', res.status), retryAfter);
}

function query(params: object): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params) as [string, string | number | null | undefined][]) if (v !== null && v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

// ---- lists that page (issue 14): `limit` (1..500, default 100) and an opaque `cursor`; the answer's
// `next_cursor` asks for the next page, null on the last. /audit pages by `before_seq` instead.

/** One page of a list, whichever way the route pages: `next` asks for the page after, null on the last. */
export interface Page<T> {
  items: T[];
  next: string | null;
}

/** The answer of a list route that pages by cursor; one without `next_cursor` is the whole list. */
interface Listed<T> {
  items: T[];
  next_cursor?: string | null;
}

/** A page of the list route `path` (the first when `cursor` is null), with the answer's other fields. */
function listPage<T, Extra extends object = object>(
  path: string,
  params: object,
  cursor: string | null,
  signal?: AbortSignal,
): Promise<Page<T> & Extra> {
  return request<Listed<T> & Extra>('GET', `${path}${query({ ...params, cursor })}`, undefined, signal).then(({ next_cursor, ...rest }) => ({
    ...(rest as unknown as Extra & { items: T[] }),
    next: next_cursor ?? null,
  }));
}

/** The largest page a list route gives. */
export const MAX_PAGE = 500;

/** Every page of a list, for the choosers and counts that need all of it (pages of MAX_PAGE). */
export async function allPages<T>(page: (cursor: string | null) => Promise<Page<T>>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const p: Page<T> = await page(cursor);
    out.push(...p.items);
    cursor = p.next;
  } while (cursor);
  return out;
}

/** A list route that answers in one piece, as a page. */
export const wholeList = <T>(items: T[]): Page<T> => ({ items, next: null });

function rememberSession(s: Session): Session {
  setCsrfToken(s.csrf_token);
  return s;
}

export const api = {
  login: (username: string, password: string) =>
    request<Session>('POST', '/auth/login', { username, password }).then(rememberSession),
  me: (signal?: AbortSignal) => request<Session>('GET', '/auth/me', undefined, signal).then(rememberSession),
  logout: () => request<void>('POST', '/auth/logout').finally(() => setCsrfToken(null)),
  changePassword: (current_password: string, new_password: string) =>
    request<void>('POST', '/auth/password', { current_password, new_password }),

  meta: (signal?: AbortSignal) => request<Meta>('GET', '/meta', undefined, signal),

  units: (signal?: AbortSignal) => request<{ items: Unit[] }>('GET', '/units', undefined, signal).then((r) => r.items),
  unit: (id: number, signal?: AbortSignal) => request<Unit>('GET', `/units/${id}`, undefined, signal),
  createUnit: (u: Partial<UnitInput>) => request<Unit>('POST', '/units', u),
  updateUnit: (id: number, patch: Partial<UnitInput>) => request<Unit>('PATCH', `/units/${id}`, patch),
  deleteUnit: (id: number) => request<void>('DELETE', `/units/${id}`),

  users: (filter: { unit?: number | null; q?: string }, signal?: AbortSignal) =>
    request<{ items: User[] }>('GET', `/users${query({ unit: filter.unit, q: filter.q })}`, undefined, signal).then((r) => r.items),
  user: (id: number, signal?: AbortSignal) => request<User>('GET', `/users/${id}`, undefined, signal),
  createUser: (u: {
    username: string;
    full_name: string;
    unit_id: number;
    title?: string;
    password: string;
    roles: RoleGrant[];
    must_change_password?: boolean;
  }) => request<User>('POST', '/users', u),
  updateUser: (
    id: number,
    patch: Partial<{ full_name: string; unit_id: number; title: string; active: boolean; roles: RoleGrant[]; password: string }>,
  ) => request<User>('PATCH', `/users/${id}`, patch),
  // Lifts the sign-in throttle of this user for every address.
  unlockUser: (id: number) => request<void>('POST', `/users/${id}/unlock`),

  audit: (f: AuditFilter & { before_seq?: string | number | null }, signal?: AbortSignal) => request<AuditPage>('GET', `/audit${query(f)}`, undefined, signal),
  /** The audit log as pages of a list: `cursor` is the `before_seq` of the older entries. */
  auditPage: (f: AuditFilter, cursor: string | null, signal?: AbortSignal) =>
    request<AuditPage>('GET', `/audit${query({ ...f, before_seq: cursor })}`, undefined, signal).then(
      (r): Page<AuditEntry> => ({ items: r.items, next: r.next_before_seq === null ? null : String(r.next_before_seq) }),
    ),
  auditVerify: () => request<AuditVerify>('GET', '/audit/verify'),
  takeCheckpoint: () => request<AuditCheckpoint>('POST', '/audit/checkpoints'),
};

// ---- duty watch (trực ban) -------------------------------------------------------------------

export interface ShiftMember {
  user_id: number;
  position: string;
  /** Quyền lãnh đạo ca trực: a deputy_leader the roster names to act as the shift's leader. */
  acting_leader?: boolean;
  checked_in_at: string | null;
  full_name?: string;
  username?: string;
}

export interface Shift {
  id: number;
  unit_id: number;
  roster_id: number;
  date: string; // the unit's local date the shift starts on
  starts_at: string;
  ends_at: string;
  status: string;
  members: ShiftMember[];
}

export interface FocusItem {
  id: number;
  shift_id: number;
  text: string;
  source: string;
  set_by: number;
  at: string;
}

export interface DutyOrder {
  id: number;
  shift_id: number;
  kind: string;
  target_type: string;
  target_ref: string;
  receiving_unit_id: number | null;
  instructions: string;
  issued_by: number;
  issued_at: string;
  outcome: string | null;
  outcome_by: number | null;
  outcome_at: string | null;
  status: 'open' | 'done';
}

export interface ItemAcceptance {
  decision: ItemDecision;
  note: string;
  by: number;
  by_name?: string;
  at: string;
}

/**
 * One open item of a handover. type: "order" | "log" | "case" (kind: its clause, "16.4.a" …) |
 * "coordination" (kind: "sent" | "received"); type and id identify it within the handover.
 */
export interface OpenItem {
  type: string;
  id?: number;
  kind?: string;
  number?: string;
  target?: string;
  acceptance?: ItemAcceptance;
  [k: string]: unknown;
}

export interface Handover {
  shift_id: number;
  prepared_by: number;
  prepared_at: string;
  summary: string;
  notes: string;
  open_items: OpenItem[];
  accepted_by: number | null;
  accepted_at: string | null;
  remarks: string | null;
  status: 'prepared' | 'accepted';
}

export interface ShiftDetail extends Shift {
  focus_items: FocusItem[];
  orders: DutyOrder[];
  handover: Handover | null;
  my_position: string | null;
  /** Whether the caller may direct that goods or a means of transport be stopped (Art. 7). */
  can_order_stop: boolean;
}

export interface LogEntry {
  id: number;
  shift_id: number;
  at: string;
  author_id: number;
  kind: string;
  text: string;
  links: Record<string, number>;
  corrects_id: number | null;
}

export interface CurrentShifts {
  unit_id: number;
  current: Shift | null;
  next: Shift | null;
}

export interface RosterMember {
  user_id: number;
  position: string;
  /** Only a deputy_leader, at most one per team or weekday. */
  acting_leader?: boolean;
}

export interface Rotation {
  kind: RotationKind;
  anchor_date?: string;
  teams?: RosterMember[][];
  weekdays?: { owner_unit_id: number | null; members: RosterMember[] }[];
}

export interface RosterOverride {
  date: string;
  user_out: number;
  user_in: number;
  reason: string;
}

export interface RosterSwap {
  date_a: string;
  user_a: number;
  date_b: string;
  user_b: number;
  reason: string;
}

export interface Amendment {
  at: string;
  by: number;
  reason: string;
  change: unknown;
}

export interface CompositionGap {
  date: string;
  phase: string;
  position: string;
  required: number;
  present: number;
}

export interface Roster {
  id: number;
  unit_id: number;
  period_from: string;
  period_to: string;
  status: string;
  rotation: Rotation;
  overrides: RosterOverride[];
  swaps: RosterSwap[];
  composition_exception: string | null;
  created_by: number | null;
  created_at: string;
  submitted_by: number | null;
  submitted_at: string | null;
  approved_by: number | null;
  approved_at: string | null;
  published_by: number | null;
  published_at: string | null;
  amendments: Amendment[];
  /** Only in the answers about one roster (GET/PATCH /rosters/{id} and the lifecycle steps). */
  composition_gaps?: CompositionGap[];
}

export interface RosterInput {
  unit_id?: number;
  period_from?: string;
  period_to?: string;
  rotation?: Rotation;
  overrides?: RosterOverride[];
  swaps?: RosterSwap[];
  reason?: string;
}

export interface CoverageGapItem {
  from: string;
  to: string;
  reason: string;
}

export interface Coverage {
  unit_id: number;
  must_run_24x7: boolean;
  from: string;
  to: string;
  gaps: CoverageGapItem[];
}

export const dutyApi = {
  // Without a unit: the duty watch the caller serves in (the answer's unit_id says which).
  current: (unit?: number, signal?: AbortSignal) => request<CurrentShifts>('GET', `/shifts/current${query({ unit })}`, undefined, signal),
  shifts: (unit: number, from: string, to: string, signal?: AbortSignal) =>
    request<{ items: Shift[] }>('GET', `/shifts${query({ unit, from, to })}`, undefined, signal).then((r) => r.items),
  shift: (id: number, signal?: AbortSignal) => request<ShiftDetail>('GET', `/shifts/${id}`, undefined, signal),
  checkIn: (id: number) => request<Shift>('POST', `/shifts/${id}/checkin`),
  log: (id: number, signal?: AbortSignal) => request<{ items: LogEntry[] }>('GET', `/shifts/${id}/log`, undefined, signal).then((r) => r.items),
  addLog: (id: number, e: { kind: string; text: string; corrects_id?: number }) =>
    request<LogEntry>('POST', `/shifts/${id}/log`, e),
  addFocus: (id: number, f: { text: string; source: string }) => request<FocusItem>('POST', `/shifts/${id}/focus`, f),
  addOrder: (
    id: number,
    o: { kind: string; target_type: string; target_ref: string; receiving_unit_id?: number; instructions?: string },
  ) => request<DutyOrder>('POST', `/shifts/${id}/orders`, o),
  reportOutcome: (id: number, orderId: number, outcome: string) =>
    request<DutyOrder>('POST', `/shifts/${id}/orders/${orderId}/outcome`, { outcome }),
  handover: (id: number, signal?: AbortSignal) => request<Handover>('GET', `/shifts/${id}/handover`, undefined, signal),
  prepareHandover: (id: number, h: { summary: string; notes?: string }) =>
    request<Handover>('POST', `/shifts/${id}/handover`, h),
  decideHandoverItem: (id: number, d: { type: string; id: number; decision: ItemDecision; note?: string }) =>
    request<Handover>('POST', `/shifts/${id}/handover/items`, d),
  acceptHandover: (id: number, remarks?: string) =>
    request<Handover>('POST', `/shifts/${id}/handover/accept`, remarks ? { remarks } : {}),

  rosters: (unit: number, signal?: AbortSignal) =>
    request<{ items: Roster[] }>('GET', `/rosters${query({ unit })}`, undefined, signal).then((r) => r.items),
  roster: (id: number, signal?: AbortSignal) => request<Roster>('GET', `/rosters/${id}`, undefined, signal),
  createRoster: (r: RosterInput) => request<Roster>('POST', '/rosters', r),
  updateRoster: (id: number, r: RosterInput) => request<Roster>('PATCH', `/rosters/${id}`, r),
  rosterStep: (id: number, step: 'submit' | 'approve' | 'publish', composition_exception?: string) =>
    request<Roster>(
      'POST',
      `/rosters/${id}/${step}`,
      composition_exception !== undefined ? { composition_exception } : undefined,
    ),

  coverage: (unit: number, from: string, to: string, signal?: AbortSignal) =>
    request<Coverage>('GET', `/coverage${query({ unit, from, to })}`, undefined, signal),
};

/** A condition the people on duty must look at (see src/events/alerts.cpp). */
export interface Alert {
  id: number;
  kind: string; // shift.member_missing | shift.handover_overdue | coverage.gap
  subject: string;
  unit_id: number | null;
  /** A Severity; one the console does not know sorts last. */
  severity: string;
  title_vi: string;
  title_en: string;
  audience: string[];
  details: Record<string, unknown>;
  raised_at: string;
  acknowledged_at: string | null;
  acknowledged_by: number | null;
  closed_at: string | null;
  status: AlertStatus;
}

export const alertsApi = {
  /** Alerts of `unit` and the units under it; "open" means not closed (acknowledged ones included). */
  list: (unit: number, status: 'open' | 'all' = 'open', signal?: AbortSignal) =>
    request<{ items: Alert[] }>('GET', `/alerts${query({ unit, status })}`, undefined, signal).then((r) => r.items),
  acknowledge: (id: number) => request<Alert>('POST', `/alerts/${id}/acknowledge`),
};

// ---- online supervision (giám sát trực tuyến): tasks, cases, coordination, inbox --------------

export type Identifiers = Record<IdentifierKind, string[]>;

export interface Directive {
  number: string;
  date: string; // yyyy-MM-dd
  issuer: string;
}

export interface OfficerScope {
  field?: string;
  area?: string;
  customs_type?: string;
  route?: string;
}

export interface TaskOfficer {
  user_id: number;
  full_name?: string;
  scope: OfficerScope;
}

export interface TaskTarget {
  type: string;
  ref: string;
  label?: string;
}

/** A supervision task (nhiệm vụ giám sát). */
export interface Task {
  id: number;
  unit_id: number;
  unit_name: string;
  method: string;
  title: string;
  description: string;
  period_from: string;
  period_to: string | null;
  status: string;
  directive: Directive | null;
  officers: TaskOfficer[];
  targets: TaskTarget[];
  created_by: number;
  created_by_name: string;
  created_at: string;
  /** Who of the plan unit's leadership put a key-point plan in force, and when. */
  approved_by: number | null;
  approved_by_name?: string | null;
  approved_at: string | null;
  updated_at: string;
}

export interface TaskInput {
  unit_id?: number;
  method?: string;
  title?: string;
  description?: string;
  period_from?: string;
  period_to?: string | null;
  directive?: Directive | null;
  officers?: { user_id: number; scope: OfficerScope }[];
  targets?: TaskTarget[];
  status?: string;
}

export interface CameraWindow {
  camera: string;
  from: string;
  to: string;
}

export interface Recipient {
  user_id: number;
  full_name: string;
  unit_id: number;
  unit_name: string;
  role: string;
  approver: boolean;
  reason_vi: string;
  reason_en: string;
}

export interface RoutingWarning {
  code: string;
  message_vi: string;
  message_en: string;
}

/** Where a reported case went and why (Art. 16.4). */
export interface Routing {
  clause: string; // "16.4.a" | "16.4.b" | "16.4.c"
  clause_vi: string;
  clause_en: string;
  explanation_vi: string;
  explanation_en: string;
  handling_unit_id: number;
  handling_unit_name: string;
  recipients: Recipient[];
  warnings: RoutingWarning[];
}

/** A handling plan proposed under Art. 15.1d: carried out only after approval. */
export interface Proposal {
  id: number;
  text: string;
  proposed_by: number;
  proposed_by_name: string;
  proposed_at: string;
  status: string;
  decided_by: number | null;
  decided_by_name: string | null;
  decided_at: string | null;
  remarks: string | null;
  executed_at: string | null;
  execution_note: string | null;
}

/** A coordination request (phiếu đề nghị phối hợp, Appendix V). */
export interface CoordinationRequest {
  id: number;
  number: string;
  case_id: number;
  case_number: string;
  from_unit_id: number;
  from_unit_name: string;
  to_unit_id: number;
  to_unit_name: string;
  content: string;
  requested_action: string;
  deadline: string;
  contacts: string;
  status: string;
  overdue: boolean;
  created_by: number;
  created_by_name: string;
  created_at: string;
  acknowledged_by: number | null;
  acknowledged_by_name: string | null;
  acknowledged_at: string | null;
  result: string | null;
  responded_by: number | null;
  responded_by_name: string | null;
  responded_at: string | null;
}

export interface RelayPerson {
  user_id: number;
  full_name?: string;
  username?: string;
}

/**
 * Art. 16.4(c) (báo cáo Lãnh đạo qua đầu mối): the case waits at the focal point, which forwards it
 * to the leaders it chooses; their direction (chỉ đạo) comes back through it to the units.
 * `actions` and `candidates` are the caller's: what they may do now, whom they may forward to.
 */
export interface Relay {
  stage: RelayStage;
  stage_vi: string;
  stage_en: string;
  focal_unit_id: number;
  focal_unit_name?: string;
  focal_unit_name_en?: string;
  hq_unit_id: number;
  hq_unit_name?: string;
  hq_unit_name_en?: string;
  /** The deadline of the hop the focal point owes now (forwarding, or passing the direction on). */
  due_at: string | null;
  overdue: boolean;
  leaders: RelayPerson[];
  summary: string | null;
  proposal: string | null;
  forwarded_by: number | null;
  forwarded_by_name?: string | null;
  forwarded_at: string | null;
  /** Why a hop went past the focal point (its deadline lapsed). */
  bypass_reason: Bilingual | null;
  direction: string | null;
  directed_by: number | null;
  directed_by_name?: string | null;
  directed_at: string | null;
  relay_note: string | null;
  relayed_by: number | null;
  relayed_by_name?: string | null;
  relayed_at: string | null;
  actions: RelayAction[];
  candidates: RelayPerson[];
}

/** A case with signs of a violation (vụ việc có dấu hiệu vi phạm). */
export interface Case {
  id: number;
  number: string;
  unit_id: number;
  unit_name: string;
  task_id: number | null;
  task_title: string | null;
  method: string;
  status: string;
  severity: string;
  observed_at: string;
  site: string;
  site_unit_id: number | null;
  site_unit_name: string | null;
  cameras: CameraWindow[];
  subject: string;
  description: string;
  suspected_violation: string;
  immediate_measure: string;
  identifiers: Identifiers;
  reported_by: number | null;
  reported_by_name: string | null;
  reported_at: string | null;
  reporter_on_duty: boolean;
  routing: Routing | null;
  acknowledged_by: number | null;
  acknowledged_by_name: string | null;
  acknowledged_at: string | null;
  outcome: string | null;
  outcome_note: string | null;
  concluded_at: string | null;
  closed_at: string | null;
  /** Art. 16.4(c): the way to headquarters leadership through the focal point; null for other cases. */
  relay: Relay | null;
  /** Only in GET /cases/{id} and the answers of the case's actions. */
  proposals?: Proposal[];
  coordination?: CoordinationRequest[];
  /** The units the server accepts as to_unit_id of a coordination request for this case. */
  coordination_targets?: number[];
  my_role: 'reporter' | 'recipient' | 'approver' | null;
  created_by: number;
  created_at: string;
  updated_at: string;
  /** Set only on the view of a case read through a grant (SharedCase). */
  shared?: undefined;
}

/** The grant through which a case is read (Art. 16.3, case data): its request and until when. */
export interface CaseShare {
  grant_id: number;
  request_number: string;
  expires_at: string;
}

/**
 * GET /cases/{id} for someone who reads the case only through a grant of case data: its facts and
 * outcome, nothing of its handling (no routing, relay, proposals, coordination, people or timeline).
 */
export type SharedCase = Pick<
  Case,
  | 'id'
  | 'number'
  | 'status'
  | 'method'
  | 'severity'
  | 'observed_at'
  | 'site'
  | 'unit_id'
  | 'unit_name'
  | 'cameras'
  | 'subject'
  | 'description'
  | 'suspected_violation'
  | 'identifiers'
  | 'reported_at'
  | 'outcome'
  | 'concluded_at'
  | 'closed_at'
> & { unit_name_en?: string; shared: CaseShare };

export interface CaseInput {
  unit_id?: number;
  task_id?: number | null;
  method?: string;
  severity?: string;
  observed_at?: string;
  site?: string;
  site_unit_id?: number | null;
  cameras?: CameraWindow[];
  subject?: string;
  description?: string;
  suspected_violation?: string;
  immediate_measure?: string;
  identifiers?: Partial<Identifiers>;
  /** On creation only: report at once, in the same transaction. */
  report?: boolean;
}

export interface CaseFilter {
  unit?: number | null;
  method?: string;
  status?: string;
  severity?: string;
  from?: string | null;
  to?: string | null;
  q?: string;
  /** Rows a page (1–500, the server's default 100). */
  limit?: number;
}

export interface TimelineItem {
  at: string;
  by: number | null;
  by_name: string | null;
  kind: string;
  text_vi: string;
  text_en: string;
  details: unknown;
}

/** One item of a user's inbox (hộp thư). */
export interface Notification {
  id: number;
  kind: string;
  case_id: number | null;
  coordination_id: number | null;
  /** Set on the notifications about a data request (Art. 16.3). */
  data_request_id?: number | null;
  title_vi: string;
  title_en: string;
  severity: string;
  created_at: string;
  read_at: string | null;
}

export interface EscalationStep {
  after_minutes: number;
  condition: string;
  notify_role: string;
  notify_at: string;
  repeat: number;
  every_minutes: number;
}

export interface EscalationPolicy {
  severity: string;
  ack_timeout_minutes: number;
  /** Art. 16.4(c): minutes the focal point has for each hop of the relay (1–10080). */
  relay_minutes: number;
  steps: EscalationStep[];
}

export const casesApi = {
  tasks: (f: { unit?: number | null; method?: string; status?: string; limit?: number } = {}, cursor: string | null = null, signal?: AbortSignal) =>
    listPage<Task>('/tasks', f, cursor, signal),
  task: (id: number, signal?: AbortSignal) => request<Task>('GET', `/tasks/${id}`, undefined, signal),
  createTask: (t: TaskInput) => request<Task>('POST', '/tasks', t),
  updateTask: (id: number, patch: TaskInput) => request<Task>('PATCH', `/tasks/${id}`, patch),
  /** A key-point plan comes into force when its unit's leadership approves it (403 for anyone else). */
  approveTask: (id: number) => request<Task>('POST', `/tasks/${id}/approve`),

  /** `total`: how many cases match the filters (all pages). */
  cases: (f: CaseFilter = {}, cursor: string | null = null, signal?: AbortSignal) =>
    listPage<Case, { total?: number }>('/cases', { ...f }, cursor, signal),
  /** The whole case, or only its shared view for one who reads it through a grant (`shared` set). */
  case: (id: number, signal?: AbortSignal) => request<Case | SharedCase>('GET', `/cases/${id}`, undefined, signal),
  createCase: (c: CaseInput) => request<Case>('POST', '/cases', c),
  updateCase: (id: number, patch: CaseInput | { status: string; outcome?: string; outcome_note?: string; reason?: string }) =>
    request<Case>('PATCH', `/cases/${id}`, patch),
  reportCase: (id: number) => request<Case>('POST', `/cases/${id}/report`),
  acknowledgeCase: (id: number) => request<Case>('POST', `/cases/${id}/acknowledge`),
  timeline: (id: number, signal?: AbortSignal) => request<{ items: TimelineItem[] }>('GET', `/cases/${id}/timeline`, undefined, signal).then((r) => r.items),
  propose: (id: number, text: string) => request<Case>('POST', `/cases/${id}/proposals`, { text }),
  decide: (id: number, pid: number, decision: 'approve' | 'reject', remarks?: string) =>
    request<Case>('POST', `/cases/${id}/proposals/${pid}/decide`, remarks ? { decision, remarks } : { decision }),
  execute: (id: number, pid: number, note: string) => request<Case>('POST', `/cases/${id}/proposals/${pid}/execute`, { note }),
  // Art. 16.4(c): the focal point forwards, a leader directs, the focal point passes the direction on.
  forward: (id: number, body: { leader_ids: number[]; summary: string; proposal?: string }) =>
    request<Case>('POST', `/cases/${id}/forward`, body),
  direct: (id: number, direction: string) => request<Case>('POST', `/cases/${id}/direct`, { direction }),
  relayDirection: (id: number, note?: string) => request<Case>('POST', `/cases/${id}/relay-direction`, note ? { note } : {}),

  coordination: (
    f: { case?: number | null; direction?: 'incoming' | 'outgoing'; status?: string } = {},
    cursor: string | null = null,
    signal?: AbortSignal,
  ) => listPage<CoordinationRequest>('/coordination-requests', f, cursor, signal),
  coordinationRequest: (id: number, signal?: AbortSignal) => request<CoordinationRequest>('GET', `/coordination-requests/${id}`, undefined, signal),
  createCoordination: (c: {
    case_id: number;
    to_unit_id: number;
    content: string;
    requested_action: string;
    deadline: string;
    contacts: string;
  }) => request<CoordinationRequest>('POST', '/coordination-requests', c),
  acknowledgeCoordination: (id: number) => request<CoordinationRequest>('POST', `/coordination-requests/${id}/acknowledge`),
  respondCoordination: (id: number, result: string) =>
    request<CoordinationRequest>('POST', `/coordination-requests/${id}/respond`, { result }),
  /** The printable form (PDF): a link target, not a JSON call. */
  coordinationFormUrl: (id: number) => `${API_BASE}/coordination-requests/${id}/form.pdf`,

  inbox: (unreadOnly = false, cursor: string | null = null, signal?: AbortSignal) =>
    listPage<Notification, { unread: number }>('/inbox', { unread: unreadOnly ? 1 : undefined }, cursor, signal),
  markRead: (id: number) => request<{ unread: number }>('POST', `/inbox/${id}/read`),
  markAllRead: () => request<{ unread: number }>('POST', '/inbox/read-all'),

  escalationPolicies: () => request<{ items: EscalationPolicy[] }>('GET', '/escalation-policies').then((r) => r.items),
  setEscalationPolicy: (severity: string, p: Omit<EscalationPolicy, 'severity'>) =>
    request<EscalationPolicy>('PUT', `/escalation-policies/${severity}`, p),
};

// ---- video (issue 5): sites (địa điểm giám sát), cameras, recordings, evidence holds --------------

/** A message the server gives in both languages. */
export interface Bilingual {
  vi: string;
  en: string;
}

/** A place that cameras watch: a border gate, a port, a container yard… */
export interface Site {
  id: number;
  unit_id: number;
  unit_name?: string;
  unit_name_en?: string;
  kind: string;
  name: string;
  address: string;
  latitude: number | null;
  longitude: number | null;
  created_at: string;
  updated_at: string;
}

export interface SiteInput {
  unit_id?: number;
  kind?: string;
  name?: string;
  address?: string;
  latitude?: number | null;
  longitude?: number | null;
}

/** What the recorder measures of a camera's stream while it runs. */
export interface CameraLive {
  fps: number | null;
  kbps: number | null;
  codec: string | null;
  width: number | null;
  height: number | null;
  last_error: Bilingual | null;
  recording: boolean;
}

export interface Camera {
  id: number;
  site_id: number;
  site_name?: string;
  unit_id: number;
  unit_name?: string;
  unit_name_en?: string;
  name: string;
  owner: string;
  owner_name: string;
  connection: string;
  main_url: string;
  sub_url: string | null;
  credentials_set: boolean;
  enabled: boolean;
  retention_days: number;
  retention_bytes: number;
  state: string;
  state_since?: string | null;
  live?: CameraLive | null;
  /** For a user outside customs: the grant the camera is seen under (its window). */
  grant?: CameraGrant | null;
  /** The recorder node it is assigned to; null: this server records it (absent from servers before issue 16). */
  node_id?: number | null;
  node_name?: string | null;
  /** The node recording it now: its standby while its own is down; null when nobody does. */
  recording_node_id?: number | null;
  recording_node_name?: string | null;
  created_at: string;
  updated_at: string;
}

/** Username and password are write-only; `username: null` removes them. */
export interface CameraInput {
  site_id?: number;
  name?: string;
  owner?: string;
  owner_name?: string;
  connection?: string;
  main_url?: string;
  sub_url?: string | null;
  username?: string | null;
  password?: string;
  enabled?: boolean;
  retention_days?: number;
  retention_bytes?: number;
  /** Assigns it to a recorder node; null: this server. A node at capacity answers 409 node-full (field node_id). */
  node_id?: number | null;
}

/** Payload of the live topic "camera.state". */
export interface CameraStateEvent {
  camera_id: number;
  state: string;
  state_since: string | null;
  live: CameraLive | null;
}

export type ProbeResult =
  | { ok: true; stream: string; codec: string; width: number; height: number; fps: number; kbps: number }
  | { ok: false; reason: Bilingual };

/** A continuous recorded run (the server coalesces segments per run). */
export interface RecordedRun {
  start: string;
  end: string;
  bytes: number;
  frames: number;
  recovered: boolean;
  /** The run being recorded: listed up to the time of the answer. */
  live?: boolean;
}

/** A span without recording; `end` null while it lasts. */
export interface RecordingGap {
  start: string;
  end: string | null;
  cause: string;
}

export interface Recordings {
  segments: RecordedRun[];
  gaps: RecordingGap[];
}

/** An evidence hold (giữ dữ liệu làm chứng cứ): retention does not delete what it covers. */
export interface Hold {
  id: number;
  camera_id: number;
  camera_name: string;
  from: string;
  to: string;
  reason: string;
  case_id: number | null;
  case_number: string | null;
  holder_id: number;
  holder_name: string;
  created_at: string;
  released_at: string | null;
  released_by_name: string | null;
  release_reason: string | null;
}

/**
 * An enterprise camera's outage (sự cố camera doanh nghiệp): the enterprise repairs it within 10
 * working days (`repair_due_at`). `overdue` as the server saw it when answering.
 */
export interface CameraOutage {
  id: number;
  camera_id: number;
  camera_name: string;
  site_id: number;
  site_name: string;
  unit_id: number;
  unit_name?: string;
  unit_name_en?: string;
  owner_name: string;
  started_at: string;
  ended_at: string | null;
  repair_due_at: string;
  overdue: boolean;
  duration_s: number;
}

export interface HoldInput {
  camera_id: number;
  from: string;
  to: string;
  reason: string;
  case_id?: number;
}

/**
 * Why a media URL (an <img> or <video> source) failed: the same URL asked for its first byte
 * only, so that a playable answer costs nothing and a refusal gives its problem+json.
 */
async function mediaProblem(url: string): Promise<ApiError | null> {
  let res: Response;
  try {
    res = await fetch(url, { credentials: 'same-origin', headers: { Range: 'bytes=0-0', Accept: 'application/problem+json, */*' } });
  } catch {
    return new ApiError(synthetic('network', 0));
  }
  if (res.ok) {
    void res.body?.cancel();
    return null;
  }
  return toApiError(res);
}

/**
 * A recorder node (máy ghi hình): a machine with disks that records the cameras assigned to it. `state`:
 * new (never connected), up, down (silent past the server's limit), revoked. Disk figures and `sample_dirs`
 * are as its latest heart-beat said; `cameras` are assigned to it, `recording` is what it records now (with
 * the cameras of a node it stands in for).
 */
export interface RecorderNode {
  id: number;
  name: string;
  address: string;
  capacity: number;
  standby_node_id: number | null;
  standby_node_name?: string | null;
  state: string;
  created_at: string;
  started_at: string | null;
  last_seen_at: string | null;
  down_since: string | null;
  revoked_at: string | null;
  disk_total_bytes: number;
  disk_free_bytes: number;
  sample_dirs: string[];
  version: string;
  cameras: number;
  recording: number;
}

/** GET /recorder-nodes; on the "sqlite" store nodes cannot be used (one server records everything). */
export interface RecorderNodeList {
  items: RecorderNode[];
  store: string;
}

/** The name is given once, when the node is registered; `standby_node_id: null` clears the standby. */
export interface RecorderNodeInput {
  name?: string;
  address?: string;
  capacity?: number;
  standby_node_id?: number | null;
}

/** One site on the map: where it is, its cameras and what is open about it (GET /sites/summary). */
export interface SiteSummary {
  site_id: number;
  name: string;
  kind: string;
  address: string;
  unit_id: number;
  unit_name?: string;
  unit_name_en?: string;
  latitude: number | null;
  longitude: number | null;
  camera_counts: Record<string, number>;
  camera_total: number;
  cameras: { id: number; name: string; state: string }[];
  open_alerts: number;
  open_cases: number;
  state: SiteState;
}

export const videoApi = {
  summary: (signal?: AbortSignal) => request<{ items: SiteSummary[]; at: string }>('GET', '/sites/summary', undefined, signal),
  sites: (unit?: number | null, signal?: AbortSignal) =>
    request<{ items: Site[] }>('GET', `/sites${query({ unit })}`, undefined, signal).then((r) => r.items),
  site: (id: number, signal?: AbortSignal) => request<Site>('GET', `/sites/${id}`, undefined, signal),
  createSite: (s: SiteInput) => request<Site>('POST', '/sites', s),
  updateSite: (id: number, patch: SiteInput) => request<Site>('PATCH', `/sites/${id}`, patch),
  deleteSite: (id: number) => request<void>('DELETE', `/sites/${id}`),

  cameras: (f: { site?: number | null; unit?: number | null; limit?: number } = {}, cursor: string | null = null, signal?: AbortSignal) =>
    listPage<Camera>('/cameras', f, cursor, signal),
  /** Every camera of the filter, for choosers and counts. */
  allCameras: (f: { site?: number | null; unit?: number | null } = {}, signal?: AbortSignal) =>
    allPages((cursor) => listPage<Camera>('/cameras', { ...f, limit: MAX_PAGE }, cursor, signal)),
  camera: (id: number, signal?: AbortSignal) => request<Camera>('GET', `/cameras/${id}`, undefined, signal),
  createCamera: (c: CameraInput) => request<Camera>('POST', '/cameras', c),
  updateCamera: (id: number, patch: CameraInput) => request<Camera>('PATCH', `/cameras/${id}`, patch),
  deleteCamera: (id: number) => request<void>('DELETE', `/cameras/${id}`),
  /** Connects to the camera once (up to ~15 s): a refusal by the camera is an answer, not an error. */
  probe: (id: number) => request<ProbeResult>('POST', `/cameras/${id}/probe`),

  recordings: (id: number, from: string, to: string, signal?: AbortSignal) =>
    request<Recordings>('GET', `/cameras/${id}/recordings${query({ from, to })}`, undefined, signal),
  /** Link targets, not JSON calls: a <video> and an <img> load them (both audited by the server). */
  mediaUrl: (id: number, from: string, to: string) => `${API_BASE}/cameras/${id}/media.mp4${query({ from, to })}`,
  snapshotUrl: (id: number, at: string) => `${API_BASE}/cameras/${id}/snapshot.jpg${query({ at })}`,
  mediaProblem,

  outages: (f: { state: OutageState; camera?: number | null; site?: number | null }, signal?: AbortSignal) =>
    request<{ items: CameraOutage[] }>('GET', `/camera-outages${query(f)}`, undefined, signal).then((r) => r.items),

  holds: (camera: number, signal?: AbortSignal) =>
    request<{ items: Hold[] }>('GET', `/holds${query({ camera })}`, undefined, signal).then((r) => r.items),
  createHold: (h: HoldInput) => request<Hold>('POST', '/holds', h),
  releaseHold: (id: number, reason: string) => request<Hold | undefined>('DELETE', `/holds/${id}`, { reason }),

  recorderNodes: (signal?: AbortSignal) => request<RecorderNodeList>('GET', '/recorder-nodes', undefined, signal),
  /** The key comes this once: the server keeps it sealed and never shows it again. */
  createRecorderNode: (n: RecorderNodeInput) => request<{ node: RecorderNode; key: string }>('POST', '/recorder-nodes', n),
  updateRecorderNode: (id: number, patch: RecorderNodeInput) => request<RecorderNode>('PATCH', `/recorder-nodes/${id}`, patch),
  revokeRecorderNode: (id: number) => request<RecorderNode>('POST', `/recorder-nodes/${id}/revoke`),
  /** A new key, shown once; the old one is refused from then on. */
  rekeyRecorderNode: (id: number) => request<{ key: string }>('POST', `/recorder-nodes/${id}/key`),
};

// ---- the video wall's saved views (màn hình giám sát) ---------------------------------------------

export const wallApi = {
  views: (signal?: AbortSignal) => request<{ items: import('./wall').WallView[] }>('GET', '/wall-views', undefined, signal).then((r) => r.items),
  view: (id: number, signal?: AbortSignal) => request<import('./wall').WallView>('GET', `/wall-views/${id}`, undefined, signal),
  create: (v: import('./wall').WallViewInput) => request<import('./wall').WallView>('POST', '/wall-views', v),
  update: (id: number, v: import('./wall').WallViewInput) => request<import('./wall').WallView>('PATCH', `/wall-views/${id}`, v),
  remove: (id: number) => request<void>('DELETE', `/wall-views/${id}`),
};

// ---- data sharing (Art. 16.3): working relationships, data requests, grants ---------------------

/** A coordination relationship between two units (quan hệ phối hợp công tác), the basis of sharing. */
export interface Relationship {
  id: number;
  unit_id: number;
  unit_name: string;
  partner_unit_id: number;
  partner_unit_name: string;
  partner_external: boolean;
  basis_kind: RelationshipBasis;
  basis_number: string;
  basis_date: string; // yyyy-MM-dd
  basis_title: string;
  data_types: DataType[];
  /** The units whose cameras it covers; [] = unit_id's whole subtree. */
  unit_ids: number[];
  unit_names: string[];
  download: boolean;
  valid_from: string;
  valid_to: string | null;
  note: string;
  in_force: boolean;
  ended_at: string | null;
  end_reason: string | null;
  created_at: string;
  created_by: number;
  created_by_name: string;
  can_edit: boolean;
}

export interface RelationshipInput {
  unit_id?: number;
  partner_unit_id?: number;
  basis_kind?: RelationshipBasis;
  basis_number?: string;
  basis_date?: string;
  basis_title?: string;
  data_types?: DataType[];
  unit_ids?: number[];
  download?: boolean;
  valid_from?: string;
  valid_to?: string | null;
  note?: string;
}

/** What may be asked for: sites and their cameras, by name only. */
export interface CatalogueSite {
  id: number;
  name: string;
  kind: string;
  unit_id: number;
  unit_name: string;
  cameras: { id: number; name: string }[];
}

export interface SharedCamera {
  id: number;
  name: string;
  site_name: string;
  unit_id: number;
  unit_name: string;
}

/** What a decision gives (or a narrower decision keeps). */
export interface DataScope {
  camera_ids: number[];
  from: string | null;
  to: string | null;
  mode: AccessMode;
  access_days: number;
  data_types: DataType[];
}

export interface SharingRouting {
  route: SharingRoute;
  operating_unit_id: number;
  operating_unit_name: string;
  decider_unit_id: number;
  decider_unit_name: string;
  focal_unit_id: number | null;
  focal_unit_name: string | null;
  relationship_id: number | null;
  basis_vi: string;
  basis_en: string;
  explanation_vi: string;
  explanation_en: string;
  reasons: { code: string; vi: string; en: string }[];
}

export interface DataRequestEvent {
  at: string;
  by: number | null;
  by_name: string | null;
  action: 'submitted' | 'forwarded' | 'info_requested' | 'answered' | 'decided' | 'withdrawn' | string;
  text: string | null;
}

/** A data request (yêu cầu khai thác dữ liệu). */
export interface DataRequest {
  id: number;
  number: string;
  status: DataRequestStatus;
  requester_id: number;
  requester_name: string;
  requester_unit_id: number;
  requester_unit_name: string;
  requester_external: boolean;
  purpose: string;
  reference: string;
  case_id: number | null;
  case_number: string | null;
  data_types: DataType[];
  camera_ids: number[];
  cameras: SharedCamera[];
  from: string | null;
  to: string | null;
  mode: AccessMode;
  access_days: number;
  created_at: string;
  routing: SharingRouting | null;
  history: DataRequestEvent[];
  decision: null | {
    decision: DataDecision;
    reasons: string;
    decided_by: number;
    decided_by_name: string;
    decided_at: string;
    scope: DataScope | null;
  };
  grant_id: number | null;
  can: { forward: boolean; decide: boolean; answer: boolean; withdraw: boolean };
}

export interface DataRequestInput {
  purpose: string;
  reference: string;
  case_id?: number;
  /** The case by its number (HP-2026-0003), for everyone; required with case_data. */
  case_number?: string;
  data_types: DataType[];
  /** May be left out when data_types is exactly ['case_data']. */
  camera_ids?: number[];
  from?: string;
  to?: string;
  mode: AccessMode;
  access_days: number;
}

export type DataRequestView = 'mine' | 'to_decide' | 'all';

/** Access granted by an approved request (quyền khai thác). */
export interface Grant {
  id: number;
  request_id: number;
  request_number: string;
  user_id: number;
  /** The holder's name: `user_name`, or `full_name` as the server names a `user_id`. */
  user_name?: string;
  full_name?: string;
  unit_id: number;
  unit_name: string;
  camera_ids: number[];
  cameras: SharedCamera[];
  data_types: DataType[];
  mode: AccessMode;
  from: string | null;
  to: string | null;
  starts_at: string;
  expires_at: string;
  status: GrantStatus;
  /** The case whose data the grant gives (set when data_types include case_data). */
  case_id: number | null;
  case_number: string | null;
  revoked_at: string | null;
  revoked_by: number | null;
  revoked_by_name: string | null;
  revoke_reason: string | null;
  uses: number;
  can_revoke: boolean;
}

/** What a camera of `/cameras` carries for an outside user: the grant it is seen under. */
export interface CameraGrant {
  id: number;
  expires_at: string;
  from: string | null;
  to: string | null;
  mode: AccessMode;
  data_types: DataType[];
}

export const sharingApi = {
  relationships: (f: { unit?: number | null; in_force?: boolean } = {}, signal?: AbortSignal) =>
    request<{ items: Relationship[] }>('GET', `/working-relationships${query({ unit: f.unit, in_force: f.in_force ? 'true' : undefined })}`, undefined, signal).then(
      (r) => r.items,
    ),
  createRelationship: (r: RelationshipInput) => request<Relationship>('POST', '/working-relationships', r),
  updateRelationship: (id: number, r: RelationshipInput) => request<Relationship>('PATCH', `/working-relationships/${id}`, r),
  endRelationship: (id: number, reason: string) => request<Relationship>('POST', `/working-relationships/${id}/end`, { reason }),

  catalogue: (signal?: AbortSignal) => request<{ sites: CatalogueSite[] }>('GET', '/data-requests/catalogue', undefined, signal).then((r) => r.sites),
  requests: (f: { view?: DataRequestView; status?: string; limit?: number } = {}, cursor: string | null = null, signal?: AbortSignal) =>
    listPage<DataRequest>('/data-requests', f, cursor, signal),
  request: (id: number, signal?: AbortSignal) => request<DataRequest>('GET', `/data-requests/${id}`, undefined, signal),
  createRequest: (r: DataRequestInput) => request<DataRequest>('POST', '/data-requests', r),
  forward: (id: number, note: string) => request<DataRequest>('POST', `/data-requests/${id}/forward`, { note }),
  decide: (id: number, d: { decision: DataDecision; reasons: string; narrower?: Partial<DataScope> }) =>
    request<DataRequest>('POST', `/data-requests/${id}/decide`, d),
  answer: (id: number, text: string) => request<DataRequest>('POST', `/data-requests/${id}/answer`, { text }),
  withdraw: (id: number, reason: string) => request<DataRequest>('POST', `/data-requests/${id}/withdraw`, { reason }),

  grants: (f: { view?: 'mine' | 'issued' | 'all'; status?: string } = {}, signal?: AbortSignal) =>
    request<{ items: Grant[] }>('GET', `/grants${query(f)}`, undefined, signal).then((r) => r.items),
  grant: (id: number, signal?: AbortSignal) => request<Grant>('GET', `/grants/${id}`, undefined, signal),
  revoke: (id: number, reason: string) => request<Grant>('POST', `/grants/${id}/revoke`, { reason }),
};

// ---- evidence (issue 15): clips and stills attached to a case, signed export bundles, verification ------

/** A clip or a still of a camera's recording attached to a case (chứng cứ); attaching places a hold. */
export interface EvidenceItem {
  id: number;
  case_id: number;
  kind: 'clip' | 'snapshot' | string;
  camera_id: number;
  camera_name?: string;
  from: string | null;
  to: string | null;
  at: string | null;
  /** A still: the time of the frame taken (the keyframe nearest `at`). */
  frame_time: string | null;
  hold_id: number;
  note: string;
  file: string | null;
  sha256: string | null;
  bytes: number | null;
  created_by: number;
  created_by_name?: string;
  created_at: string;
  removed_at: string | null;
  remove_reason: string | null;
}

export type EvidenceInput =
  | { kind: 'clip'; camera_id: number; from: string; to: string; note?: string }
  | { kind: 'snapshot'; camera_id: number; at: string; note?: string };

/** What to export: a camera's period (with stills at some instants), or all of a case's evidence. */
export type ExportInput = { camera_id: number; from: string; to: string; snapshots?: string[]; case_id?: number } | { case_id: number };

/** An export job: its progress, then its one-time download link (`download_url`, null once used or expired). */
export interface ExportJob {
  id: number;
  state: 'queued' | 'running' | 'done' | 'failed' | string;
  progress: number;
  camera_id: number | null;
  case_id: number | null;
  grant_id: number | null;
  from: string;
  to: string;
  watermark: string | null;
  error: string | null;
  error_vi?: string | null;
  bytes: number | null;
  manifest_sha256: string | null;
  created_at: string;
  finished_at: string | null;
  link_expires_at: string | null;
  link_used: boolean;
  download_url: string | null;
}

/** The verification of a bundle: the signature, then each file the manifest lists. */
export interface BundleCheck {
  ok: boolean;
  key_id: string | null;
  public_key: string | null;
  /** Whether the manifest was signed with this installation's key; null when not known. */
  signed_by_this_installation: boolean | null;
  /** Who exported it, when the server reads it from the manifest. */
  exported_by?: { full_name?: string; username?: string; unit?: { name?: string } | null } | null;
  files: { name: string; ok: boolean; reason_vi: string | null; reason_en: string | null }[];
  reason_vi: string | null;
  reason_en: string | null;
}

export const evidenceApi = {
  list: (caseId: number, signal?: AbortSignal) =>
    request<{ items: EvidenceItem[]; max_clip_minutes?: number }>('GET', `/cases/${caseId}/evidence`, undefined, signal),
  attach: (caseId: number, e: EvidenceInput) => request<EvidenceItem>('POST', `/cases/${caseId}/evidence`, e),
  remove: (caseId: number, id: number, reason: string) => request<EvidenceItem>('DELETE', `/cases/${caseId}/evidence/${id}`, { reason }),
  createExport: (e: ExportInput) => request<ExportJob>('POST', '/exports', e),
  export: (id: number, signal?: AbortSignal) => request<ExportJob>('GET', `/exports/${id}`, undefined, signal),
  /** A new one-time link, the last one used or expired. */
  newLink: (id: number) => request<ExportJob>('POST', `/exports/${id}/link`),
  verify: (bundle: Blob | ArrayBuffer) => request<BundleCheck>('POST', '/evidence/verify', new RawBody(bundle, 'application/zip')),
};
