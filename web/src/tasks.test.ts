import { describe, expect, it } from 'vitest';
import type { Task } from './api';
import { emptyOfficer, emptyTarget, taskForm, taskPatch, taskPayload, type TaskForm } from './tasks';

const base = (over: Partial<TaskForm> = {}): TaskForm => ({
  ...taskForm(null, 20),
  title: 'Giám sát container quá cảnh cảng Tân Vũ',
  period_from: '2026-12-01T08:00',
  ...over,
});

const task: Task = {
  id: 4,
  unit_id: 20,
  unit_name: 'Cục Hải quan TP. Hải Phòng',
  method: 'keypoint_directive',
  title: 'Theo dõi lô hàng điện tử',
  description: '',
  period_from: '2026-12-01T01:00:00.000Z',
  period_to: null,
  status: 'active',
  directive: { number: '123/TCHQ-VP', date: '2026-11-30', issuer: 'Phó Tổng cục trưởng Trần Quốc Hưng' },
  officers: [{ user_id: 12, full_name: 'Trịnh Hoàng Nam', scope: { area: 'Cảng Tân Vũ' } }],
  targets: [{ type: 'enterprise', ref: '0200123456', label: 'Công ty TNHH ABC' }],
  created_by: 10,
  created_by_name: 'Ngô Văn Khánh',
  created_at: '2026-11-30T02:00:00.000Z',
  approved_by: null,
  approved_at: null,
  updated_at: '2026-11-30T02:00:00.000Z',
};

describe('taskPayload', () => {
  it('sends the period in UTC from the unit’s time and no directive for a plan', () => {
    const { body, errors } = taskPayload(base({ method: 'keypoint_plan', period_to: '2026-12-31T17:00' }));
    expect(errors).toEqual({});
    expect(body).toMatchObject({ unit_id: 20, method: 'keypoint_plan', period_from: '2026-12-01T01:00:00.000Z', period_to: '2026-12-31T10:00:00.000Z' });
    expect(body.directive).toBeUndefined();
  });

  it('requires the directive, field by field, for supervision directed by headquarters leadership', () => {
    const { errors } = taskPayload(base({ method: 'keypoint_directive', directive_date: '31/02/2026' }));
    expect(Object.keys(errors).sort()).toEqual(['directive.date', 'directive.issuer', 'directive.number']);
    const ok = taskPayload(
      base({ method: 'keypoint_directive', directive_number: ' 123/TCHQ-VP ', directive_date: '30/11/2026', directive_issuer: 'Phó Tổng cục trưởng' }),
    );
    expect(ok.errors).toEqual({});
    expect(ok.body.directive).toEqual({ number: '123/TCHQ-VP', date: '2026-11-30', issuer: 'Phó Tổng cục trưởng' });
  });

  it('drops empty rows and sends only the scope that was filled in', () => {
    const { body } = taskPayload(
      base({
        officers: [emptyOfficer(), { ...emptyOfficer(), user: '12', area: ' Cảng Tân Vũ ', route: '' }],
        targets: [emptyTarget(), { type: 'camera', ref: 'CAM-TV-03', label: '' }, { type: 'site', ref: 'Cổng B', label: 'Cổng B cảng Tân Vũ' }],
      }),
    );
    expect(body.officers).toEqual([{ user_id: 12, scope: { area: 'Cảng Tân Vũ' } }]);
    expect(body.targets).toEqual([
      { type: 'camera', ref: 'CAM-TV-03' },
      { type: 'site', ref: 'Cổng B', label: 'Cổng B cảng Tân Vũ' },
    ]);
  });

  it('refuses a missing title, a missing start and an end before the start', () => {
    expect(Object.keys(taskPayload(base({ title: ' ', period_from: '' })).errors).sort()).toEqual(['period_from', 'title']);
    expect(Object.keys(taskPayload(base({ period_to: '2026-11-30T08:00' })).errors)).toEqual(['period_to']);
  });
});

describe('editing a task', () => {
  it('fills the form from the task in the unit’s time', () => {
    const f = taskForm(task, 1);
    expect(f).toMatchObject({ unit: '20', period_from: '2026-12-01T08:00', directive_date: '30/11/2026', directive_number: '123/TCHQ-VP' });
    expect(f.officers[0]).toEqual({ user: '12', field: '', area: 'Cảng Tân Vũ', customs_type: '', route: '' });
  });

  it('sends nothing that did not change, and only what changed', () => {
    const f = taskForm(task, 1);
    expect(taskPatch(taskPayload(f).body, task)).toEqual({});
    const changed = taskPayload({ ...f, title: 'Theo dõi lô hàng linh kiện', period_to: '2026-12-15T17:00' }).body;
    expect(taskPatch(changed, task)).toEqual({ title: 'Theo dõi lô hàng linh kiện', period_to: '2026-12-15T10:00:00.000Z' });
    const more = taskPayload({ ...f, officers: [...f.officers, { ...emptyOfficer(), user: '13' }] }).body;
    expect(taskPatch(more, task).officers).toEqual([
      { user_id: 12, scope: { area: 'Cảng Tân Vũ' } },
      { user_id: 13, scope: {} },
    ]);
  });
});
