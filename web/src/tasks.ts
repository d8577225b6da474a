// Pure helpers of the supervision task form (nhiệm vụ giám sát): the rows as typed, the body sent to
// the server, and the checks the console makes before sending (the server checks again).
import type { Task, TaskInput, TaskTarget } from './api';
import { zonedLocalToUtcIso, utcIsoToZonedLocal } from './cases';
import { DISPLAY_TIME_ZONE, parseViDate } from './format';
import { t } from './i18n';

export interface OfficerRow {
  user: string; // user id, "" while not chosen
  field: string;
  area: string;
  customs_type: string;
  route: string;
}

export interface TargetRow {
  type: string;
  ref: string;
  label: string;
}

export interface TaskForm {
  unit: string;
  method: string;
  title: string;
  description: string;
  period_from: string; // datetime-local, in the unit's zone
  period_to: string;
  directive_number: string;
  directive_date: string; // dd/MM/yyyy
  directive_issuer: string;
  officers: OfficerRow[];
  targets: TargetRow[];
}

export const emptyOfficer = (): OfficerRow => ({ user: '', field: '', area: '', customs_type: '', route: '' });
export const emptyTarget = (): TargetRow => ({ type: 'site', ref: '', label: '' });

/** The method that needs the headquarters leadership's directive written down (Art. 16.4.c). */
export const needsDirective = (method: string) => method === 'keypoint_directive';

function ymdToVi(date: string | null | undefined): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date ?? '');
  return m ? `${m[3]}/${m[2]}/${m[1]}` : '';
}

/** The form filled from a task (or empty, for the unit, when there is none). */
export function taskForm(task: Task | null, unitId: number, timeZone = DISPLAY_TIME_ZONE): TaskForm {
  return {
    unit: String(task?.unit_id ?? unitId),
    method: task?.method ?? 'keypoint_plan',
    title: task?.title ?? '',
    description: task?.description ?? '',
    period_from: task ? utcIsoToZonedLocal(task.period_from, timeZone) : '',
    period_to: task?.period_to ? utcIsoToZonedLocal(task.period_to, timeZone) : '',
    directive_number: task?.directive?.number ?? '',
    directive_date: ymdToVi(task?.directive?.date),
    directive_issuer: task?.directive?.issuer ?? '',
    officers: (task?.officers ?? []).map((o) => ({
      user: String(o.user_id),
      field: o.scope?.field ?? '',
      area: o.scope?.area ?? '',
      customs_type: o.scope?.customs_type ?? '',
      route: o.scope?.route ?? '',
    })),
    targets: (task?.targets ?? []).map((x) => ({ type: x.type, ref: x.ref, label: x.label ?? '' })),
  };
}

/**
 * The body of POST /tasks from the form, and the errors found before sending, keyed by the field
 * names the server uses ("directive.number", "period_from", …). Rows left empty are dropped; a
 * scope sends only what was filled in.
 */
export function taskPayload(f: TaskForm, timeZone = DISPLAY_TIME_ZONE): { body: TaskInput; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  if (!f.title.trim()) errors.title = t('common.required');
  const from = zonedLocalToUtcIso(f.period_from, timeZone);
  if (!from) errors.period_from = t('cases.badDateTime');
  const to = f.period_to.trim() ? zonedLocalToUtcIso(f.period_to, timeZone) : null;
  if (f.period_to.trim() && !to) errors.period_to = t('cases.badDateTime');
  if (from && to && Date.parse(to) < Date.parse(from)) errors.period_to = t('tasks.periodOrder');

  let directive: TaskInput['directive'] = null;
  if (needsDirective(f.method)) {
    const date = parseViDate(f.directive_date);
    if (!f.directive_number.trim()) errors['directive.number'] = t('tasks.directiveRequired');
    if (!date) errors['directive.date'] = f.directive_date.trim() ? t('rosters.dateFormat') : t('tasks.directiveRequired');
    if (!f.directive_issuer.trim()) errors['directive.issuer'] = t('tasks.directiveRequired');
    directive = { number: f.directive_number.trim(), date: date ?? '', issuer: f.directive_issuer.trim() };
  }

  const officers = f.officers
    .filter((o) => o.user)
    .map((o) => {
      const scope: Record<string, string> = {};
      for (const k of ['field', 'area', 'customs_type', 'route'] as const) if (o[k].trim()) scope[k] = o[k].trim();
      return { user_id: Number(o.user), scope };
    });
  const targets: TaskTarget[] = f.targets
    .filter((x) => x.ref.trim())
    .map((x) => (x.label.trim() ? { type: x.type, ref: x.ref.trim(), label: x.label.trim() } : { type: x.type, ref: x.ref.trim() }));

  const body: TaskInput = {
    unit_id: Number(f.unit),
    method: f.method,
    title: f.title.trim(),
    description: f.description.trim(),
    period_from: from ?? '',
    ...(to ? { period_to: to } : {}),
    ...(directive ? { directive } : {}),
    officers,
    targets,
  };
  return { body, errors };
}

/** What PATCH /tasks/{id} may change: title, description, end of period, officers, targets. */
export function taskPatch(body: TaskInput, before: Task): TaskInput {
  const patch: TaskInput = {};
  if (body.title !== before.title) patch.title = body.title;
  if ((body.description ?? '') !== (before.description ?? '')) patch.description = body.description;
  const to = body.period_to ?? null;
  if ((to === null ? null : Date.parse(to)) !== (before.period_to === null ? null : Date.parse(before.period_to))) patch.period_to = to;
  const officers = (before.officers ?? []).map((o) => ({ user_id: o.user_id, scope: o.scope ?? {} }));
  if (JSON.stringify(body.officers) !== JSON.stringify(officers)) patch.officers = body.officers;
  if (JSON.stringify(body.targets) !== JSON.stringify(before.targets ?? [])) patch.targets = body.targets;
  return patch;
}
