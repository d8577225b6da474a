// The case page's panel for Art. 16.4(c) (báo cáo Lãnh đạo qua đầu mối): the hops the report makes
// through the focal point to the leaders and the direction (chỉ đạo) on its way back, and the step the
// user may take now, as the server lists it in `relay.actions`.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, casesApi, type Case, type Relay, type RelayAction } from '../api';
import { unitNameIn } from '../cases';
import { formatDateTime } from '../format';
import { useAction } from '../hooks';
import { pick, t, type Key } from '../i18n';
import {
  bypassHop,
  dueHop,
  forwardPayload,
  leaderFields,
  leaderErrorLines,
  personName,
  relayHopStates,
  type HopState,
  type RelayHop,
} from '../relay';
import { Field, fieldError, FormButtons, ProblemBox, unclaimedFieldErrors } from '../ui';

export type RelayCase = Pick<Case, 'id' | 'relay' | 'reported_at' | 'reported_by_name' | 'unit_name'> & { unit_name_en?: string };

interface Handlers {
  /** A step answered with the case as it is now. */
  onDone: (after: Case, msg: string) => void;
  /** A refusal that is not about a field (403 by the rule, 409 at the wrong stage): the page shows it. */
  onProblem: (e: unknown) => void;
}

export function RelayPanel({ c, tz, onDone, onProblem }: { c: RelayCase; tz: string } & Handlers) {
  const r = c.relay;
  if (!r) return null;
  const states = relayHopStates(r.stage);
  const when = (v: string | null) => formatDateTime(v, { timeZone: tz });
  const overdue = r.overdue ? <span class="badge overdue-mark">{t('relay.overdue')}</span> : null;
  const deadline = (hop: RelayHop, key: Key) =>
    dueHop(r) === hop ? (
      <p class="relay-due">
        {t(key, { time: when(r.due_at) })}
        {overdue}
      </p>
    ) : null;
  const reason = (hop: RelayHop) =>
    bypassHop(r) === hop && r.bypass_reason ? (
      <p class="alert alert-warn relay-bypass">
        <strong>{t('relay.bypassReason')}:</strong> {pick(r.bypass_reason.vi, r.bypass_reason.en)}
      </p>
    ) : null;
  const passed = (name: string | null | undefined, at: string | null) =>
    at ? <div class="small muted">{t('relay.passedBy', { name: name ?? '', time: when(at) })}</div> : null;

  return (
    <section class="panel relay" aria-labelledby="relay-h" data-testid="relay" data-stage={r.stage}>
      <h2 id="relay-h">{t('relay.title')}</h2>
      <p class="relay-stage">
        {t('relay.stageNow')}: <strong>{pick(r.stage_vi, r.stage_en)}</strong>
        {overdue}
      </p>
      <ol class="relay-steps" aria-label={t('relay.steps')}>
        <Hop hop="reported" state={states.reported}>
          <div>{unitNameIn(c)}</div>
          {c.reported_at ? <div class="small muted">{t('cases.byAt', { name: c.reported_by_name ?? '', time: when(c.reported_at) })}</div> : null}
        </Hop>
        <Hop hop="focal_point" state={states.focal_point}>
          <div>{unitNameIn(r, 'focal_')}</div>
          {r.stage === 'at_focal_leadership' ? <p class="alert alert-warn">{t('relay.atFocalLeadership')}</p> : null}
          {deadline('focal_point', 'relay.forwardDue')}
        </Hop>
        <Hop hop="forwarded" state={states.forwarded}>
          {states.forwarded === 'done' && !r.forwarded_at ? (
            <p>
              <strong>{t('relay.sentDirect')}</strong>
            </p>
          ) : null}
          {reason('forwarded')}
          {r.leaders.length ? (
            <div class="relay-leaders">
              {t('relay.leaders')}: <strong>{r.leaders.map((p) => personName(p)).join(', ')}</strong>
            </div>
          ) : null}
          {passed(r.forwarded_by_name, r.forwarded_at)}
          {r.summary || r.proposal ? (
            <dl class="props">
              {r.summary ? (
                <>
                  <dt>{t('relay.summary')}</dt>
                  <dd class="pre">{r.summary}</dd>
                </>
              ) : null}
              {r.proposal ? (
                <>
                  <dt>{t('relay.proposal')}</dt>
                  <dd class="pre">{r.proposal}</dd>
                </>
              ) : null}
            </dl>
          ) : null}
        </Hop>
        <Hop hop="direction" state={states.direction}>
          {r.direction ? (
            <>
              <div class="pre relay-direction">{r.direction}</div>
              {r.directed_at ? (
                <div class="small muted">{t('relay.directedBy', { name: r.directed_by_name ?? '', time: when(r.directed_at) })}</div>
              ) : null}
            </>
          ) : states.direction === 'current' ? (
            <p class="muted">{t('relay.awaitingDirection')}</p>
          ) : null}
        </Hop>
        <Hop hop="units" state={states.units}>
          {deadline('units', 'relay.relayDue')}
          {r.stage === 'direction_sent' ? (
            <p>
              <strong>{t('relay.directionSentDirect')}</strong>
            </p>
          ) : null}
          {reason('units')}
          {passed(r.relayed_by_name, r.relayed_at)}
          {r.relay_note ? (
            <div>
              {t('relay.note')}: <span class="pre">{r.relay_note}</span>
            </div>
          ) : null}
        </Hop>
      </ol>
      <RelayActions caseId={c.id} relay={r} onDone={onDone} onProblem={onProblem} />
    </section>
  );
}

function Hop({ hop, state, children }: { hop: RelayHop; state: HopState; children?: ComponentChildren }) {
  return (
    <li class={`relay-step rs-${state}`} data-hop={hop} aria-current={state === 'current' ? 'step' : undefined}>
      <div class="relay-step-head">
        <span class="relay-step-title">{t(`relay.hop.${hop}` as Key)}</span>{' '}
        <span class="relay-state">({t(`relay.state.${state}` as Key)})</span>
      </div>
      {children}
    </li>
  );
}

const STEP_LABEL: Record<RelayAction, Key> = { forward: 'relay.forward', direct: 'relay.direct', relay_direction: 'relay.relayDirection' };

function RelayActions({ caseId, relay, onDone, onProblem }: { caseId: number; relay: Relay } & Handlers) {
  const [open, setOpen] = useState<RelayAction | null>(null);
  const steps = (Object.keys(STEP_LABEL) as RelayAction[]).filter((s) => relay.actions?.includes(s));
  if (steps.length === 0) return null;
  const props = { caseId, onCancel: () => setOpen(null), onDone, onProblem };
  return (
    <div class="relay-actions">
      <div class="toolbar">
        {steps.map((s) => (
          <button key={s} type="button" class="btn btn-primary" aria-expanded={open === s} onClick={() => setOpen(s)}>
            {t(STEP_LABEL[s])}
          </button>
        ))}
      </div>
      {open === 'forward' ? <ForwardForm {...props} relay={relay} /> : null}
      {open === 'direct' ? <DirectForm {...props} /> : null}
      {open === 'relay_direction' ? <RelayDirectionForm {...props} /> : null}
    </div>
  );
}

type FormProps = { caseId: number; onCancel: () => void } & Handlers;

/**
 * Sends a step: the case it answers goes to the page; field errors stay by their fields, every
 * other refusal goes to the page's problem box.
 */
function useStep({ onCancel, onDone, onProblem }: FormProps) {
  const action = useAction();
  const run = (fn: () => Promise<Case>, msg: string) =>
    action.run(async () => {
      try {
        const after = await fn();
        onCancel();
        onDone(after, msg);
      } catch (e) {
        if (e instanceof ApiError && Object.keys(e.fieldErrors()).length) throw e;
        onProblem(e);
      }
    });
  return { busy: !!action.busy, error: action.error, run };
}

function ForwardForm(props: FormProps & { relay: Relay }) {
  const { caseId, relay, onCancel } = props;
  const [leaders, setLeaders] = useState<number[]>([]);
  const [summary, setSummary] = useState('');
  const [proposal, setProposal] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});
  const [sent, setSent] = useState<number[]>([]);
  const { busy, error, run } = useStep(props);
  const candidates = relay.candidates ?? [];
  const nameOf = (id: number) => {
    const p = candidates.find((x) => x.user_id === id);
    return p ? personName(p) : t('duty.unknownUser', { id });
  };
  const leaderLines = [
    ...(local.leader_ids ? [local.leader_ids] : []),
    ...(error instanceof ApiError ? leaderErrorLines(error.fieldErrors(), sent, nameOf) : []),
  ];
  const fe = (f: string) => local[f] ?? fieldError(error, f);
  const toggle = (id: number, on: boolean) => setLeaders((l) => (on ? (l.includes(id) ? l : [...l, id]) : l.filter((x) => x !== id)));

  return (
    <form
      class="form"
      noValidate
      aria-label={t('relay.forward')}
      onSubmit={(e) => {
        e.preventDefault();
        const { body, errors } = forwardPayload({ leaders, summary, proposal });
        setLocal(errors);
        if (Object.keys(errors).length) return;
        setSent(body.leader_ids);
        void run(() => casesApi.forward(caseId, body), t('relay.forwarded'));
      }}
    >
      <p class="hint">{t('relay.forwardHint')}</p>
      <ProblemBox error={error} extra={unclaimedFieldErrors(error, ['summary', 'proposal', ...leaderFields(error)])} />
      <fieldset class={leaderLines.length ? 'has-error' : ''} aria-describedby={leaderLines.length ? 'relay-leaders-err' : undefined}>
        <legend>{t('relay.leaders')}</legend>
        {candidates.length === 0 ? <p class="muted">{t('relay.noCandidates')}</p> : null}
        {candidates.map((p) => (
          <div class="check" key={p.user_id}>
            <input
              id={`relay-leader-${p.user_id}`}
              type="checkbox"
              value={String(p.user_id)}
              checked={leaders.includes(p.user_id)}
              onChange={(e) => toggle(p.user_id, e.currentTarget.checked)}
            />
            <label for={`relay-leader-${p.user_id}`}>
              {personName(p)}
              {p.username ? <span class="muted"> ({p.username})</span> : null}
            </label>
          </div>
        ))}
        {leaderLines.length ? (
          <div class="field-error pre" id="relay-leaders-err">
            {leaderLines.join('\n')}
          </div>
        ) : null}
      </fieldset>
      <Field id="relay-summary" label={t('relay.summary')} error={fe('summary')}>
        {(a) => <textarea {...a} rows={4} required value={summary} onInput={(e) => setSummary(e.currentTarget.value)} />}
      </Field>
      <Field id="relay-proposal" label={t('relay.proposal')} error={fe('proposal')}>
        {(a) => <textarea {...a} rows={2} value={proposal} onInput={(e) => setProposal(e.currentTarget.value)} />}
      </Field>
      <FormButtons busy={busy} label={t('relay.forward')} onCancel={onCancel} />
    </form>
  );
}

function DirectForm(props: FormProps) {
  const { caseId, onCancel } = props;
  const [direction, setDirection] = useState('');
  const [local, setLocal] = useState<string | undefined>(undefined);
  const { busy, error, run } = useStep(props);
  return (
    <form
      class="form"
      noValidate
      aria-label={t('relay.direct')}
      onSubmit={(e) => {
        e.preventDefault();
        const text = direction.trim();
        setLocal(text ? undefined : t('common.required'));
        if (text) void run(() => casesApi.direct(caseId, text), t('relay.directed'));
      }}
    >
      <ProblemBox error={error} extra={unclaimedFieldErrors(error, ['direction'])} />
      <Field id="relay-direction" label={t('relay.directionText')} error={local ?? fieldError(error, 'direction')}>
        {(a) => <textarea {...a} rows={4} required value={direction} onInput={(e) => setDirection(e.currentTarget.value)} />}
      </Field>
      <FormButtons busy={busy} label={t('relay.direct')} onCancel={onCancel} />
    </form>
  );
}

function RelayDirectionForm(props: FormProps) {
  const { caseId, onCancel } = props;
  const [note, setNote] = useState('');
  const { busy, error, run } = useStep(props);
  return (
    <form
      class="form"
      noValidate
      aria-label={t('relay.relayDirection')}
      onSubmit={(e) => {
        e.preventDefault();
        void run(() => casesApi.relayDirection(caseId, note.trim() || undefined), t('relay.relayed'));
      }}
    >
      <p class="hint">{t('relay.relayHint')}</p>
      <ProblemBox error={error} extra={unclaimedFieldErrors(error, ['note'])} />
      <Field id="relay-note" label={t('relay.noteOptional')} error={fieldError(error, 'note')}>
        {(a) => <textarea {...a} rows={2} value={note} onInput={(e) => setNote(e.currentTarget.value)} />}
      </Field>
      <FormButtons busy={busy} label={t('relay.relayDirection')} onCancel={onCancel} />
    </form>
  );
}
