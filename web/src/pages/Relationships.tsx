// The register of working relationships (quan hệ phối hợp công tác, Art. 16.3): between which units,
// on what basis (quy chế phối hợp, thỏa thuận, văn bản chỉ đạo), covering what data and which units'
// cameras, until when. Admin and the system operator's leadership keep it; the server says who may edit.
import { useMemo, useState } from 'preact/hooks';
import { RELATIONSHIP_BASISES, sharingApi, wholeList, type Relationship } from '../api';
import { useAction, usePagedList, useUnits } from '../hooks';
import { pick, t } from '../i18n';
import { ListPage, type Column } from '../listpage';
import { hasRole, useApp } from '../session';
import { basisName, relationshipForm, relationshipPatch, relationshipPayload, type RelationshipForm } from '../sharing';
import { buildTree, flatten } from '../tree';
import { Field, fieldError, FormButtons, Notice, ProblemBox, unclaimedFieldErrors, unitOptions } from '../ui';
import { DataTypeChecks, dataTypesText, ReasonAction } from './SharingParts';

const dmy = (iso: string | null) => (iso ? `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}` : '');

export function RelationshipsPage() {
  const { user } = useApp();
  const [all, setAll] = useState(false);
  const [editing, setEditing] = useState<Relationship | 'new' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const list = usePagedList((_c, signal) => sharingApi.relationships({ in_force: !all }, signal).then(wholeList), [all]);
  const mayCreate = hasRole(user, 'admin', 'hq_leader', 'unit_leader');

  const saved = (r: Relationship, msg: string) => {
    setEditing(null);
    setNotice(msg);
    list.setItems((prev) => (prev.some((x) => x.id === r.id) ? prev.map((x) => (x.id === r.id ? r : x)) : [r, ...prev]));
  };

  const columns: Column<Relationship>[] = [
    { head: t('rel.unit'), cell: (r) => r.unit_name },
    {
      head: t('rel.partner'),
      cell: (r) => (
        <>
          {r.partner_unit_name}
          {r.partner_external ? <span class="badge external">{t('org.external')}</span> : null}
        </>
      ),
    },
    {
      head: t('rel.basis'),
      cell: (r) => (
        <>
          {basisName(r.basis_kind)} {t('rel.basisRef', { number: r.basis_number, date: dmy(r.basis_date) })}
          {r.basis_title ? <div class="muted small">{r.basis_title}</div> : null}
        </>
      ),
    },
    { head: t('sharing.dataTypes'), cell: (r) => `${dataTypesText(r.data_types)}${r.download ? ` · ${t('rel.downloadAllowed')}` : ''}` },
    { head: t('rel.coveredUnits'), cell: (r) => (r.unit_names?.length ? r.unit_names.join(', ') : t('rel.wholeSubtree')) },
    { head: t('rel.validity'), cell: (r) => `${dmy(r.valid_from)} – ${r.valid_to ? dmy(r.valid_to) : t('rel.noEnd')}` },
    {
      head: t('cases.status'),
      cell: (r) => (
        <>
          <span class={`badge ${r.in_force ? 'rel-in-force' : 'rel-ended'}`}>{t(r.in_force ? 'rel.inForce' : 'rel.notInForce')}</span>
          {r.end_reason ? <div class="muted small pre">{r.end_reason}</div> : null}
        </>
      ),
    },
    {
      head: <span class="sr-only">{t('cases.actions')}</span>,
      cell: (r) =>
        r.can_edit ? (
          <div class="toolbar">
            <button type="button" class="btn btn-small" onClick={() => (setNotice(null), setEditing(r))}>
              {t('common.edit')}
            </button>
            {r.in_force ? <EndRelationship r={r} onEnded={(after) => saved(after, t('rel.ended'))} /> : null}
          </div>
        ) : null,
    },
  ];

  return (
    <ListPage
      class="relationships"
      title={t('rel.title')}
      actions={
        mayCreate && !editing ? (
          <button type="button" class="btn btn-primary push-right" onClick={() => (setNotice(null), setEditing('new'))}>
            {t('rel.create')}
          </button>
        ) : null
      }
      top={
        <>
          <p class="hint">{t('rel.intro')}</p>
          {notice ? <Notice>{notice}</Notice> : null}
          {editing ? (
            <RelationshipEditor
              key={editing === 'new' ? 'new' : editing.id}
              r={editing === 'new' ? null : editing}
              onCancel={() => setEditing(null)}
              onSaved={(r) => saved(r, t('common.saved'))}
            />
          ) : null}
        </>
      }
      filters={
        <div class="field">
          <label class="check">
            <input type="checkbox" checked={all} onChange={(e) => setAll(e.currentTarget.checked)} /> {t('rel.showAll')}
          </label>
        </div>
      }
      list={list}
      empty={t('rel.empty')}
      columns={columns}
      rowProps={(r) => ({ 'data-relationship-id': r.id, class: r.in_force ? undefined : 'inactive' })}
      testId="relationships"
    />
  );
}

function EndRelationship({ r, onEnded }: { r: Relationship; onEnded: (r: Relationship) => void }) {
  return (
    <ReasonAction
      id={`rel-end-${r.id}`}
      label={t('rel.end')}
      reasonLabel={t('rel.endReason')}
      danger
      act={async (reason) => onEnded(await sharingApi.endRelationship(r.id, reason))}
    />
  );
}

export function RelationshipEditor({ r, onCancel, onSaved }: { r: Relationship | null; onCancel: () => void; onSaved: (r: Relationship) => void }) {
  const units = useUnits();
  const nodes = useMemo(() => flatten(buildTree(units)), [units]);
  const customs = useMemo(() => nodes.filter((n) => !n.unit.external), [nodes]);
  const [form, setForm] = useState<RelationshipForm>(() => relationshipForm(r));
  const [local, setLocal] = useState<Record<string, string>>({});
  const save = useAction();
  const { error } = save;
  const set = <K extends keyof RelationshipForm>(k: K, v: RelationshipForm[K]) => setForm((f) => ({ ...f, [k]: v }));
  const fe = (f: string) => local[f] ?? fieldError(error, f);
  const fields = ['unit_id', 'partner_unit_id', 'basis_kind', 'basis_number', 'basis_date', 'basis_title', 'data_types', 'unit_ids', 'download', 'valid_from', 'valid_to', 'note'];

  const submit = (e: Event) => {
    e.preventDefault();
    const p = relationshipPayload(form);
    setLocal(p.errors);
    if (Object.keys(p.errors).length) return;
    void save.run(async () => onSaved(r ? await sharingApi.updateRelationship(r.id, relationshipPatch(p.body, r)) : await sharingApi.createRelationship(p.body)));
  };
  const dateField = (k: 'basis_date' | 'valid_from' | 'valid_to', labelKey: 'rel.basisDate' | 'rel.validFrom' | 'rel.validTo', required: boolean) => (
    <Field id={`rel-${k}`} label={t(labelKey)} required={required} error={fe(k)}>
      {(a) => <input {...a} class="date" inputMode="numeric" placeholder={t('audit.datePlaceholder')} value={form[k]} onInput={(e) => set(k, e.currentTarget.value)} />}
    </Field>
  );

  return (
    <form class="form panel" noValidate onSubmit={submit} aria-label={r ? t('rel.edit') : t('rel.create')} data-testid="relationship-form">
      <h2>{r ? t('rel.edit') : t('rel.create')}</h2>
      <ProblemBox error={error} extra={unclaimedFieldErrors(error, fields)} />
      <div class="grid2">
        <Field id="rel-unit" label={t('rel.unit')} required hint={t('rel.unitHint')} error={fe('unit_id')}>
          {(a) => (
            <select {...a} value={form.unit_id} onChange={(e) => set('unit_id', e.currentTarget.value)}>
              <option value="">{t('coordination.pickUnit')}</option>
              {unitOptions(customs)}
            </select>
          )}
        </Field>
        <Field id="rel-partner" label={t('rel.partner')} required hint={t('rel.partnerHint')} error={fe('partner_unit_id')}>
          {(a) => (
            <select {...a} value={form.partner_unit_id} onChange={(e) => set('partner_unit_id', e.currentTarget.value)}>
              <option value="">{t('coordination.pickUnit')}</option>
              {unitOptions(nodes)}
            </select>
          )}
        </Field>
        <Field id="rel-basis-kind" label={t('rel.basisKind')} error={fe('basis_kind')}>
          {(a) => (
            <select {...a} value={form.basis_kind} onChange={(e) => set('basis_kind', e.currentTarget.value)}>
              {RELATIONSHIP_BASISES.map((b) => (
                <option key={b} value={b}>
                  {basisName(b)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="rel-basis-number" label={t('rel.basisNumber')} required hint={t('rel.basisNumberHint')} error={fe('basis_number')}>
          {(a) => <input {...a} value={form.basis_number} onInput={(e) => set('basis_number', e.currentTarget.value)} />}
        </Field>
        {dateField('basis_date', 'rel.basisDate', true)}
        <Field id="rel-basis-title" label={t('rel.basisTitle')} error={fe('basis_title')}>
          {(a) => <input {...a} value={form.basis_title} onInput={(e) => set('basis_title', e.currentTarget.value)} />}
        </Field>
      </div>
      <DataTypeChecks id="rel-types" legend={t('sharing.dataTypes')} value={form.data_types} error={fe('data_types')} onChange={(v) => set('data_types', v)} />
      <Field id="rel-units" label={t('rel.coveredUnits')} hint={t('rel.coveredHint')} error={fe('unit_ids')}>
        {(a) => (
          <select
            {...a}
            multiple
            size={6}
            onChange={(e) => set('unit_ids', new Set([...e.currentTarget.selectedOptions].map((o) => Number(o.value))))}
          >
            {customs.map((n) => (
              <option key={n.unit.id} value={String(n.unit.id)} selected={form.unit_ids.has(n.unit.id)}>
                {'\u00a0\u00a0'.repeat(n.depth)}
                {pick(n.unit.name_vi, n.unit.name_en)} ({n.unit.code})
              </option>
            ))}
          </select>
        )}
      </Field>
      <div class="field">
        <label class="check">
          <input type="checkbox" checked={form.download} onChange={(e) => set('download', e.currentTarget.checked)} /> {t('rel.downloadAllowed')}
        </label>
      </div>
      <div class="grid2">
        {dateField('valid_from', 'rel.validFrom', true)}
        {dateField('valid_to', 'rel.validTo', false)}
      </div>
      <Field id="rel-note" label={t('sharing.note')} error={fe('note')}>
        {(a) => <textarea {...a} rows={2} value={form.note} onInput={(e) => set('note', e.currentTarget.value)} />}
      </Field>
      <FormButtons busy={!!save.busy} onCancel={onCancel} />
    </form>
  );
}
