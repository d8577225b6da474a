// Supervision tasks (nhiệm vụ giám sát): what a unit watches, how (the method of Art. 13), for how
// long, on whose direction (a headquarters leadership directive for Art. 16.4.c), by whom and in
// which scope (Art. 15), and on which targets.
import { useMemo, useState } from 'preact/hooks';
import { api, ApiError, casesApi, SUPERVISION_METHODS, TASK_STATUSES, SUPERVISION_TARGET_TYPES, type Task, type Unit, type User } from '../api';
import { methodName, taskStatusName, taskTargetTypeName, unitNameIn, unitTimeZone } from '../cases';
import { formatDateTime } from '../format';
import { useAction, useCustomsUnits, useLoad, usePagedList } from '../hooks';
import { t, type Key } from '../i18n';
import { ListPage } from '../listpage';
import { navigate } from '../router';
import { canSeeUsers, roleUnit, useApp } from '../session';
import { emptyOfficer, emptyTarget, needsDirective, taskForm, taskPatch, taskPayload, type TaskForm } from '../tasks';
import { buildTree, flatten } from '../tree';
import { ChoiceFilter, Field, fieldError, Loading, Notice, ProblemBox, unclaimedFieldErrors, unitOptions } from '../ui';

export function TasksPage({ taskId }: { taskId: number | 'new' | null }) {
  const { user } = useApp();
  const units = useCustomsUnits();
  const [filter, setFilter] = useState({ unit: String(roleUnit(user)), method: '', status: 'active' });
  const ordered = useMemo(() => flatten(buildTree(units)), [units]);
  const list = usePagedList(
    (cursor, signal) =>
      casesApi.tasks(
        { unit: filter.unit ? Number(filter.unit) : null, method: filter.method || undefined, status: filter.status || undefined },
        cursor,
        signal,
      ),
    [filter],
  );
  const setF = (k: keyof typeof filter, v: string) => setFilter((f) => ({ ...f, [k]: v }));

  return (
    <ListPage
      class="tasks"
      title={t('tasks.title')}
      actions={
        <a class="btn btn-primary push-right" href="#/tasks/new">
          {t('tasks.new')}
        </a>
      }
      filters={
        <>
          <ChoiceFilter id="tf-unit" label={t('duty.unit')} value={filter.unit} onChange={(v) => setF('unit', v)}>
            {unitOptions(ordered)}
          </ChoiceFilter>
          <ChoiceFilter
            id="tf-method"
            label={t('cases.method')}
            value={filter.method}
            values={SUPERVISION_METHODS}
            name={methodName}
            onChange={(v) => setF('method', v)}
          />
          <ChoiceFilter
            id="tf-status"
            label={t('cases.status')}
            value={filter.status}
            values={TASK_STATUSES}
            name={taskStatusName}
            onChange={(v) => setF('status', v)}
          />
        </>
      }
      list={list}
      empty={t('tasks.empty')}
      testId="task-list"
      rowProps={(x) => ({ class: x.id === taskId ? 'selected' : '' })}
      columns={[
        { head: t('tasks.taskTitle'), cell: (x) => <a href={`#/tasks/${x.id}`}>{x.title}</a> },
        { head: t('duty.unit'), cell: (x) => unitNameIn(x) },
        { head: t('cases.method'), cell: (x) => methodName(x.method) },
        {
          head: t('tasks.period'),
          cell: (x) => {
            const tz = unitTimeZone(units, x.unit_id);
            return (
              <>
                {formatDateTime(x.period_from, { timeZone: tz })} –{' '}
                {x.period_to ? formatDateTime(x.period_to, { timeZone: tz }) : t('tasks.openEnded')}
              </>
            );
          },
        },
        { head: t('tasks.officers'), cell: (x) => x.officers.length },
        { head: t('cases.status'), cell: (x) => <span class={`badge task-status ts-${x.status}`}>{taskStatusName(x.status)}</span> },
      ]}
    >
      {taskId !== null ? (
        <TaskEditor
          key={String(taskId)}
          taskId={taskId}
          units={units}
          onSaved={(task) => {
            list.reload();
            navigate({ page: 'tasks', taskId: task.id });
          }}
        />
      ) : null}
    </ListPage>
  );
}

function TaskEditor({ taskId, units, onSaved }: { taskId: number | 'new'; units: Unit[]; onSaved: (t: Task) => void }) {
  const load = useLoad((signal) => (taskId === 'new' ? Promise.resolve(null) : casesApi.task(taskId, signal)), [taskId]);
  if (taskId !== 'new' && !load.data) return load.error ? <ProblemBox error={load.error} /> : <Loading />;
  return <TaskFormView task={load.data} units={units} onSaved={onSaved} onChanged={(x) => load.setData(() => x)} />;
}

const NO_PEOPLE: User[] = [];

const CLAIMED = [
  'unit_id',
  'method',
  'title',
  'description',
  'period_from',
  'period_to',
  'directive',
  'directive.number',
  'directive.date',
  'directive.issuer',
  'status',
];

function TaskFormView({
  task,
  units,
  onSaved,
  onChanged,
}: {
  task: Task | null;
  units: Unit[];
  onSaved: (t: Task) => void;
  onChanged: (t: Task) => void;
}) {
  const { user } = useApp();
  const tzOf = (id: number) => unitTimeZone(units, id);
  const [form, setForm] = useState<TaskForm>(() => taskForm(task, roleUnit(user), tzOf(task?.unit_id ?? roleUnit(user))));
  const [local, setLocal] = useState<Record<string, string>>({});
  const save = useAction();
  const { busy, error } = save;
  const [notice, setNotice] = useState<string | null>(null);
  const ordered = useMemo(() => flatten(buildTree(units)), [units]);
  const editing = !!task;
  const closed = task?.status === 'closed';
  const tz = tzOf(Number(form.unit));

  const people = useLoad((signal) => (canSeeUsers(user) ? api.users({ unit: Number(form.unit) }, signal).catch(() => []) : Promise.resolve([])), [
    user,
    form.unit,
  ]).data ?? NO_PEOPLE;

  const personOptions = useMemo(() => {
    const m = new Map<number, string>();
    for (const o of task?.officers ?? []) m.set(o.user_id, o.full_name ?? t('duty.unknownUser', { id: o.user_id }));
    for (const p of people) if (p.active) m.set(p.id, `${p.full_name} (${p.username})`);
    return [...m.entries()].sort((a, b) => a[1].localeCompare(b[1], 'vi'));
  }, [people, task]);

  const set = <K extends keyof TaskForm>(k: K, v: TaskForm[K]) => setForm((f) => ({ ...f, [k]: v }));
  const setRow = <L extends 'officers' | 'targets'>(list: L, i: number, patch: Partial<TaskForm[L][number]>) =>
    setForm((f) => ({ ...f, [list]: (f[list] as TaskForm[L][number][]).map((r, j) => (j === i ? { ...r, ...patch } : r)) }));

  const submit = async (e: Event) => {
    e.preventDefault();
    const { body, errors } = taskPayload(form, tz);
    setLocal(errors);
    setNotice(null);
    if (Object.keys(errors).length) return;
    await save.run(async () => {
      if (task) {
        const after = await casesApi.updateTask(task.id, taskPatch(body, task));
        onChanged(after);
        setNotice(t('common.saved'));
        onSaved(after);
      } else {
        onSaved(await casesApi.createTask(body));
      }
    });
  };

  const closeTask = () =>
    task &&
    save.run(async () => {
      const after = await casesApi.updateTask(task.id, { status: 'closed' });
      onChanged(after);
      setForm(taskForm(after, roleUnit(user), tz));
      setNotice(t('tasks.closedDone'));
      onSaved(after);
    });

  const fe = (f: string) => local[f] ?? fieldError(error, f);
  const claimed = [...CLAIMED];
  form.officers.forEach((_, i) => claimed.push(`officers[${i}].user_id`));
  form.targets.forEach((_, i) => claimed.push(`targets[${i}].type`, `targets[${i}].ref`));
  const rowError = (list: string, i: number) => {
    if (!(error instanceof ApiError)) return undefined;
    const msgs = Object.entries(error.fieldErrors())
      .filter(([f]) => f.startsWith(`${list}[${i}]`))
      .map(([, m]) => m);
    return msgs.length ? msgs.join('\n') : undefined;
  };
  /** The end of an officer's or a target's row: its remove button, then the server's word on the row. */
  const rowEnd = (list: 'officers' | 'targets', i: number) => (
    <>
      <button type="button" class="btn btn-small" onClick={() => setForm((f) => ({ ...f, [list]: f[list].filter((_, j) => j !== i) }))}>
        {t('cases.removeRow')}
      </button>
      {rowError(list, i) ? <div class="field-error">{rowError(list, i)}</div> : null}
    </>
  );

  return (
    <form class="form panel" noValidate onSubmit={submit} aria-labelledby="task-form-h" data-testid="task-form">
      <h2 id="task-form-h">
        {task ? task.title : t('tasks.new')}{' '}
        {task ? <span class={`badge task-status ts-${task.status}`}>{taskStatusName(task.status)}</span> : null}
      </h2>
      {notice ? <Notice>{notice}</Notice> : null}
      {task ? (
        <p class="muted small">{t('cases.byAt', { name: task.created_by_name, time: formatDateTime(task.created_at, { timeZone: tz }) })}</p>
      ) : null}
      {task ? (
        <PlanApproval
          task={task}
          tz={tz}
          onApproved={(after) => {
            onChanged(after);
            setNotice(t('tasks.approvedDone'));
            onSaved(after);
          }}
        />
      ) : null}
      <ProblemBox error={error} extra={unclaimedFieldErrors(error, claimed).filter((m) => !/^(officers|targets)\[/.test(m))} />
      <div class="grid2">
        <Field id="tk-unit" label={t('duty.unit')} error={fe('unit_id')}>
          {(a) => (
            <select {...a} value={form.unit} disabled={editing} onChange={(e) => set('unit', e.currentTarget.value)}>
              {ordered.every((n) => String(n.unit.id) !== form.unit) ? (
                <option value={form.unit}>{task ? unitNameIn(task) : t('org.unknownUnit', { id: form.unit })}</option>
              ) : null}
              {unitOptions(ordered)}
            </select>
          )}
        </Field>
        <Field id="tk-method" label={t('cases.method')} error={fe('method')}>
          {(a) => (
            <select {...a} value={form.method} disabled={editing} onChange={(e) => set('method', e.currentTarget.value)}>
              {SUPERVISION_METHODS.map((m) => (
                <option key={m} value={m}>
                  {methodName(m)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="tk-from" label={t('tasks.periodFrom')} error={fe('period_from')} hint={t('cases.tzHint', { tz })}>
          {(a) => (
            <input {...a} type="datetime-local" disabled={editing} value={form.period_from} onInput={(e) => set('period_from', e.currentTarget.value)} />
          )}
        </Field>
        <Field id="tk-to" label={t('tasks.periodTo')} error={fe('period_to')} hint={t('tasks.periodToHint')}>
          {(a) => <input {...a} type="datetime-local" value={form.period_to} onInput={(e) => set('period_to', e.currentTarget.value)} />}
        </Field>
      </div>
      <Field id="tk-title" label={t('tasks.taskTitle')} error={fe('title')}>
        {(a) => <input {...a} value={form.title} onInput={(e) => set('title', e.currentTarget.value)} />}
      </Field>
      <Field id="tk-description" label={t('tasks.description')} error={fe('description')}>
        {(a) => <textarea {...a} rows={3} value={form.description} onInput={(e) => set('description', e.currentTarget.value)} />}
      </Field>

      {needsDirective(form.method) ? (
        <fieldset>
          <legend>{t('tasks.directive')}</legend>
          <p class="hint">{t('tasks.directiveHint')}</p>
          <p class="hint">{t('tasks.directiveWho')}</p>
          {fe('directive') ? <div class="field-error">{fe('directive')}</div> : null}
          <div class="grid2">
            <Field id="tk-dir-number" label={t('tasks.directiveNumber')} error={fe('directive.number')} required>
              {(a) => (
                <input {...a} disabled={editing} value={form.directive_number} onInput={(e) => set('directive_number', e.currentTarget.value)} />
              )}
            </Field>
            <Field id="tk-dir-date" label={t('tasks.directiveDate')} error={fe('directive.date')} required>
              {(a) => (
                <input
                  {...a}
                  class="date"
                  disabled={editing}
                  placeholder={t('audit.datePlaceholder')}
                  value={form.directive_date}
                  onInput={(e) => set('directive_date', e.currentTarget.value)}
                />
              )}
            </Field>
            <Field id="tk-dir-issuer" label={t('tasks.directiveIssuer')} error={fe('directive.issuer')} required>
              {(a) => (
                <input {...a} disabled={editing} value={form.directive_issuer} onInput={(e) => set('directive_issuer', e.currentTarget.value)} />
              )}
            </Field>
          </div>
        </fieldset>
      ) : null}

      <fieldset>
        <legend>{t('tasks.officers')}</legend>
        <p class="hint">{t('tasks.officersHint')}</p>
        {!canSeeUsers(user) ? <p class="hint">{t('tasks.noPeopleList')}</p> : null}
        {fe('officers') ? <div class="field-error">{fe('officers')}</div> : null}
        {form.officers.map((o, i) => (
          <div class="role-row" key={i}>
            <label for={`tk-off-${i}`}>{t('tasks.officer')}</label>
            <select id={`tk-off-${i}`} value={o.user} onChange={(e) => setRow('officers', i, { user: e.currentTarget.value })}>
              <option value="">{t('rosters.pickUser')}</option>
              {personOptions.map(([id, name]) => (
                <option key={id} value={String(id)}>
                  {name}
                </option>
              ))}
            </select>
            {(['field', 'area', 'customs_type', 'route'] as const).map((k) => (
              <span key={k} class="role-row">
                <label for={`tk-off-${i}-${k}`}>{t(`tasks.scope.${k}` as Key)}</label>
                <input id={`tk-off-${i}-${k}`} value={o[k]} onInput={(e) => setRow('officers', i, { [k]: e.currentTarget.value })} />
              </span>
            ))}
            {rowEnd('officers', i)}
          </div>
        ))}
        <button type="button" class="btn btn-small" onClick={() => setForm((f) => ({ ...f, officers: [...f.officers, emptyOfficer()] }))}>
          {t('tasks.addOfficer')}
        </button>
      </fieldset>

      <fieldset>
        <legend>{t('tasks.targets')}</legend>
        {fe('targets') ? <div class="field-error">{fe('targets')}</div> : null}
        {form.targets.map((x, i) => (
          <div class="role-row" key={i}>
            <label for={`tk-tg-${i}-type`}>{t('tasks.targetType')}</label>
            <select id={`tk-tg-${i}-type`} value={x.type} onChange={(e) => setRow('targets', i, { type: e.currentTarget.value })}>
              {SUPERVISION_TARGET_TYPES.map((k) => (
                <option key={k} value={k}>
                  {taskTargetTypeName(k)}
                </option>
              ))}
            </select>
            <label for={`tk-tg-${i}-ref`}>{t('tasks.targetRef')}</label>
            <input id={`tk-tg-${i}-ref`} value={x.ref} onInput={(e) => setRow('targets', i, { ref: e.currentTarget.value })} />
            <label for={`tk-tg-${i}-label`}>{t('tasks.targetLabel')}</label>
            <input id={`tk-tg-${i}-label`} value={x.label} onInput={(e) => setRow('targets', i, { label: e.currentTarget.value })} />
            {rowEnd('targets', i)}
          </div>
        ))}
        <button type="button" class="btn btn-small" onClick={() => setForm((f) => ({ ...f, targets: [...f.targets, emptyTarget()] }))}>
          {t('tasks.addTarget')}
        </button>
      </fieldset>

      <div class="toolbar">
        {!closed ? (
          <button type="submit" class="btn btn-primary" disabled={!!busy}>
            {busy ? t('common.saving') : task ? t('common.save') : t('tasks.create')}
          </button>
        ) : null}
        {task && !closed ? (
          <button type="button" class="btn btn-danger" disabled={!!busy} onClick={closeTask}>
            {t('tasks.close')}
          </button>
        ) : null}
        <a class="btn" href="#/tasks">
          {t('common.close')}
        </a>
      </div>
      {task ? <p class="muted small">{t('tasks.editHint')}</p> : null}
    </form>
  );
}

/**
 * Art. 16.4(b): who put a key-point plan in force and when, or, while it awaits its unit's leadership,
 * the button that approves it (the server refuses anyone else with a 403 that names the rule).
 */
export function PlanApproval({ task, tz, onApproved }: { task: Task; tz: string; onApproved: (t: Task) => void }) {
  const approval = useAction();
  if (task.approved_at && task.status !== 'awaiting_approval') {
    return (
      <p class="small" data-testid="task-approved">
        {t('tasks.approvedBy', { name: task.approved_by_name ?? '', time: formatDateTime(task.approved_at, { timeZone: tz }) })}
      </p>
    );
  }
  if (task.status !== 'awaiting_approval') return null;
  const approve = () => approval.run(async () => onApproved(await casesApi.approveTask(task.id)));
  return (
    <div class="alert alert-warn plan-approval" data-testid="plan-approval">
      <p>{t('tasks.awaitingHint')}</p>
      <ProblemBox error={approval.error} />
      <button type="button" class="btn btn-primary" disabled={!!approval.busy} onClick={approve}>
        {t('tasks.approve')}
      </button>
    </div>
  );
}
