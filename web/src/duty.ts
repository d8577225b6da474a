// Pure helpers of the duty pages: localised names of the duty watch's codes, the duty log's order
// and corrections, and the lines the roster page writes.
import { POSITIONS, type CompositionGap, type Handover, type LogEntry, type OpenItem, type RosterMember, type Shift, type ShiftMember } from './api';
import { formatYmd } from './calendar';
import { clauseFromCode } from './cases';
import { label, t, type Lang } from './i18n';
import { href } from './router';

export const positionName = (p: string | null | undefined, lang?: Lang) => label('position', p, lang);
export const shiftStatusName = (s: string, lang?: Lang) => label('shiftStatus', s, lang);
export const logKindName = (k: string, lang?: Lang) => label('logKind', k, lang);
export const focusSourceName = (s: string, lang?: Lang) => label('focusSource', s, lang);
export const orderKindName = (k: string, lang?: Lang) => label('orderKind', k, lang);
export const targetTypeName = (k: string, lang?: Lang) => label('targetType', k, lang);
export const rosterStatusName = (s: string, lang?: Lang) => label('rosterStatus', s, lang);
export const rotationName = (k: string, lang?: Lang) => label('rotation', k, lang);
export const phaseName = (p: string, lang?: Lang) => label('phase', p, lang);

/** Art. 7: the kinds of chỉ đạo that stop goods or a means of transport (duty::stops_goods_or_transport). */
export const stopsGoodsOrTransport = (kind: string) => kind === 'stop_goods';


/** A row of the roster page's team editor; `acting` (quyền lãnh đạo ca trực) counts for a division-level leader only. */
export interface TeamRow {
  user: string;
  position: string;
  acting: boolean;
}

/** The member the roster API receives for a row of the team editor. */
export const rosterMember = (m: TeamRow): RosterMember => ({
  user_id: Number(m.user),
  position: m.position,
  ...(m.acting && m.position === 'deputy_leader' ? { acting_leader: true } : {}),
});

/** Members in the order of the shift's composition (leader first), then by name. */
export function sortMembers<M extends { position: string; full_name?: string; user_id: number }>(members: M[]): M[] {
  const rank = (p: string) => {
    // POSITIONS is in the order of the composition.
    const i = (POSITIONS as readonly string[]).indexOf(p);
    return i < 0 ? POSITIONS.length : i;
  };
  return [...members].sort(
    (a, b) =>
      rank(a.position) - rank(b.position) ||
      (a.full_name ?? '').localeCompare(b.full_name ?? '', 'vi') ||
      a.user_id - b.user_id,
  );
}

/** The shift leader (or, lacking one, the acting leader the roster names, else the division-level leader). */
export function leaderOf(shift: Pick<Shift, 'members'>): ShiftMember | null {
  return (
    shift.members.find((m) => m.position === 'shift_leader') ??
    shift.members.find((m) => m.position === 'deputy_leader' && m.acting_leader) ??
    shift.members.find((m) => m.position === 'deputy_leader') ??
    null
  );
}

/** "Lãnh đạo cấp phòng — Quyền lãnh đạo ca trực" for the acting leader, else the position alone. */
export function memberRoleName(m: { position: string; acting_leader?: boolean }, lang?: Lang): string {
  const p = positionName(m.position, lang);
  return m.acting_leader ? `${p} — ${t('duty.actingLeader', undefined, lang)}` : p;
}

export const isLeaderPosition = (p: string | null | undefined) => p === 'shift_leader' || p === 'deputy_leader';

/** Adds (or replaces) entries by id and keeps the log oldest first, newest last. */
export function mergeLog(current: LogEntry[], incoming: LogEntry[]): LogEntry[] {
  const byId = new Map(current.map((e) => [e.id, e]));
  for (const e of incoming) byId.set(e.id, e);
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

/** entry id → the ids of the later entries that correct it. */
export function correctionsOf(entries: LogEntry[]): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const e of entries)
    if (e.corrects_id !== null && e.corrects_id !== undefined) {
      const list = out.get(e.corrects_id) ?? [];
      list.push(e.id);
      out.set(e.corrects_id, list);
    }
  return out;
}

/** "Ca ngày 02/12/2026 (giờ hành chính) thiếu Cán bộ Văn phòng: cần 1, có 0". */
export function compositionGapText(g: CompositionGap, lang?: Lang): string {
  return t(
    'rosters.gapLine',
    {
      date: formatYmd(g.date),
      phase: phaseName(g.phase, lang),
      position: positionName(g.position, lang),
      required: g.required,
      present: g.present,
    },
    lang,
  );
}

/** One open item of a handover, as a line. */
export function openItemText(item: OpenItem, lang?: Lang): string {
  if (item.type === 'order')
    return t(
      'duty.openItem.order',
      { id: item.id ?? '?', kind: orderKindName(String(item.kind ?? ''), lang), target: String(item.target ?? '') },
      lang,
    );
  // An open case (Art. 16.4a, b or c), carried until it is concluded.
  if (item.type === 'case') return t('duty.openItem.case', { target: String(item.target ?? '') }, lang);
  // An Appendix V request awaiting an answer, sent or received.
  if (item.type === 'coordination') return t('duty.openItem.coordination', { target: String(item.target ?? '') }, lang);
  // An outage noted in the shift's log: the log entry's kind and text.
  if (item.type === 'log') return `${logKindName(String(item.kind ?? ''), lang)}: ${String(item.target ?? '')}`;
  const text = typeof item.text === 'string' ? item.text : typeof item.summary === 'string' ? item.summary : null;
  return text ?? t('duty.openItem.other', { type: item.type, id: item.id ?? '' }, lang);
}

/**
 * What kind of item it is, as the handover lists it: "Giám sát trọng điểm (Điều 16 khoản 4 điểm b)",
 * "Đề nghị phối hợp đã gửi", "Chỉ đạo của lãnh đạo ca trực", or the log entry's kind.
 */
export function openItemTypeName(item: OpenItem, lang?: Lang): string {
  const kind = String(item.kind ?? '');
  if (item.type === 'case') {
    const type = t(kind === '16.4.b' || kind === '16.4.c' ? 'duty.itemType.keypoint' : 'duty.itemType.case', undefined, lang);
    const clause = clauseFromCode(kind, lang);
    return clause ? t('duty.itemType.withClause', { type, clause }, lang) : type;
  }
  if (item.type === 'coordination')
    return t(kind === 'received' ? 'duty.itemType.coordinationReceived' : 'duty.itemType.coordinationSent', undefined, lang);
  if (item.type === 'order') return t('duty.itemType.order', undefined, lang);
  if (item.type === 'log') return logKindName(kind, lang);
  return item.type;
}

/** Its number: the case's or the request's, else "#id". */
export const openItemNumber = (item: OpenItem): string => (item.number ? String(item.number) : `#${item.id ?? '?'}`);

/** Where the item is opened in the console, when it has a page of its own. */
export function openItemHref(item: OpenItem): string | null {
  if (!item.id) return null;
  if (item.type === 'case') return href({ page: 'case', caseId: item.id, edit: false });
  if (item.type === 'coordination')
    return href({ page: 'coordination', tab: item.kind === 'received' ? 'incoming' : 'outgoing', id: item.id });
  return null;
}

/** Open items the incoming leader has neither accepted nor noted yet. */
export const pendingItems = (h: Pick<Handover, 'open_items'>): OpenItem[] => h.open_items.filter((i) => !i.acceptance);
