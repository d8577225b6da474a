import { useState } from 'preact/hooks';
import { api, API_BASE, type AuditCheckpoint, type AuditVerify } from '../api';
import { formatDateTime, parseViDate, zonedDateToUtcIso } from '../format';
import { useAction, usePagedList } from '../hooks';
import { pick, t } from '../i18n';
import { DayRangeFields, FilterButtons, ListPage } from '../listpage';
import { ProblemBox } from '../ui';

interface Filters {
  actor: string;
  action: string;
  object_type: string;
  from: string; // dd/MM/yyyy as typed, a Vietnam calendar day
  to: string;
}

const EMPTY: Filters = { actor: '', action: '', object_type: '', from: '', to: '' };
const PAGE_SIZE = 100;
const OBJECT_TYPES = ['unit', 'user', 'session', 'audit', 'org'];

function dayBound(text: string, endOfDay: boolean): string | undefined {
  const iso = parseViDate(text);
  return iso ? zonedDateToUtcIso(iso, endOfDay) ?? undefined : undefined;
}

const badDate = (text: string) => text.trim() !== '' && parseViDate(text) === null;

/** Query parameters for the audit API: dates become the UTC bounds of whole Vietnam days. */
export function auditQuery(f: Filters) {
  return {
    actor: f.actor.trim() || undefined,
    action: f.action.trim() || undefined,
    object_type: f.object_type.trim() || undefined,
    from: dayBound(f.from, false),
    to: dayBound(f.to, true),
    limit: PAGE_SIZE,
  };
}

export function AuditPage() {
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [applied, setApplied] = useState<Filters>(EMPTY);
  const [open, setOpen] = useState<Set<number>>(new Set());
  const [verify, setVerify] = useState<AuditVerify | null>(null);
  const verifying = useAction();
  const [checkpoint, setCheckpoint] = useState<AuditCheckpoint | null>(null);
  const signing = useAction();
  const [dateErrors, setDateErrors] = useState<{ from?: string; to?: string }>({});
  const list = usePagedList((cursor, signal) => api.auditPage(auditQuery(applied), cursor, signal), [applied]);

  const runVerify = () => {
    setVerify(null);
    void verifying.run(async () => setVerify(await api.auditVerify()));
  };
  const sign = () => {
    setCheckpoint(null);
    void signing.run(async () => setCheckpoint(await api.takeCheckpoint()));
  };

  const toggle = (seq: number) =>
    setOpen((prev) => {
      const n = new Set(prev);
      if (n.has(seq)) n.delete(seq);
      else n.add(seq);
      return n;
    });

  const setF = (k: keyof Filters, v: string) => setDraft((d) => ({ ...d, [k]: v }));

  return (
    <ListPage
      title={t('audit.title')}
      actions={
        <>
          <button type="button" class="btn push-right" onClick={runVerify} disabled={!!verifying.busy}>
            {verifying.busy ? t('audit.verifying') : t('audit.verify')}
          </button>
          <button type="button" class="btn" onClick={sign} disabled={!!signing.busy}>
            {t('audit.checkpoint')}
          </button>
        </>
      }
      top={
        <>
          {verify ? (
            <div class={`alert ${verify.ok ? 'alert-ok' : 'alert-error'}`} role="status" data-testid="audit-verify">
              {verify.first_broken_seq != null
                ? t('audit.verifyBroken', { seq: verify.first_broken_seq })
                : verify.checkpoint && !verify.checkpoint.ok
                  ? t('audit.checkpointBroken', { reason: pick(verify.checkpoint.reason_vi, verify.checkpoint.reason_en) })
                  : t('audit.verifyOk', { n: verify.entries })}
            </div>
          ) : null}
          <ProblemBox error={verifying.error} />
          {checkpoint ? (
            <div class="alert alert-ok" role="status" data-testid="audit-checkpoint">
              {t('audit.checkpointSigned', { seq: checkpoint.seq, key: checkpoint.key_id })}{' '}
              <a href={`${API_BASE}/audit/checkpoints/${checkpoint.seq}`} download={`audit-checkpoint-${checkpoint.seq}.json`}>
                {t('audit.checkpointDownload')}
              </a>
            </div>
          ) : null}
          <ProblemBox error={signing.error} />
        </>
      }
      onFilter={() => {
        const errs = {
          from: badDate(draft.from) ? t('audit.badDate') : undefined,
          to: badDate(draft.to) ? t('audit.badDate') : undefined,
        };
        setDateErrors(errs);
        if (errs.from || errs.to) return;
        setOpen(new Set());
        setApplied({ ...draft });
      }}
      filters={
        <>
          <div class="field">
            <label for="af-actor">{t('audit.actor')}</label>
            <input id="af-actor" value={draft.actor} onInput={(e) => setF('actor', e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for="af-action">{t('audit.actionPrefix')}</label>
            <input id="af-action" placeholder="unit." value={draft.action} onInput={(e) => setF('action', e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for="af-type">{t('audit.objectType')}</label>
            <input id="af-type" list="af-type-list" value={draft.object_type} onInput={(e) => setF('object_type', e.currentTarget.value)} />
            <datalist id="af-type-list">
              {OBJECT_TYPES.map((o) => (
                <option key={o} value={o} />
              ))}
            </datalist>
          </div>
          <DayRangeFields idPrefix="af" from={draft.from} to={draft.to} errors={dateErrors} onChange={setF} />
          <FilterButtons
            onReset={() => {
              setDraft(EMPTY);
              setDateErrors({});
              setApplied(EMPTY);
            }}
          />
        </>
      }
      list={list}
      empty={t('audit.empty')}
      tableClass="grid audit"
      rowKey={(e) => e.seq}
      columns={[
        { head: t('audit.seq') },
        { head: t('audit.time') },
        { head: t('audit.actor') },
        { head: t('audit.action') },
        { head: t('audit.object') },
        { head: t('audit.requestId') },
        { head: <span class="sr-only">{t('audit.details')}</span> },
      ]}
      rows={(e) => [
        <tr key={e.seq}>
          <td class="num">{e.seq}</td>
          <td title={e.time}>{formatDateTime(e.time, { seconds: true })}</td>
          <td>{e.actor ?? <span class="muted">{t('audit.system')}</span>}</td>
          <td class="code">{e.action}</td>
          <td class="code">
            {e.object_type ?? ''}
            {e.object_id ? ` #${e.object_id}` : ''}
          </td>
          <td class="code small">{e.request_id ?? ''}</td>
          <td>
            <button
              type="button"
              class="btn btn-small"
              aria-expanded={open.has(e.seq)}
              aria-controls={`audit-d-${e.seq}`}
              onClick={() => toggle(e.seq)}
            >
              {t('audit.details')}
            </button>
          </td>
        </tr>,
        open.has(e.seq) ? (
          <tr key={`${e.seq}-d`} id={`audit-d-${e.seq}`} class="detail-row">
            <td colSpan={7}>
              <dl class="props">
                <dt>{t('audit.ip')}</dt>
                <dd class="code">{e.ip ?? ''}</dd>
                <dt>prev_hash</dt>
                <dd class="code small">{e.prev_hash}</dd>
                <dt>hash</dt>
                <dd class="code small">{e.hash}</dd>
              </dl>
              <pre>{JSON.stringify(e.details ?? {}, null, 2)}</pre>
            </td>
          </tr>
        ) : null,
      ]}
      footer={(items) => <span class="muted">{t('audit.shown', { n: items.length })}</span>}
      moreLabel={t('audit.older')}
      endText={t('audit.noMore')}
    >
      <p class="muted small">{t('audit.tzNote')}</p>
    </ListPage>
  );
}
