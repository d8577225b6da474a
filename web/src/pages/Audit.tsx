import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, ApiError, type AuditEntry, type AuditVerify } from '../api';
import { formatDateTime, parseViDate, zonedDateToUtcIso } from '../format';
import { t } from '../i18n';
import { Field, Loading, ProblemBox } from '../ui';

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
export function auditQuery(f: Filters, beforeSeq: number | null) {
  return {
    actor: f.actor.trim() || undefined,
    action: f.action.trim() || undefined,
    object_type: f.object_type.trim() || undefined,
    from: dayBound(f.from, false),
    to: dayBound(f.to, true),
    limit: PAGE_SIZE,
    before_seq: beforeSeq,
  };
}

export function AuditPage() {
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [applied, setApplied] = useState<Filters>(EMPTY);
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [next, setNext] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [open, setOpen] = useState<Set<number>>(new Set());
  const [verify, setVerify] = useState<AuditVerify | null>(null);
  const [verifyBusy, setVerifyBusy] = useState(false);
  const [verifyError, setVerifyError] = useState<unknown>(null);
  const [dateErrors, setDateErrors] = useState<{ from?: string; to?: string }>({});

  const load = useCallback(async (f: Filters, before: number | null) => {
    setBusy(true);
    setError(null);
    try {
      const page = await api.audit(auditQuery(f, before));
      setEntries((prev) => (before === null || !prev ? page.items : [...prev, ...page.items]));
      setNext(page.next_before_seq);
    } catch (e) {
      setError(e);
      if (before === null) setEntries(null);
    } finally {
      setBusy(false);
    }
  }, []);

  useEffect(() => {
    load(applied, null);
  }, [applied, load]);

  const runVerify = async () => {
    setVerifyBusy(true);
    setVerifyError(null);
    setVerify(null);
    try {
      setVerify(await api.auditVerify());
    } catch (e) {
      setVerifyError(e);
    } finally {
      setVerifyBusy(false);
    }
  };

  const toggle = (seq: number) =>
    setOpen((prev) => {
      const n = new Set(prev);
      if (n.has(seq)) n.delete(seq);
      else n.add(seq);
      return n;
    });

  const forbidden = error instanceof ApiError && error.status === 403;
  const setF = (k: keyof Filters, v: string) => setDraft((d) => ({ ...d, [k]: v }));

  return (
    <section>
      <div class="page-head">
        <h1>{t('audit.title')}</h1>
        <button type="button" class="btn push-right" onClick={runVerify} disabled={verifyBusy}>
          {verifyBusy ? t('audit.verifying') : t('audit.verify')}
        </button>
      </div>
      {verify ? (
        <div class={`alert ${verify.ok ? 'alert-ok' : 'alert-error'}`} role="status" data-testid="audit-verify">
          {verify.ok
            ? t('audit.verifyOk', { n: verify.entries })
            : t('audit.verifyBroken', { seq: verify.first_broken_seq ?? '?' })}
        </div>
      ) : null}
      <ProblemBox error={verifyError} />
      <form
        class="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          const errs = {
            from: badDate(draft.from) ? t('audit.badDate') : undefined,
            to: badDate(draft.to) ? t('audit.badDate') : undefined,
          };
          setDateErrors(errs);
          if (errs.from || errs.to) return;
          setOpen(new Set());
          setApplied({ ...draft });
        }}
      >
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
        {(['from', 'to'] as const).map((k) => (
          <Field key={k} id={`af-${k}`} label={t(k === 'from' ? 'audit.from' : 'audit.to')} error={dateErrors[k]}>
            {(a) => (
              <input
                {...a}
                class="date"
                inputMode="numeric"
                placeholder={t('audit.datePlaceholder')}
                value={draft[k]}
                onInput={(e) => setF(k, e.currentTarget.value)}
              />
            )}
          </Field>
        ))}
        <div class="field field-buttons">
          <button type="submit" class="btn btn-primary">
            {t('audit.apply')}
          </button>
          <button
            type="button"
            class="btn"
            onClick={() => {
              setDraft(EMPTY);
              setDateErrors({});
              setApplied(EMPTY);
            }}
          >
            {t('audit.reset')}
          </button>
        </div>
      </form>
      <p class="muted small">{t('audit.tzNote')}</p>
      <ProblemBox error={error} extra={forbidden ? [t('error.forbiddenPage')] : undefined} />
      {!entries && busy ? <Loading /> : null}
      {entries && entries.length === 0 ? <p class="muted">{t('audit.empty')}</p> : null}
      {entries && entries.length > 0 ? (
        <>
          <div class="table-wrap">
            <table class="grid audit">
              <thead>
                <tr>
                  <th scope="col">{t('audit.seq')}</th>
                  <th scope="col">{t('audit.time')}</th>
                  <th scope="col">{t('audit.actor')}</th>
                  <th scope="col">{t('audit.action')}</th>
                  <th scope="col">{t('audit.object')}</th>
                  <th scope="col">{t('audit.requestId')}</th>
                  <th scope="col">
                    <span class="sr-only">{t('audit.details')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {entries.map((e) => [
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
                ])}
              </tbody>
            </table>
          </div>
          <div class="toolbar">
            <span class="muted">{t('audit.shown', { n: entries.length })}</span>
            {next !== null ? (
              <button type="button" class="btn" disabled={busy} onClick={() => load(applied, next)}>
                {busy ? t('common.loading') : t('audit.older')}
              </button>
            ) : (
              <span class="muted">{t('audit.noMore')}</span>
            )}
          </div>
        </>
      ) : null}
    </section>
  );
}
