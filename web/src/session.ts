import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Meta, MetaItem, Role, User } from './api';
import { getLang, pick, t, type Key, type Lang } from './i18n';

export interface AppState {
  user: User;
  meta: Meta | null;
  lang: Lang;
  /** Re-read /auth/me (after a change that affects the signed-in user). */
  refreshUser: () => Promise<void>;
}

export const AppContext = createContext<AppState | null>(null);

export function useApp(): AppState {
  const s = useContext(AppContext);
  if (!s) throw new Error('useApp outside AppContext');
  return s;
}

export function hasRole(user: User, ...roles: Role[]): boolean {
  return user.roles.some((r) => (roles as string[]).includes(r.role));
}

// What the navigation offers; the server decides every access anyway (a 403 is shown plainly).
export const isAdmin = (u: User) => hasRole(u, 'admin');
export const canSeeUsers = (u: User) => hasRole(u, 'admin', 'hq_leader', 'unit_leader', 'office_officer', 'auditor');
export const canSeeAudit = (u: User) => hasRole(u, 'admin', 'auditor');
/** Everyone inside customs: an account holding only external_requester grants is outside. */
export const canSeeDuty = (u: User) => u.roles.some((r) => r.role !== 'external_requester');
/** Cases, tasks, coordination requests and the inbox: the same people as the duty watch. */
export const canSeeCases = canSeeDuty;
/**
 * The unit a user works for as a whole: where their (first customs) role is granted, e.g. Hải
 * Phòng for its leader, whose own unit is the leadership box under it.
 */
export function roleUnit(u: User): number {
  return u.roles.find((r) => r.role !== 'external_requester')?.unit_id ?? u.unit_id;
}
/** Sites and cameras (camera_read): every customs role; the pages answer 403 plainly otherwise. */
export const canSeeCameras = (u: User) =>
  hasRole(u, 'admin', 'hq_leader', 'unit_leader', 'shift_leader', 'duty_officer', 'supervision_officer', 'office_officer', 'camera_admin', 'auditor');
/** Adds, changes and removes sites and cameras (camera_write). */
export const canWriteCameras = (u: User) => hasRole(u, 'admin', 'camera_admin');
/** Plays recordings back and takes snapshots (video_playback). */
export const canPlayVideo = (u: User) =>
  hasRole(u, 'admin', 'hq_leader', 'unit_leader', 'shift_leader', 'duty_officer', 'supervision_officer', 'camera_admin');
/** Places and releases evidence holds (hold_write). */
export const canWriteHolds = (u: User) => hasRole(u, 'admin', 'hq_leader', 'unit_leader', 'shift_leader', 'supervision_officer');
/**
 * Files or decides data requests and holds or issues grants (Art. 16.3): the requesters (outside agencies,
 * officers and leaders inside), the deciders and the auditors; the server decides each step.
 */
export const canShareData = (u: User) =>
  hasRole(u, 'external_requester', 'admin', 'hq_leader', 'unit_leader', 'shift_leader', 'duty_officer', 'supervision_officer', 'office_officer', 'auditor');
/** Files a data request (data_request_write): outside requesters, and officers and leaders inside customs. */
export const canFileRequest = (u: User) =>
  hasRole(u, 'external_requester', 'hq_leader', 'unit_leader', 'shift_leader', 'duty_officer', 'supervision_officer', 'office_officer');
/** The register of working relationships: everyone inside customs reads it (admin and the system operator's leadership keep it). */
export const canSeeRelationships = (u: User) =>
  hasRole(u, 'admin', 'hq_leader', 'unit_leader', 'shift_leader', 'duty_officer', 'supervision_officer', 'office_officer', 'camera_admin', 'auditor');
/** Drafts, submits and publishes rosters. */
export const canWriteRoster = (u: User) => hasRole(u, 'admin', 'office_officer');
/** Approves rosters (and may publish them). */
export const canApproveRoster = (u: User) => hasRole(u, 'unit_leader', 'hq_leader');

type MetaList = 'roles' | 'unit_kinds' | 'designation_kinds';
const FALLBACK_PREFIX: Record<MetaList, string> = { roles: 'role.', unit_kinds: 'kind.', designation_kinds: 'designation.' };

/** Localized name of a role / unit kind / designation kind: from /meta, else the built-in names. */
export function metaName(meta: Meta | null, list: MetaList, id: string, lang: Lang = getLang()): string {
  const item: MetaItem | undefined = meta?.[list]?.find((m) => m.id === id);
  if (item) return pick(item.name_vi, item.name_en, lang);
  const key = (FALLBACK_PREFIX[list] + id) as Key;
  const s = t(key, undefined, lang);
  return s === key ? id : s;
}

/** The ids of a meta list, or the built-in ones when /meta is not loaded. */
export function metaIds(meta: Meta | null, list: MetaList, fallback: readonly string[]): string[] {
  const items = meta?.[list];
  return items && items.length ? items.map((m) => m.id) : [...fallback];
}
