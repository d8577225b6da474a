import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, ApiError, DESIGNATION_KINDS, UNIT_KINDS, type DesignationKind, type Designations, type Unit, type UnitInput } from '../api';
import { useAction, useLoad } from '../hooks';
import { pick, t } from '../i18n';
import { navigate } from '../router';
import { isAdmin, metaIds, metaName, useApp } from '../session';
import { buildTree, flatten, pathTo, subtreeIds, visibleIds, type TreeNode } from '../tree';
import { Field, fieldError, FormButtons, Loading, Notice, ProblemBox, unclaimedFieldErrors, unitOptions } from '../ui';

type Mode = { kind: 'view' } | { kind: 'edit' } | { kind: 'create'; parentId: number | null };

export function OrgPage({ unitId }: { unitId: number | null }) {
  const { user } = useApp();
  const unitsLoad = useLoad((signal) => api.units(signal), []);
  const units = unitsLoad.data;
  const loadError = unitsLoad.error;
  const { reload } = unitsLoad;
  const [query, setQuery] = useState('');
  const [expanded, setExpanded] = useState<Set<number>>(new Set());
  const [mode, setMode] = useState<Mode>({ kind: 'view' });
  const [notice, setNotice] = useState<string | null>(null);

  // Open the top two levels once the tree first comes, so that the departments under headquarters show at once.
  const loaded = units !== null;
  useEffect(() => {
    if (units) setExpanded(new Set(buildTree(units).map((n) => n.unit.id)));
  }, [loaded]);

  const roots = useMemo(() => buildTree(units ?? []), [units]);
  const byId = useMemo(() => new Map((units ?? []).map((u) => [u.id, u])), [units]);
  const visible = useMemo(() => visibleIds(roots, query), [roots, query]);
  const selected = unitId !== null ? byId.get(unitId) ?? null : null;

  // Keep the selected unit in view when it is chosen through a link (a designation, a reload).
  useEffect(() => {
    if (!units || unitId === null) return;
    const path = pathTo(units, unitId).slice(0, -1);
    if (path.some((id) => !expanded.has(id))) setExpanded((prev) => new Set([...prev, ...path]));
  }, [units, unitId]);

  useEffect(() => {
    setMode({ kind: 'view' });
  }, [unitId]);

  const toggle = (id: number) =>
    setExpanded((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  if (loadError && !units)
    return (
      <section>
        <h1>{t('org.title')}</h1>
        <ProblemBox error={loadError} extra={loadError instanceof ApiError && loadError.status === 403 ? [t('error.forbiddenPage')] : undefined} />
        <button type="button" class="btn" onClick={reload}>
          {t('common.retry')}
        </button>
      </section>
    );
  if (!units) return <Loading />;

  const admin = isAdmin(user);
  const nameOf = (id: number | null | undefined) => {
    if (id === null || id === undefined) return '';
    const u = byId.get(id);
    return u ? pick(u.name_vi, u.name_en) : t('org.unknownUnit', { id });
  };

  return (
    <section class="org">
      <div class="page-head">
        <h1>{t('org.title')}</h1>
        <span class="muted">{t('org.count', { n: units.length })}</span>
      </div>
      {notice ? <Notice>{notice}</Notice> : null}
      <div class="split">
        <div class="pane tree-pane">
          <div class="tree-tools">
            <label for="org-search" class="sr-only">
              {t('org.search')}
            </label>
            <input
              id="org-search"
              type="search"
              placeholder={t('org.searchPlaceholder')}
              value={query}
              onInput={(e) => setQuery(e.currentTarget.value)}
            />
            <button type="button" class="btn btn-small" onClick={() => setExpanded(new Set(units.map((u) => u.id)))}>
              {t('org.expandAll')}
            </button>
            <button type="button" class="btn btn-small" onClick={() => setExpanded(new Set())}>
              {t('org.collapseAll')}
            </button>
          </div>
          <nav aria-label={t('org.treeLabel')} class="tree">
            {units.length === 0 ? (
              <p class="muted">{t('org.empty')}</p>
            ) : visible && visible.size === 0 ? (
              <p class="muted">{t('org.noMatch')}</p>
            ) : (
              <TreeList
                nodes={roots}
                expanded={expanded}
                visible={visible}
                selectedId={unitId}
                onToggle={toggle}
              />
            )}
          </nav>
        </div>
        <div class="pane detail-pane">
          {mode.kind === 'create' ? (
            <UnitForm
              units={units}
              roots={roots}
              initial={null}
              parentId={mode.parentId}
              onCancel={() => setMode({ kind: 'view' })}
              onSaved={async (u) => {
                await reload();
                setNotice(t('org.created'));
                setMode({ kind: 'view' });
                navigate({ page: 'org', unitId: u.id });
              }}
            />
          ) : unitId === null ? (
            <p class="muted">{t('org.selectHint')}</p>
          ) : !selected ? (
            <ProblemBox error={new Error(t('org.notFound'))} />
          ) : mode.kind === 'edit' ? (
            <UnitForm
              units={units}
              roots={roots}
              initial={selected}
              parentId={selected.parent_id}
              onCancel={() => setMode({ kind: 'view' })}
              onSaved={async () => {
                await reload();
                setNotice(t('common.saved'));
                setMode({ kind: 'view' });
              }}
            />
          ) : (
            <UnitDetails
              unit={selected}
              admin={admin}
              nameOf={nameOf}
              onEdit={() => {
                setNotice(null);
                setMode({ kind: 'edit' });
              }}
              onCreateChild={() => {
                setNotice(null);
                setMode({ kind: 'create', parentId: selected.id });
              }}
              onDeleted={async () => {
                await reload();
                setNotice(t('org.deleted'));
                navigate({ page: 'org', unitId: selected.parent_id });
              }}
            />
          )}
        </div>
      </div>
    </section>
  );
}

function KindBadge({ kind }: { kind: string }) {
  const { meta } = useApp();
  return <span class={`badge kind-${kind}`}>{metaName(meta, 'unit_kinds', kind)}</span>;
}

export function TreeList({
  nodes,
  expanded,
  visible,
  selectedId,
  onToggle,
}: {
  nodes: TreeNode[];
  expanded: Set<number>;
  visible: Set<number> | null;
  selectedId: number | null;
  onToggle: (id: number) => void;
}) {
  const shown = visible ? nodes.filter((n) => visible.has(n.unit.id)) : nodes;
  return (
    <ul>
      {shown.map((n) => {
        const hasChildren = n.children.length > 0;
        // While filtering, every branch that leads to a match is open.
        const open = hasChildren && (visible !== null || expanded.has(n.unit.id));
        const name = pick(n.unit.name_vi, n.unit.name_en);
        return (
          <li key={n.unit.id}>
            <div class={`tree-row${selectedId === n.unit.id ? ' selected' : ''}`}>
              {hasChildren ? (
                <button
                  type="button"
                  class="twisty"
                  aria-expanded={open}
                  aria-label={`${open ? t('org.collapse') : t('org.expand')}: ${name}`}
                  onClick={() => onToggle(n.unit.id)}
                  disabled={visible !== null}
                >
                  {open ? '▾' : '▸'}
                </button>
              ) : (
                <span class="twisty-space" aria-hidden="true" />
              )}
              <a
                href={`#/org/${n.unit.id}`}
                class="tree-link"
                aria-current={selectedId === n.unit.id ? 'true' : undefined}
              >
                <span class="tree-name">{name}</span> <span class="code">{n.unit.code}</span>
              </a>
              <KindBadge kind={n.unit.kind} />
            </div>
            {open ? (
              <TreeList
                nodes={n.children}
                expanded={expanded}
                visible={visible}
                selectedId={selectedId}
                onToggle={onToggle}
              />
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}

function UnitDetails({
  unit,
  admin,
  nameOf,
  onEdit,
  onCreateChild,
  onDeleted,
}: {
  unit: Unit;
  admin: boolean;
  nameOf: (id: number | null | undefined) => string;
  onEdit: () => void;
  onCreateChild: () => void;
  onDeleted: () => void;
}) {
  const { meta } = useApp();
  const [confirming, setConfirming] = useState(false);
  const action = useAction();
  const busy = !!action.busy;
  const { error, setError } = action;

  useEffect(() => {
    setConfirming(false);
    setError(null);
  }, [unit.id]);

  const yesNo = (b: boolean) => (b ? t('common.yes') : t('common.no'));
  const del = async () => {
    const ok = await action.run(async () => {
      await api.deleteUnit(unit.id);
      onDeleted();
    });
    if (!ok) setConfirming(false);
  };

  const designationKinds = metaIds(meta, 'designation_kinds', DESIGNATION_KINDS);
  return (
    <article aria-labelledby="unit-heading">
      <div class="detail-head">
        <h2 id="unit-heading">{pick(unit.name_vi, unit.name_en)}</h2>
        <KindBadge kind={unit.kind} />
      </div>
      {admin ? (
        <div class="toolbar">
          <button type="button" class="btn" onClick={onEdit}>
            {t('org.editUnit')}
          </button>
          <button type="button" class="btn" onClick={onCreateChild}>
            {t('org.createChild')}
          </button>
          <button type="button" class="btn btn-danger" onClick={() => setConfirming(true)} disabled={confirming}>
            {t('common.delete')}
          </button>
        </div>
      ) : null}
      {confirming ? (
        <div class="alert alert-warn" role="alertdialog" aria-labelledby="confirm-text">
          <p id="confirm-text">{t('org.deleteConfirm', { name: pick(unit.name_vi, unit.name_en) })}</p>
          <button type="button" class="btn btn-danger" onClick={del} disabled={busy}>
            {t('common.confirmDelete')}
          </button>{' '}
          <button type="button" class="btn" onClick={() => setConfirming(false)}>
            {t('common.cancel')}
          </button>
        </div>
      ) : null}
      <ProblemBox error={error} />
      <dl class="props">
        <dt>{t('org.code')}</dt>
        <dd class="code">{unit.code}</dd>
        <dt>{t('org.kind')}</dt>
        <dd>{metaName(meta, 'unit_kinds', unit.kind)}</dd>
        <dt>{t('org.nameVi')}</dt>
        <dd lang="vi">{unit.name_vi}</dd>
        <dt>{t('org.nameEn')}</dt>
        <dd lang="en">{unit.name_en}</dd>
        <dt>{t('org.parent')}</dt>
        <dd>{unit.parent_id !== null ? <a href={`#/org/${unit.parent_id}`}>{nameOf(unit.parent_id)}</a> : t('org.root')}</dd>
        <dt>{t('org.timeZone')}</dt>
        <dd>{unit.time_zone}</dd>
        <dt>{t('org.place')}</dt>
        <dd>{unit.place || t('org.placeInherited')}</dd>
        <dt>{t('org.hasCameraRoom')}</dt>
        <dd>{yesNo(unit.has_camera_room)}</dd>
        <dt>{t('org.mustRun24x7')}</dt>
        <dd>{yesNo(unit.must_run_24x7)}</dd>
        <dt>{t('org.external')}</dt>
        <dd>{yesNo(unit.external)}</dd>
      </dl>
      <h3>{t('org.designations')}</h3>
      <dl class="props">
        {designationKinds.map((k) => {
          const target = unit.designations?.[k as DesignationKind] ?? null;
          return [
            <dt key={`${k}-t`}>{metaName(meta, 'designation_kinds', k)}</dt>,
            <dd key={`${k}-d`}>
              {target !== null ? <a href={`#/org/${target}`}>{nameOf(target)}</a> : <span class="muted">{t('org.designationNone')}</span>}
            </dd>,
          ];
        })}
      </dl>
    </article>
  );
}

const COMMON_ZONES = ['Asia/Ho_Chi_Minh', 'Asia/Bangkok', 'Asia/Vientiane', 'Asia/Phnom_Penh', 'Asia/Shanghai', 'UTC'];

function timeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  try {
    const all = intl.supportedValuesOf?.('timeZone');
    if (all && all.length) return [...new Set([...COMMON_ZONES, ...all])];
  } catch {
    // older engines: the common zones are enough to pick from, any name can still be typed
  }
  return COMMON_ZONES;
}

function emptyDesignations(): Designations {
  return Object.fromEntries(DESIGNATION_KINDS.map((k) => [k, null])) as Designations;
}

type Draft = Omit<UnitInput, 'designations'> & { designations: Designations };

function toDraft(u: Unit | null, parentId: number | null): Draft {
  if (!u)
    return {
      parent_id: parentId,
      code: '',
      kind: 'division',
      name_vi: '',
      name_en: '',
      time_zone: 'Asia/Ho_Chi_Minh',
      place: '',
      has_camera_room: false,
      must_run_24x7: false,
      external: false,
      designations: emptyDesignations(),
    };
  return {
    parent_id: u.parent_id,
    code: u.code,
    kind: u.kind,
    name_vi: u.name_vi,
    name_en: u.name_en,
    time_zone: u.time_zone,
    place: u.place,
    has_camera_room: u.has_camera_room,
    must_run_24x7: u.must_run_24x7,
    external: u.external,
    designations: { ...emptyDesignations(), ...u.designations },
  };
}

/** The PATCH body: only what changed; the designations go whole when any of them changed. */
export function unitPatch(before: Draft, after: Draft): Partial<UnitInput> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(after) as (keyof Draft)[]) {
    if (k === 'designations') {
      if (DESIGNATION_KINDS.some((d) => (before.designations[d] ?? null) !== (after.designations[d] ?? null)))
        out.designations = after.designations;
    } else if (before[k] !== after[k]) {
      out[k] = after[k];
    }
  }
  return out as Partial<UnitInput>;
}

function UnitForm({
  units,
  roots,
  initial,
  parentId,
  onCancel,
  onSaved,
}: {
  units: Unit[];
  roots: TreeNode[];
  initial: Unit | null;
  parentId: number | null;
  onCancel: () => void;
  onSaved: (u: Unit) => void;
}) {
  const { meta } = useApp();
  const [draft, setDraft] = useState<Draft>(() => toDraft(initial, parentId));
  const action = useAction();
  const busy = !!action.busy;
  const { error } = action;
  const zones = useMemo(timeZones, []);
  const ordered = useMemo(() => flatten(roots), [roots]);
  // A unit cannot move under itself or its own descendants.
  const forbiddenParents = useMemo(() => (initial ? subtreeIds(roots, initial.id) : new Set<number>()), [roots, initial]);
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setDraft((d) => ({ ...d, [k]: v }));
  const setDesignation = (k: DesignationKind, v: number | null) =>
    setDraft((d) => ({ ...d, designations: { ...d.designations, [k]: v } }));

  const parentName = (() => {
    const p = units.find((u) => u.id === parentId);
    return p ? pick(p.name_vi, p.name_en) : t('org.root');
  })();

  const submit = async (e: Event) => {
    e.preventDefault();
    await action.run(async () => {
      const saved = initial
        ? await api.updateUnit(initial.id, unitPatch(toDraft(initial, initial.parent_id), draft))
        : await api.createUnit(draft);
      onSaved(saved);
    });
  };

  const claimed = [
    'parent_id',
    'code',
    'kind',
    'name_vi',
    'name_en',
    'time_zone',
    'place',
    'has_camera_room',
    'must_run_24x7',
    'external',
    ...DESIGNATION_KINDS.map((k) => `designations.${k}`),
  ];
  const fe = (f: string) => fieldError(error, f);
  const orderedOptions = (exclude?: Set<number>) =>
    unitOptions(ordered.filter((n) => !exclude || !exclude.has(n.unit.id)));
  const kinds = metaIds(meta, 'unit_kinds', UNIT_KINDS);

  return (
    <form class="form unit-form" onSubmit={submit} aria-labelledby="unit-form-title" noValidate>
      <h2 id="unit-form-title">
        {initial ? `${t('org.editUnit')}: ${pick(initial.name_vi, initial.name_en)}` : t('org.newUnitUnder', { name: parentName })}
      </h2>
      <ProblemBox error={error} extra={unclaimedFieldErrors(error, claimed)} />
      <div class="grid2">
        <Field id="u-parent" label={t('org.parent')} error={fe('parent_id')}>
          {(a) => (
            <select
              {...a}
              value={draft.parent_id === null ? '' : String(draft.parent_id)}
              onChange={(e) => set('parent_id', e.currentTarget.value ? Number(e.currentTarget.value) : null)}
            >
              <option value="">{t('org.root')}</option>
              {orderedOptions(forbiddenParents)}
            </select>
          )}
        </Field>
        <Field id="u-code" label={t('org.code')} error={fe('code')}>
          {(a) => <input {...a} required value={draft.code} onInput={(e) => set('code', e.currentTarget.value)} />}
        </Field>
        <Field id="u-kind" label={t('org.kind')} error={fe('kind')}>
          {(a) => (
            <select {...a} value={draft.kind} onChange={(e) => set('kind', e.currentTarget.value)}>
              {kinds.map((k) => (
                <option key={k} value={k}>
                  {metaName(meta, 'unit_kinds', k)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="u-tz" label={t('org.timeZone')} error={fe('time_zone')}>
          {(a) => (
            <>
              <input {...a} list="u-tz-list" value={draft.time_zone} onInput={(e) => set('time_zone', e.currentTarget.value)} />
              <datalist id="u-tz-list">
                {zones.map((z) => (
                  <option key={z} value={z} />
                ))}
              </datalist>
            </>
          )}
        </Field>
        <Field id="u-place" label={t('org.place')} error={fe('place')}>
          {(a) => (
            <input {...a} lang="vi" value={draft.place} placeholder={t('org.placeInherited')} onInput={(e) => set('place', e.currentTarget.value)} />
          )}
        </Field>
        <Field id="u-name-vi" label={t('org.nameVi')} error={fe('name_vi')}>
          {(a) => <input {...a} lang="vi" required value={draft.name_vi} onInput={(e) => set('name_vi', e.currentTarget.value)} />}
        </Field>
        <Field id="u-name-en" label={t('org.nameEn')} error={fe('name_en')}>
          {(a) => <input {...a} lang="en" value={draft.name_en} onInput={(e) => set('name_en', e.currentTarget.value)} />}
        </Field>
      </div>
      <fieldset>
        <legend>{t('org.flags')}</legend>
        {(['has_camera_room', 'must_run_24x7', 'external'] as const).map((f) => {
          const label = { has_camera_room: t('org.hasCameraRoom'), must_run_24x7: t('org.mustRun24x7'), external: t('org.external') }[f];
          return (
            <div key={f} class={`check${fe(f) ? ' has-error' : ''}`}>
              <input id={`u-${f}`} type="checkbox" checked={draft[f]} onChange={(e) => set(f, e.currentTarget.checked)} />
              <label for={`u-${f}`}>{label}</label>
              {fe(f) ? <div class="field-error">{fe(f)}</div> : null}
            </div>
          );
        })}
      </fieldset>
      <fieldset>
        <legend>{t('org.designations')}</legend>
        <div class="grid2">
          {DESIGNATION_KINDS.map((k) => (
            <Field key={k} id={`u-des-${k}`} label={metaName(meta, 'designation_kinds', k)} error={fe(`designations.${k}`)}>
              {(a) => (
                <select
                  {...a}
                  value={draft.designations[k] === null ? '' : String(draft.designations[k])}
                  onChange={(e) => setDesignation(k, e.currentTarget.value ? Number(e.currentTarget.value) : null)}
                >
                  <option value="">{t('org.designationNone')}</option>
                  {orderedOptions()}
                </select>
              )}
            </Field>
          ))}
        </div>
      </fieldset>
      <FormButtons busy={busy} onCancel={onCancel} />
    </form>
  );
}
