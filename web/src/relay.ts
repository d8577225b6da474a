// Art. 16.4(c): "…báo cáo Lãnh đạo … qua đầu mối … để chỉ đạo". Pure helpers of the case page's relay
// panel: which hop the report is at, the forward form's body and checks, and the server's word on the
// leaders chosen. The server decides every step (src/supervision/relay.h); this only draws it.
import { ApiError, type Relay, type RelayPerson, type RelayStage } from './api';
import { t, type Lang } from './i18n';

/** The hops a report makes: reported → at the focal point → forwarded → direction → passed on to the units. */
export const RELAY_HOPS = ['reported', 'focal_point', 'forwarded', 'direction', 'units'] as const;
export type RelayHop = (typeof RELAY_HOPS)[number];
/** done: it happened; current: the report waits there now; pending: still ahead. */
export type HopState = 'done' | 'current' | 'pending';

// The hop each stage waits at (an index into RELAY_HOPS); past the last hop when the relay is over.
// Forwarding is a moment, never a wait: once forwarded, the report waits for the direction.
const WAITING_AT: Record<RelayStage, number> = {
  at_focal_point: 1,
  at_focal_leadership: 1,
  forwarded: 3,
  sent_to_leaders: 3,
  directed: 4,
  direction_relayed: 5,
  direction_sent: 5,
};

export function relayHopStates(stage: string): Record<RelayHop, HopState> {
  const at = WAITING_AT[stage as RelayStage] ?? 1;
  const out = {} as Record<RelayHop, HopState>;
  RELAY_HOPS.forEach((hop, i) => (out[hop] = i < at ? 'done' : i === at ? 'current' : 'pending'));
  return out;
}

/** The hop whose deadline `due_at` is: forwarding, or passing the direction on; null when none runs. */
export function dueHop(r: Pick<Relay, 'stage' | 'due_at'>): RelayHop | null {
  if (!r.due_at) return null;
  if (r.stage === 'at_focal_point' || r.stage === 'at_focal_leadership') return 'focal_point';
  if (r.stage === 'directed') return 'units';
  return null;
}

/**
 * The hop a bypass reason belongs to: the direction sent past the focal point, or else the report
 * sent to the leaders past it (a later direction keeps that reason).
 */
export function bypassHop(r: Pick<Relay, 'stage' | 'bypass_reason'>): RelayHop | null {
  if (!r.bypass_reason) return null;
  return r.stage === 'direction_sent' ? 'units' : 'forwarded';
}

export function personName(p: RelayPerson, lang?: Lang): string {
  return p.full_name || t('duty.unknownUser', { id: p.user_id }, lang);
}

export interface ForwardForm {
  leaders: number[];
  summary: string;
  proposal: string;
}

/** The body of POST /cases/{id}/forward, and what is wrong before sending (keyed like the server). */
export function forwardPayload(f: ForwardForm): {
  body: { leader_ids: number[]; summary: string; proposal?: string };
  errors: Record<string, string>;
} {
  const errors: Record<string, string> = {};
  if (f.leaders.length === 0) errors.leader_ids = t('relay.pickLeaders');
  if (!f.summary.trim()) errors.summary = t('common.required');
  const proposal = f.proposal.trim();
  return { body: { leader_ids: [...f.leaders], summary: f.summary.trim(), ...(proposal ? { proposal } : {}) }, errors };
}

/**
 * The server's errors on the leaders ("leader_ids", "leader_ids[i]") as lines, each naming the
 * leader it is about: `sent` is the list as it was sent, so that index i is the leader refused.
 */
export function leaderErrorLines(fieldErrors: Record<string, string>, sent: number[], nameOf: (id: number) => string): string[] {
  const out: string[] = [];
  for (const [field, msg] of Object.entries(fieldErrors)) {
    if (field === 'leader_ids') out.push(msg);
    const m = /^leader_ids\[(\d+)\]$/.exec(field);
    if (m) {
      const id = sent[Number(m[1])];
      out.push(id === undefined ? msg : `${nameOf(id)}: ${msg}`);
    }
  }
  return out;
}

const isLeaderField = (field: string) => field === 'leader_ids' || /^leader_ids\[\d+\]$/.test(field);

/** The fields of an error that leaderErrorLines shows (so that no other box repeats them). */
export function leaderFields(error: unknown): string[] {
  return error instanceof ApiError ? Object.keys(error.fieldErrors()).filter(isLeaderField) : [];
}
