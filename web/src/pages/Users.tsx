import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, ROLES, wholeList, type RoleGrant, type Unit, type User } from '../api';
import { formatDateTime } from '../format';
import { useAction, usePagedList, useUnits } from '../hooks';
import { pick, t } from '../i18n';
import { ListPage, type Column } from '../listpage';
import { isAdmin, metaIds, metaName, useApp } from '../session';
import { buildTree, flatten } from '../tree';
import { ChoiceFilter, Field, fieldError, FormButtons, Notice, ProblemBox, unclaimedFieldErrors, unitOptions } from '../ui';

export function UsersPage() {
  const { user: me, meta } = useApp();
  const units = useUnits();
  const [unitFilter, setUnitFilter] = useState<number | null>(null);
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const unlock = useAction();

  // Typing settles for a moment before the list is asked again.
  useEffect(() => {
    const h = setTimeout(() => setQ(text.trim()), 250);
    return () => clearTimeout(h);
  }, [text]);

  const list = usePagedList((_, signal) => api.users({ unit: unitFilter, q }, signal).then(wholeList), [unitFilter, q]);

  const byId = useMemo(() => new Map(units.map((u) => [u.id, u])), [units]);
  const ordered = useMemo(() => flatten(buildTree(units)), [units]);
  const unitName = (id: number) => {
    const u = byId.get(id);
    return u ? pick(u.name_vi, u.name_en) : t('org.unknownUnit', { id });
  };
  const unitCode = (id: number) => byId.get(id)?.code ?? `#${id}`;
  const admin = isAdmin(me);
  const columns: Column<User>[] = [
    { head: t('users.username'), class: 'code', cell: (u) => u.username },
    { head: t('users.fullName'), cell: (u) => u.full_name },
    { head: t('users.unit'), cell: (u) => <a href={`#/org/${u.unit_id}`}>{unitName(u.unit_id)}</a> },
    { head: t('users.jobTitle'), cell: (u) => u.title ?? '' },
    {
      head: t('users.roles'),
      cell: (u) =>
        u.roles.map((r) => (
          <span key={`${r.role}@${r.unit_id}`} class="badge role">
            {metaName(meta, 'roles', r.role)} <span class="code">@{unitCode(r.unit_id)}</span>
          </span>
        )),
    },
    { head: t('users.active'), cell: (u) => (u.active ? t('common.yes') : t('users.inactive')) },
    {
      head: t('users.lastLogin'),
      cell: (u) => (u.last_login_at ? formatDateTime(u.last_login_at) : <span class="muted">{t('users.never')}</span>),
    },
  ];
  if (admin)
    columns.push({
      head: t('users.actions'),
      cell: (u) => (
        <>
          <button
            type="button"
            class="btn btn-small"
            aria-label={`${t('common.edit')}: ${u.username}`}
            onClick={() => {
              setNotice(null);
              setEditing(u);
            }}
          >
            {t('common.edit')}
          </button>{' '}
          <button
            type="button"
            class="btn btn-small"
            aria-label={`${t('users.unlock')}: ${u.username}`}
            onClick={() => {
              setNotice(null);
              void unlock.run(async () => {
                await api.unlockUser(u.id);
                setNotice(t('users.unlocked', { username: u.username }));
              });
            }}
          >
            {t('users.unlock')}
          </button>
        </>
      ),
    });

  return (
    <ListPage
      title={t('users.title')}
      actions={
        <>
          {list.items ? <span class="muted">{t('users.count', { n: list.items.length })}</span> : null}
          {admin ? (
            <button
              type="button"
              class="btn btn-primary push-right"
              onClick={() => {
                setNotice(null);
                setEditing('new');
              }}
            >
              {t('users.create')}
            </button>
          ) : null}
        </>
      }
      top={
        <>
          {notice ? <Notice>{notice}</Notice> : null}
          {editing ? (
            <UserForm
              key={editing === 'new' ? 'new' : editing.id}
              initial={editing === 'new' ? null : editing}
              units={units}
              defaultUnit={unitFilter ?? me.unit_id}
              onCancel={() => setEditing(null)}
              onSaved={(created) => {
                setEditing(null);
                setNotice(created ? t('users.created') : t('common.saved'));
                list.reload();
              }}
            />
          ) : null}
        </>
      }
      filters={
        <>
          <ChoiceFilter
            id="users-unit"
            label={t('users.filterUnit')}
            value={unitFilter === null ? '' : String(unitFilter)}
            onChange={(v) => setUnitFilter(v ? Number(v) : null)}
          >
            {unitOptions(ordered)}
          </ChoiceFilter>
          <div class="field">
            <label for="users-q">{t('users.filterText')}</label>
            <input
              id="users-q"
              type="search"
              placeholder={t('users.filterTextPlaceholder')}
              value={text}
              onInput={(e) => setText(e.currentTarget.value)}
            />
          </div>
        </>
      }
      list={{ ...list, error: list.error ?? unlock.error }}
      empty={t('users.empty')}
      rowProps={(u) => ({ class: u.active ? '' : 'inactive' })}
      columns={columns}
    />
  );
}

function sameRoles(a: RoleGrant[], b: RoleGrant[]): boolean {
  const key = (r: RoleGrant) => `${r.role}@${r.unit_id}`;
  const sa = a.map(key).sort();
  const sb = b.map(key).sort();
  return sa.length === sb.length && sa.every((k, i) => k === sb[i]);
}

function UserForm({
  initial,
  units,
  defaultUnit,
  onCancel,
  onSaved,
}: {
  initial: User | null;
  units: Unit[];
  defaultUnit: number;
  onCancel: () => void;
  onSaved: (created: boolean) => void;
}) {
  const { meta } = useApp();
  const [username, setUsername] = useState(initial?.username ?? '');
  const [fullName, setFullName] = useState(initial?.full_name ?? '');
  const [unitId, setUnitId] = useState<number>(initial?.unit_id ?? defaultUnit);
  const [title, setTitle] = useState(initial?.title ?? '');
  const [active, setActive] = useState(initial?.active ?? true);
  const [roles, setRoles] = useState<RoleGrant[]>(initial?.roles.map((r) => ({ ...r })) ?? []);
  const [password, setPassword] = useState('');
  const [mustChange, setMustChange] = useState(true);
  const save = useAction();
  const { error } = save;
  const ordered = useMemo(() => flatten(buildTree(units)), [units]);
  const roleIds = metaIds(meta, 'roles', ROLES);

  const unitSelect = (a: Record<string, unknown>, value: number, onChange: (v: number) => void) => (
    <select {...a} value={String(value)} onChange={(e) => onChange(Number(e.currentTarget.value))}>
      {ordered.every((n) => n.unit.id !== value) ? <option value={String(value)}>{t('org.unknownUnit', { id: value })}</option> : null}
      {unitOptions(ordered)}
    </select>
  );

  const submit = (e: Event) => {
    e.preventDefault();
    void save.run(async () => {
      if (!initial) {
        await api.createUser({
          username: username.trim(),
          full_name: fullName,
          unit_id: unitId,
          title: title || undefined,
          password,
          roles,
          must_change_password: mustChange,
        });
        onSaved(true);
      } else {
        const patch: Parameters<typeof api.updateUser>[1] = {};
        if (fullName !== initial.full_name) patch.full_name = fullName;
        if (unitId !== initial.unit_id) patch.unit_id = unitId;
        if (title !== (initial.title ?? '')) patch.title = title;
        if (active !== initial.active) patch.active = active;
        if (!sameRoles(roles, initial.roles)) patch.roles = roles;
        if (password) patch.password = password;
        if (Object.keys(patch).length) await api.updateUser(initial.id, patch);
        onSaved(false);
      }
    });
  };

  const fe = (f: string) => fieldError(error, f);
  const claimed = ['username', 'full_name', 'unit_id', 'title', 'active', 'password', 'roles', 'must_change_password'];
  const roleError = (i: number) => fe(`roles[${i}]`) ?? fe(`roles.${i}`) ?? fe(`roles[${i}].role`) ?? fe(`roles[${i}].unit_id`);
  roles.forEach((_, i) => claimed.push(`roles[${i}]`, `roles.${i}`, `roles[${i}].role`, `roles[${i}].unit_id`));

  return (
    <form class="form panel" onSubmit={submit} aria-labelledby="user-form-title" noValidate>
      <h2 id="user-form-title">{initial ? t('users.edit', { username: initial.username }) : t('users.new')}</h2>
      <ProblemBox error={error} extra={unclaimedFieldErrors(error, claimed)} />
      <div class="grid2">
        {!initial ? (
          <Field id="uf-username" label={t('users.username')} error={fe('username')}>
            {(a) => <input {...a} required autocomplete="off" value={username} onInput={(e) => setUsername(e.currentTarget.value)} />}
          </Field>
        ) : null}
        <Field id="uf-fullname" label={t('users.fullName')} error={fe('full_name')}>
          {(a) => <input {...a} required value={fullName} onInput={(e) => setFullName(e.currentTarget.value)} />}
        </Field>
        <Field id="uf-unit" label={t('users.unit')} error={fe('unit_id')}>
          {(a) => unitSelect(a, unitId, setUnitId)}
        </Field>
        <Field id="uf-title" label={t('users.jobTitle')} error={fe('title')}>
          {(a) => <input {...a} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />}
        </Field>
        <Field
          id="uf-password"
          label={initial ? t('users.resetPassword') : t('users.password')}
          hint={initial ? t('users.resetHint') : t('pw.policy')}
          error={fe('password')}
        >
          {(a) => (
            <input
              {...a}
              type="password"
              autocomplete="new-password"
              required={!initial}
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
          )}
        </Field>
      </div>
      {initial ? (
        <div class={`check${fe('active') ? ' has-error' : ''}`}>
          <input id="uf-active" type="checkbox" checked={active} onChange={(e) => setActive(e.currentTarget.checked)} />
          <label for="uf-active">{t('users.active')}</label>
          {fe('active') ? <div class="field-error">{fe('active')}</div> : null}
        </div>
      ) : (
        <div class="check">
          <input id="uf-mustchange" type="checkbox" checked={mustChange} onChange={(e) => setMustChange(e.currentTarget.checked)} />
          <label for="uf-mustchange">{t('users.mustChange')}</label>
        </div>
      )}
      <fieldset class={fe('roles') ? 'has-error' : ''}>
        <legend>{t('users.roles')}</legend>
        {fe('roles') ? <div class="field-error">{fe('roles')}</div> : null}
        {roles.length === 0 ? <p class="muted">{t('users.noRoles')}</p> : null}
        {roles.map((r, i) => (
          <div class="role-row" key={i}>
            <label for={`uf-role-${i}`} class="sr-only">
              {t('users.role')}
            </label>
            <select
              id={`uf-role-${i}`}
              value={r.role}
              onChange={(e) => {
                const v = e.currentTarget.value;
                setRoles((rs) => rs.map((x, j) => (j === i ? { ...x, role: v } : x)));
              }}
            >
              {roleIds.map((id) => (
                <option key={id} value={id}>
                  {metaName(meta, 'roles', id)}
                </option>
              ))}
            </select>
            <label for={`uf-role-unit-${i}`}>{t('users.roleUnit')}</label>
            {unitSelect({ id: `uf-role-unit-${i}` }, r.unit_id, (v) =>
              setRoles((rs) => rs.map((x, j) => (j === i ? { ...x, unit_id: v } : x))),
            )}
            <button type="button" class="btn btn-small" onClick={() => setRoles((rs) => rs.filter((_, j) => j !== i))}>
              {t('users.removeRole')}
            </button>
            {roleError(i) ? <div class="field-error">{roleError(i)}</div> : null}
          </div>
        ))}
        <button
          type="button"
          class="btn btn-small"
          onClick={() => setRoles((rs) => [...rs, { role: roleIds.includes('duty_officer') ? 'duty_officer' : roleIds[0], unit_id: unitId }])}
        >
          {t('users.addRole')}
        </button>
      </fieldset>
      <FormButtons busy={!!save.busy} onCancel={onCancel} />
    </form>
  );
}
