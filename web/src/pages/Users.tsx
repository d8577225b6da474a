import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, ApiError, ROLES, type RoleGrant, type Unit, type User } from '../api';
import { formatDateTime } from '../format';
import { pick, t } from '../i18n';
import { isAdmin, metaIds, metaName, useApp } from '../session';
import { buildTree, flatten } from '../tree';
import { ChoiceFilter, Field, fieldError, FormButtons, Loading, Notice, ProblemBox, unclaimedFieldErrors, unitOptions } from '../ui';

export function UsersPage() {
  const { user: me, meta } = useApp();
  const [units, setUnits] = useState<Unit[]>([]);
  const [users, setUsers] = useState<User[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [unitFilter, setUnitFilter] = useState<number | null>(null);
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [reloadTick, setReloadTick] = useState(0);

  useEffect(() => {
    api.units().then(setUnits, () => setUnits([]));
  }, []);

  // Typing settles for a moment before the list is asked again.
  useEffect(() => {
    const h = setTimeout(() => setQ(text.trim()), 250);
    return () => clearTimeout(h);
  }, [text]);

  useEffect(() => {
    let live = true;
    api.users({ unit: unitFilter, q }).then(
      (items) => {
        if (!live) return;
        setUsers(items);
        setError(null);
      },
      (e) => {
        if (!live) return;
        setError(e);
        setUsers(null);
      },
    );
    return () => {
      live = false;
    };
  }, [unitFilter, q, reloadTick]);

  const byId = useMemo(() => new Map(units.map((u) => [u.id, u])), [units]);
  const ordered = useMemo(() => flatten(buildTree(units)), [units]);
  const unitName = (id: number) => {
    const u = byId.get(id);
    return u ? pick(u.name_vi, u.name_en) : t('org.unknownUnit', { id });
  };
  const unitCode = (id: number) => byId.get(id)?.code ?? `#${id}`;
  const admin = isAdmin(me);
  const forbidden = error instanceof ApiError && error.status === 403;

  return (
    <section>
      <div class="page-head">
        <h1>{t('users.title')}</h1>
        {users ? <span class="muted">{t('users.count', { n: users.length })}</span> : null}
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
      </div>
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
            setReloadTick((n) => n + 1);
          }}
        />
      ) : null}
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
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
      </form>
      <ProblemBox error={error} extra={forbidden ? [t('error.forbiddenPage')] : undefined} />
      {!users && !error ? <Loading /> : null}
      {users && users.length === 0 ? <p class="muted">{t('users.empty')}</p> : null}
      {users && users.length > 0 ? (
        <div class="table-wrap">
          <table class="grid">
            <thead>
              <tr>
                <th scope="col">{t('users.username')}</th>
                <th scope="col">{t('users.fullName')}</th>
                <th scope="col">{t('users.unit')}</th>
                <th scope="col">{t('users.jobTitle')}</th>
                <th scope="col">{t('users.roles')}</th>
                <th scope="col">{t('users.active')}</th>
                <th scope="col">{t('users.lastLogin')}</th>
                {admin ? <th scope="col">{t('users.actions')}</th> : null}
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id} class={u.active ? '' : 'inactive'}>
                  <td class="code">{u.username}</td>
                  <td>{u.full_name}</td>
                  <td>
                    <a href={`#/org/${u.unit_id}`}>{unitName(u.unit_id)}</a>
                  </td>
                  <td>{u.title ?? ''}</td>
                  <td>
                    {u.roles.map((r) => (
                      <span key={`${r.role}@${r.unit_id}`} class="badge role">
                        {metaName(meta, 'roles', r.role)} <span class="code">@{unitCode(r.unit_id)}</span>
                      </span>
                    ))}
                  </td>
                  <td>{u.active ? t('common.yes') : t('users.inactive')}</td>
                  <td>{u.last_login_at ? formatDateTime(u.last_login_at) : <span class="muted">{t('users.never')}</span>}</td>
                  {admin ? (
                    <td>
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
                          setError(null);
                          api.unlockUser(u.id).then(
                            () => setNotice(t('users.unlocked', { username: u.username })),
                            (e) => setError(e),
                          );
                        }}
                      >
                        {t('users.unlock')}
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
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
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const ordered = useMemo(() => flatten(buildTree(units)), [units]);
  const roleIds = metaIds(meta, 'roles', ROLES);

  const unitSelect = (a: Record<string, unknown>, value: number, onChange: (v: number) => void) => (
    <select {...a} value={String(value)} onChange={(e) => onChange(Number(e.currentTarget.value))}>
      {ordered.every((n) => n.unit.id !== value) ? <option value={String(value)}>{t('org.unknownUnit', { id: value })}</option> : null}
      {unitOptions(ordered)}
    </select>
  );

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
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
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
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
      <FormButtons busy={busy} onCancel={onCancel} />
    </form>
  );
}
