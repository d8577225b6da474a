// The handover (giao ca, Art. 15.2) on the duty board: the outgoing leader prepares it, the system
// lists the open items (chỉ đạo without an outcome, outages, open cases including key-point ones,
// coordination requests awaiting an answer), and the incoming leader takes each item over — accepted
// or noted — before accepting the shift.
import { useMemo, useState } from 'preact/hooks';
import { dutyApi, type DutyOrder, type Handover, type ItemDecision, type OpenItem, type Shift, type ShiftDetail } from '../api';
import { isLeaderPosition, openItemHref, openItemNumber, openItemText, openItemTypeName, pendingItems } from '../duty';
import { formatDateTime, formatSpan } from '../format';
import { useAction, useLoad } from '../hooks';
import { label, t } from '../i18n';
import { useNames } from '../people';
import { canSeeUsers, useApp } from '../session';
import { Field, fieldError, ProblemBox, unclaimedFieldErrors } from '../ui';

type NameOf = (id: number | null) => string;

const itemKey = (item: OpenItem) => `${item.type}:${item.id}`;

/** One open item: its kind, number (a link where it has a page), content and how it was taken over. */
function ItemRow({
  item,
  shiftId,
  canDecide,
  nameOf,
  onDecided,
}: {
  item: OpenItem;
  shiftId: number;
  canDecide: boolean;
  nameOf: NameOf;
  onDecided: (msg: string) => void;
}) {
  const [note, setNote] = useState(item.acceptance?.note ?? '');
  const action = useAction();
  const busy = !!action.busy;
  const { error } = action;
  const link = openItemHref(item);
  const number = openItemNumber(item);
  const decide = async (decision: ItemDecision) => {
    await action.run(async () => {
      await dutyApi.decideHandoverItem(shiftId, { type: item.type, id: item.id ?? 0, decision, note: note.trim() });
      onDecided(t('duty.item.decided', { number }));
    });
  };
  const a = item.acceptance;
  const noteId = `ho-item-${shiftId}-${itemKey(item).replace(':', '-')}`;
  return (
    <tr class={`handover-item item-${item.type}${a ? ` decided decided-${a.decision}` : ' pending'}`} data-item={itemKey(item)}>
      <td class="item-type">{openItemTypeName(item)}</td>
      <td class="item-number">{link ? <a href={link}>{number}</a> : number}</td>
      <td class="item-content">{openItemText(item)}</td>
      <td class="item-decision">
        {a ? (
          <>
            <span class={`badge decision-${a.decision}`}>{label('duty.item.decision', a.decision)}</span>
            <div class="muted small">{t('duty.item.decidedBy', { name: a.by_name ?? nameOf(a.by), time: formatDateTime(a.at) })}</div>
            {a.note ? <div class="pre">{a.note}</div> : null}
          </>
        ) : (
          <span class="badge state-open">{t('duty.item.undecided')}</span>
        )}
        {canDecide ? (
          <div class="item-controls">
            <label for={noteId} class="sr-only">
              {t('duty.item.noteLabel', { number })}
            </label>
            <input id={noteId} value={note} placeholder={t('duty.item.noteLabel', { number })} onInput={(e) => setNote(e.currentTarget.value)} />
            <button type="button" class="btn btn-small btn-primary" disabled={busy} onClick={() => decide('accepted')}>
              {t('duty.item.accept')}
            </button>
            <button type="button" class="btn btn-small" disabled={busy} onClick={() => decide('noted')}>
              {t('duty.item.note')}
            </button>
            <ProblemBox error={error} extra={unclaimedFieldErrors(error, [])} />
          </div>
        ) : null}
      </td>
    </tr>
  );
}

export function HandoverItems({
  handover: h,
  canDecide,
  nameOf,
  onDecided,
}: {
  handover: Handover;
  canDecide: boolean;
  nameOf: NameOf;
  onDecided: (msg: string) => void;
}) {
  if (h.open_items.length === 0) return <span class="muted">{t('duty.handoverNoOpenItems')}</span>;
  return (
    <div class="table-wrap">
      {canDecide ? <p class="hint">{t('duty.item.hint')}</p> : null}
      <table class="grid handover-items" data-testid="handover-items">
        <thead>
          <tr>
            <th scope="col">{t('duty.item.type')}</th>
            <th scope="col">{t('duty.item.number')}</th>
            <th scope="col">{t('duty.item.content')}</th>
            <th scope="col">{t('duty.item.takeover')}</th>
          </tr>
        </thead>
        <tbody>
          {h.open_items.map((it) => (
            <ItemRow key={itemKey(it)} item={it} shiftId={h.shift_id} canDecide={canDecide} nameOf={nameOf} onDecided={onDecided} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function HandoverView({
  handover: h,
  canDecide,
  nameOf,
  onDecided,
}: {
  handover: Handover;
  canDecide: boolean;
  nameOf: NameOf;
  onDecided: (msg: string) => void;
}) {
  return (
    <div class="handover" data-testid="handover">
      <dl class="props">
        <dt>{t('duty.handoverSummary')}</dt>
        <dd class="pre">{h.summary}</dd>
        {h.notes ? (
          <>
            <dt>{t('duty.handoverNotes')}</dt>
            <dd class="pre">{h.notes}</dd>
          </>
        ) : null}
        <dt>{t('duty.handoverOpenItems')}</dt>
        <dd>
          <HandoverItems handover={h} canDecide={canDecide} nameOf={nameOf} onDecided={onDecided} />
        </dd>
      </dl>
      <p class="muted small">{t('duty.handoverPreparedBy', { name: nameOf(h.prepared_by), time: formatDateTime(h.prepared_at) })}</p>
      {h.accepted_at ? (
        <p class="ok">
          {t('duty.handoverAcceptedBy', { name: nameOf(h.accepted_by), time: formatDateTime(h.accepted_at) })}
          {h.remarks ? <span class="pre"> — {h.remarks}</span> : null}
        </p>
      ) : (
        <p class="warn">{t('duty.handoverWaiting')}</p>
      )}
    </div>
  );
}

export function HandoverSection({
  shift,
  handover,
  openOrders,
  canPrepare,
  canAccept,
  nameOf,
  onDone,
  title,
}: {
  shift: Shift;
  handover: Handover | null;
  openOrders: DutyOrder[];
  canPrepare: boolean;
  canAccept: boolean;
  nameOf: NameOf;
  onDone: (msg: string) => void;
  title?: string;
}) {
  const [summary, setSummary] = useState(handover?.summary ?? '');
  const [notes, setNotes] = useState(handover?.notes ?? '');
  const [remarks, setRemarks] = useState('');
  const action = useAction();
  const busy = !!action.busy;
  const { error } = action;
  const accepted = !!handover?.accepted_at;
  const headId = `handover-h-${shift.id}`;
  const pending = handover ? pendingItems(handover).length : 0;

  const run = async (fn: () => Promise<unknown>, msg: string) => {
    await action.run(async () => {
      await fn();
      onDone(msg);
    });
  };
  const fe = (f: string) => fieldError(error, f);

  return (
    <section class="panel" aria-labelledby={headId}>
      <h2 id={headId}>{title ?? t('duty.handover')}</h2>
      {handover ? (
        <HandoverView handover={handover} canDecide={canAccept && !accepted} nameOf={nameOf} onDecided={onDone} />
      ) : (
        <p class="muted">{t('duty.handoverNone')}</p>
      )}
      <ProblemBox error={error} extra={unclaimedFieldErrors(error, ['summary', 'notes', 'remarks'])} />
      {canPrepare && !accepted ? (
        <form
          class="form"
          noValidate
          aria-label={handover ? t('duty.handoverUpdate') : t('duty.handoverPrepare')}
          onSubmit={(e) => {
            e.preventDefault();
            run(() => dutyApi.prepareHandover(shift.id, { summary, notes }), t('duty.handoverPrepared'));
          }}
        >
          <h3>{handover ? t('duty.handoverUpdate') : t('duty.handoverPrepare')}</h3>
          <p class="hint">{t('duty.handoverOpenItemsAuto')}</p>
          {openOrders.length === 0 ? (
            <p class="muted">{t('duty.handoverNoOpenItems')}</p>
          ) : (
            <ul>
              {openOrders.map((o) => (
                <li key={o.id}>{openItemText({ type: 'order', id: o.id, kind: o.kind, target: o.target_ref })}</li>
              ))}
            </ul>
          )}
          <Field id={`ho-summary-${shift.id}`} label={t('duty.handoverSummary')} error={fe('summary')}>
            {(a) => <textarea {...a} rows={3} value={summary} onInput={(e) => setSummary(e.currentTarget.value)} />}
          </Field>
          <Field id={`ho-notes-${shift.id}`} label={t('duty.handoverNotes')} error={fe('notes')}>
            {(a) => <textarea {...a} rows={2} value={notes} onInput={(e) => setNotes(e.currentTarget.value)} />}
          </Field>
          <div class="toolbar">
            <button type="submit" class="btn btn-primary" disabled={busy}>
              {busy ? t('common.saving') : handover ? t('duty.handoverUpdate') : t('duty.handoverPrepare')}
            </button>
          </div>
        </form>
      ) : null}
      {canAccept && handover && !accepted ? (
        <form
          class="form"
          noValidate
          aria-label={t('duty.handoverAccept')}
          onSubmit={(e) => {
            e.preventDefault();
            if (pending === 0)
              run(() => dutyApi.acceptHandover(shift.id, remarks.trim() || undefined), t('duty.handoverAccepted'));
          }}
        >
          <h3>{t('duty.handoverAccept')}</h3>
          <p class="hint">{t('duty.handoverAcceptHint')}</p>
          <Field id={`ho-remarks-${shift.id}`} label={t('duty.handoverRemarks')} error={fe('remarks')}>
            {(a) => <textarea {...a} rows={2} value={remarks} onInput={(e) => setRemarks(e.currentTarget.value)} />}
          </Field>
          {pending > 0 ? (
            <p class="alert alert-warn" id={`ho-pending-${shift.id}`} role="note">
              {t('duty.item.pending', { n: pending })}
            </p>
          ) : null}
          <div class="toolbar">
            <button
              type="submit"
              class="btn btn-primary"
              disabled={busy || pending > 0}
              aria-describedby={pending > 0 ? `ho-pending-${shift.id}` : undefined}
            >
              {busy ? t('common.saving') : t('duty.handoverAccept')}
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}

/**
 * A shift that has ended but whose handover the incoming leader has not accepted yet: the server's
 * "current" is already the next shift, so the board looks for it among the last days' shifts.
 */
export function PendingHandovers({
  unit,
  current,
  names,
  onChanged,
}: {
  unit: number;
  current: Shift | null;
  names: Map<number, string>;
  onChanged: () => void;
}) {
  const { user } = useApp();
  const load = useLoad(
    (signal) => {
      const now = Date.now();
      return dutyApi
        .shifts(unit, new Date(now - 3 * 86_400_000).toISOString(), new Date(now).toISOString(), signal)
        .then((items) => Promise.all(items.filter((s) => s.status === 'handover_pending').map((s) => dutyApi.shift(s.id, signal))))
        .catch(() => [] as ShiftDetail[]);
    },
    [unit, current?.id],
  );
  const pending = load.data ?? NO_SHIFTS;
  const known = useMemo(() => {
    const m = new Map(names);
    for (const p of pending) for (const x of p.members) if (x.full_name) m.set(x.user_id, x.full_name);
    return m;
  }, [names, pending]);
  const nameOf = useNames(known, [], canSeeUsers(user));
  if (pending.length === 0) return null;
  return (
    <>
      {pending.map((p) => {
        const incomingLeader =
          !!current &&
          current.starts_at === p.ends_at &&
          current.members.some((m) => m.user_id === user.id && isLeaderPosition(m.position));
        return (
          <div class="pending-handover" key={p.id}>
            <HandoverSection
              key={p.handover?.prepared_at ?? 'none'}
              title={`${t('duty.previousPending')}: ${formatSpan(p.starts_at, p.ends_at)}`}
              shift={p}
              handover={p.handover}
              openOrders={p.orders.filter((o) => !o.outcome)}
              canPrepare={isLeaderPosition(p.my_position)}
              canAccept={incomingLeader}
              nameOf={nameOf}
              onDone={() => {
                load.reload();
                onChanged();
              }}
            />
          </div>
        );
      })}
    </>
  );
}

const NO_SHIFTS: ShiftDetail[] = [];
