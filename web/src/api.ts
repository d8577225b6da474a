// The console's only door to the server (contract: /api/v1, cookie session, CSRF header on unsafe
// methods, RFC 9457 problem+json errors with Vietnamese and English text).
import { dictionaries, getLang, type Lang } from './i18n';

export interface RoleGrant {
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

export const DESIGNATION_KINDS = [
  'lead_supervision_unit',
  'system_operator',
  'supervision_section',
  'duty_watch',
  'leadership',
  'leadership_focal_point',
] as const;
export type DesignationKind = (typeof DESIGNATION_KINDS)[number];
export type Designations = Record<DesignationKind, number | null>;

export interface Unit {
  id: number;
  parent_id: number | null;
  code: string;
  kind: string;
  name_vi: string;
  name_en: string;
  time_zone: string;
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

export interface AuditVerify {
  ok: boolean;
  entries: number;
  first_broken_seq: number | null;
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

  /** Field → message in the language, for showing next to form fields. */
  fieldErrors(lang: Lang = getLang()): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem.errors ?? []) {
      const msg = lang === 'vi' ? e.message_vi || e.message_en : e.message_en || e.message_vi;
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

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (UNSAFE.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(API_BASE + path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
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
    const p = parsed as Partial<Problem>;
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
            .map((e) => ({ field: e.field, message_vi: e.message_vi ?? '', message_en: e.message_en ?? '' }))
        : undefined,
    };
    return new ApiError(problem, retryAfter);
  }
  return new ApiError(synthetic('unexpected', res.status), retryAfter);
}

function query(params: Record<string, string | number | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

function rememberSession(s: Session): Session {
  setCsrfToken(s.csrf_token);
  return s;
}

export const api = {
  login: (username: string, password: string) =>
    request<Session>('POST', '/auth/login', { username, password }).then(rememberSession),
  me: () => request<Session>('GET', '/auth/me').then(rememberSession),
  logout: () => request<void>('POST', '/auth/logout').finally(() => setCsrfToken(null)),
  changePassword: (current_password: string, new_password: string) =>
    request<void>('POST', '/auth/password', { current_password, new_password }),

  meta: () => request<Meta>('GET', '/meta'),

  units: () => request<{ items: Unit[] }>('GET', '/units').then((r) => r.items),
  unit: (id: number) => request<Unit>('GET', `/units/${id}`),
  createUnit: (u: Partial<UnitInput>) => request<Unit>('POST', '/units', u),
  updateUnit: (id: number, patch: Partial<UnitInput>) => request<Unit>('PATCH', `/units/${id}`, patch),
  deleteUnit: (id: number) => request<void>('DELETE', `/units/${id}`),

  users: (filter: { unit?: number | null; q?: string }) =>
    request<{ items: User[] }>('GET', `/users${query({ unit: filter.unit, q: filter.q })}`).then((r) => r.items),
  user: (id: number) => request<User>('GET', `/users/${id}`),
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

  audit: (f: {
    actor?: string;
    action?: string;
    object_type?: string;
    object_id?: string;
    from?: string | null;
    to?: string | null;
    limit?: number;
    before_seq?: number | null;
  }) => request<AuditPage>('GET', `/audit${query(f)}`),
  auditVerify: () => request<AuditVerify>('GET', '/audit/verify'),
};
