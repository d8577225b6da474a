import { afterEach, describe, expect, it } from 'vitest';
import {
  CASE_STATUSES,
  CASE_SUBJECTS,
  COORDINATION_STATUSES,
  IDENTIFIER_KINDS,
  SUPERVISION_METHODS,
  NOTIFICATION_KINDS,
  CASE_OUTCOMES,
  PROPOSAL_STATUSES,
  RECIPIENT_ROLES,
  TASK_STATUSES,
  SUPERVISION_TARGET_TYPES,
  type Case,
  type Routing,
} from './api';
import {
  applyCaseEvent,
  caseActions,
  caseForm,
  caseMatches,
  casePayload,
  caseQuery,
  caseStatusName,
  clauseName,
  clauseText,
  identifierLines,
  identifiersText,
  isOverdue,
  methodName,
  NO_CASE_FILTERS,
  parseIdentifiers,
  proposalActions,
  recipientRows,
  timelineLines,
  unitNameIn,
  utcIsoToZonedLocal,
  warningTexts,
  zonedLocalToUtcIso,
  type CaseFilters,
} from './cases';
import { dictionaries, setLang, type Key } from './i18n';

afterEach(() => setLang('vi'));

const routing: Routing = {
  clause: '16.4.b',
  clause_vi: 'Điều 16 khoản 4 điểm b',
  clause_en: 'Article 16(4)(b)',
  explanation_vi: 'Giám sát trọng điểm theo kế hoạch: báo cáo lãnh đạo đơn vị.',
  explanation_en: 'Key-point supervision by plan: reported to the unit leadership.',
  handling_unit_id: 20,
  handling_unit_name: 'Cục Hải quan TP. Hải Phòng',
  recipients: [
    {
      user_id: 11,
      full_name: 'Phan Thị Lan Anh',
      unit_id: 22,
      unit_name: 'Phòng Giám sát quản lý về hải quan',
      role: 'duty_watch',
      approver: false,
      reason_vi: 'Đang trực ca',
      reason_en: 'On duty',
    },
    {
      user_id: 10,
      full_name: 'Ngô Văn Khánh',
      unit_id: 21,
      unit_name: 'Lãnh đạo Cục Hải quan TP. Hải Phòng',
      role: 'leadership',
      approver: true,
      reason_vi: 'Lãnh đạo đơn vị chủ trì xử lý',
      reason_en: 'Unit leadership handles it',
    },
  ],
  warnings: [{ code: 'nobody_on_duty', message_vi: 'Không có ai đang trực.', message_en: 'Nobody is on duty.' }],
};

function kase(id: number, over: Partial<Case> = {}): Case {
  return {
    id,
    number: `HP-2026-${String(id).padStart(4, '0')}`,
    unit_id: 23,
    unit_name: 'Chi cục Hải quan cửa khẩu cảng Hải Phòng khu vực I',
    task_id: null,
    task_title: null,
    method: 'regular',
    status: 'reported',
    severity: 'medium',
    observed_at: `2026-11-2${id % 10}T04:10:00.000Z`,
    site: 'Cổng B cảng Tân Vũ',
    site_unit_id: null,
    site_unit_name: null,
    cameras: [],
    subject: 'goods',
    description: 'Container có dấu hiệu bị cắt niêm phong',
    suspected_violation: '',
    immediate_measure: '',
    identifiers: { declarations: ['105123456789'], containers: ['TCNU1234567'], plates: ['15C-123.45'], seals: [], persons: [], baggage: [] },
    reported_by: 15,
    reported_by_name: 'Lương Văn Sơn',
    reported_at: '2026-11-28T04:12:00.000Z',
    reporter_on_duty: false,
    routing,
    acknowledged_by: null,
    acknowledged_by_name: null,
    acknowledged_at: null,
    outcome: null,
    outcome_note: null,
    concluded_at: null,
    closed_at: null,
    relay: null,
    my_role: null,
    created_by: 15,
    created_at: '2026-11-28T04:11:00.000Z',
    updated_at: '2026-11-28T04:12:00.000Z',
    ...over,
  };
}

describe('names of the supervision codes', () => {
  it('names every code in both languages', () => {
    const keys = [
      ...SUPERVISION_METHODS.map((k) => `method.${k}`),
      ...TASK_STATUSES.map((k) => `taskStatus.${k}`),
      ...SUPERVISION_TARGET_TYPES.map((k) => `taskTarget.${k}`),
      ...CASE_SUBJECTS.map((k) => `subject.${k}`),
      ...CASE_STATUSES.map((k) => `caseStatus.${k}`),
      ...CASE_OUTCOMES.map((k) => `outcome.${k}`),
      ...PROPOSAL_STATUSES.map((k) => `proposalStatus.${k}`),
      ...COORDINATION_STATUSES.map((k) => `coordinationStatus.${k}`),
      ...RECIPIENT_ROLES.map((k) => `recipientRole.${k}`),
      ...NOTIFICATION_KINDS.map((k) => `notificationKind.${k}`),
      ...IDENTIFIER_KINDS.map((k) => `identifier.${k}`),
    ];
    for (const k of keys) {
      expect(dictionaries.vi[k as Key], `vi:${k}`).toBeTruthy();
      expect(dictionaries.en[k as Key], `en:${k}`).toBeTruthy();
    }
  });

  it('uses the regulation’s Vietnamese terms, English when chosen', () => {
    expect(methodName('keypoint_plan')).toBe('Giám sát trọng điểm theo chuyên đề, kế hoạch');
    expect(methodName('regular')).toBe('Giám sát thường xuyên, liên tục');
    expect(caseStatusName('in_handling')).toBe('Đang xử lý');
    expect(caseStatusName('coordination_requested', 'en')).toBe('Coordination requested');
    expect(dictionaries.vi['nav.inbox']).toBe('Hộp thư');
    expect(dictionaries.vi['nav.cases']).toBe('Vụ việc');
    expect(dictionaries.vi['cases.report']).toBe('Báo cáo vụ việc');
    expect(dictionaries.vi['cases.reportTitle']).toBe('Báo cáo vụ việc có dấu hiệu vi phạm');
    expect(dictionaries.vi['cases.saveDraft']).toBe('Lưu nháp');
    expect(dictionaries.vi['cases.send']).toBe('Gửi báo cáo');
    expect(dictionaries.vi['nav.coordination']).toBe('Đề nghị phối hợp');
    expect(caseStatusName('unheard_of')).toBe('unheard_of');
  });
});

describe('the clause of Art. 16.4', () => {
  it('reads "Theo Điều 16 khoản 4 điểm b", and the English citation in English', () => {
    expect(clauseText(routing)).toBe('Theo Điều 16 khoản 4 điểm b');
    expect(clauseText(routing, 'en')).toBe('Under Article 16(4)(b)');
    expect(clauseName(routing)).toBe('Điều 16 khoản 4 điểm b');
  });

  it('builds the citation from the code when the server sent no text', () => {
    const bare = { clause: '16.4.c', clause_vi: '', clause_en: '' };
    expect(clauseText(bare)).toBe('Theo Điều 16 khoản 4 điểm c');
    expect(clauseText(bare, 'en')).toBe('Under Article 16(4)(c)');
    expect(clauseText(null)).toBe('');
  });

  it('lists the approver first, with roles and reasons in the language, and the warnings', () => {
    const rows = recipientRows(routing);
    expect(rows.map((r) => r.name)).toEqual(['Ngô Văn Khánh', 'Phan Thị Lan Anh']);
    expect(rows[0]).toMatchObject({ approver: true, role: 'Lãnh đạo đơn vị', reason: 'Lãnh đạo đơn vị chủ trì xử lý' });
    expect(rows[1].role).toBe('Trực ban đơn vị');
    expect(recipientRows(routing, 'en')[1]).toMatchObject({ role: 'Unit duty watch', reason: 'On duty' });
    expect(warningTexts(routing)).toEqual(['Không có ai đang trực.']);
    expect(warningTexts(routing, 'en')).toEqual(['Nobody is on duty.']);
  });
});

describe('identifiers typed as lists', () => {
  it('splits "a, b ,c" into three and drops blanks and repeats', () => {
    expect(parseIdentifiers('a, b ,c')).toEqual(['a', 'b', 'c']);
    expect(parseIdentifiers(' TCNU1234567 ,, TCNU1234567; MSCU7654321\n')).toEqual(['TCNU1234567', 'MSCU7654321']);
    expect(parseIdentifiers('Nguyễn  Văn A  (B1234567)')).toEqual(['Nguyễn Văn A (B1234567)']);
    expect(parseIdentifiers('  ')).toEqual([]);
  });

  it('puts a list back into an input and shows only the kinds that have values', () => {
    expect(identifiersText(['a', 'b'])).toBe('a, b');
    expect(identifiersText(null)).toBe('');
    const lines = identifierLines(kase(1).identifiers);
    expect(lines.map((l) => l.label)).toEqual(['Số tờ khai', 'Số container', 'Biển số phương tiện']);
    expect(lines[1].values).toEqual(['TCNU1234567']);
  });
});

describe('times typed in the unit’s zone', () => {
  it('reads a datetime-local value as Vietnam time, whatever the browser’s zone', () => {
    expect(zonedLocalToUtcIso('2026-11-28T11:10')).toBe('2026-11-28T04:10:00.000Z');
    expect(zonedLocalToUtcIso('2026-01-01T03:00', 'Asia/Ho_Chi_Minh')).toBe('2025-12-31T20:00:00.000Z');
    expect(zonedLocalToUtcIso('2026-07-01T10:00', 'Europe/Paris')).toBe('2026-07-01T08:00:00.000Z');
    expect(zonedLocalToUtcIso('28/11/2026 11:10')).toBeNull();
    expect(zonedLocalToUtcIso('')).toBeNull();
  });

  it('fills a datetime-local input from an instant', () => {
    expect(utcIsoToZonedLocal('2026-11-28T04:10:00.000Z')).toBe('2026-11-28T11:10');
    expect(utcIsoToZonedLocal('2026-12-31T17:30:00Z')).toBe('2027-01-01T00:30');
    expect(utcIsoToZonedLocal(null)).toBe('');
  });
});

describe('the case list filters', () => {
  const f = (over: Partial<CaseFilters>): CaseFilters => ({ ...NO_CASE_FILTERS, ...over });

  it('sends whole Vietnam days as UTC bounds and leaves out empty filters', () => {
    expect(caseQuery(f({ from: '27/11/2026', to: '28/11/2026', q: '  TCNU ', unit: '20' }))).toEqual({
      unit: 20,
      method: undefined,
      status: undefined,
      severity: undefined,
      from: '2026-11-26T17:00:00.000Z',
      to: '2026-11-28T16:59:59.999Z',
      q: 'TCNU',
    });
    expect(caseQuery(NO_CASE_FILTERS)).toMatchObject({ unit: null, from: null, to: null, q: undefined });
  });

  it('matches a case the way the list shows it', () => {
    const c = kase(8, { severity: 'high', status: 'reported', observed_at: '2026-11-27T18:00:00.000Z' }); // 28/11 01:00 in Vietnam
    expect(caseMatches(c, NO_CASE_FILTERS)).toBe(true);
    expect(caseMatches(c, f({ severity: 'high', status: 'reported', method: 'regular' }))).toBe(true);
    expect(caseMatches(c, f({ severity: 'low' }))).toBe(false);
    expect(caseMatches(c, f({ status: 'closed' }))).toBe(false);
    expect(caseMatches(c, f({ method: 'keypoint_plan' }))).toBe(false);
    expect(caseMatches(c, f({ from: '28/11/2026' }))).toBe(true);
    expect(caseMatches(c, f({ to: '27/11/2026' }))).toBe(false);
    // Free text finds containers, plates, declaration numbers, the site, ignoring case and accents.
    expect(caseMatches(c, f({ q: 'tcnu1234' }))).toBe(true);
    expect(caseMatches(c, f({ q: '15C-123' }))).toBe(true);
    expect(caseMatches(c, f({ q: 'cang tan vu' }))).toBe(true);
    expect(caseMatches(c, f({ q: 'HP-2026-0008' }))).toBe(true);
    expect(caseMatches(c, f({ q: 'MSCU' }))).toBe(false);
    // The unit filter covers the units below it.
    expect(caseMatches(c, f({ unit: '20' }), (id) => [20, 23].includes(id))).toBe(true);
    expect(caseMatches(c, f({ unit: '30' }), (id) => id === 30)).toBe(false);
  });
});

describe('live updates of the case list', () => {
  const all = () => true;

  it('adds a new case in order, newest observation first', () => {
    const list = [kase(3), kase(1)];
    const after = applyCaseEvent(list, kase(2), all);
    expect(after.map((c) => c.id)).toEqual([3, 2, 1]);
    expect(applyCaseEvent(after, kase(9), all)[0].id).toBe(9);
  });

  it('replaces a case by id rather than listing it twice', () => {
    const list = [kase(3), kase(1)];
    const after = applyCaseEvent(list, kase(1, { status: 'acknowledged', updated_at: '2026-11-28T05:00:00.000Z' }), all);
    expect(after).toHaveLength(2);
    expect(after.find((c) => c.id === 1)!.status).toBe('acknowledged');
  });

  it('drops a case that leaves the filters and ignores one that does not match', () => {
    const onlyReported = (c: Case) => caseMatches(c, { ...NO_CASE_FILTERS, status: 'reported' });
    const list = [kase(3), kase(1)];
    expect(applyCaseEvent(list, kase(1, { status: 'closed', updated_at: '2026-11-29T00:00:00Z' }), onlyReported).map((c) => c.id)).toEqual([3]);
    expect(applyCaseEvent(list, kase(5, { status: 'draft' }), onlyReported)).toBe(list);
    expect(applyCaseEvent(list, { nonsense: true }, all)).toBe(list);
  });

  it('keeps the newer copy when an older event is replayed', () => {
    const list = [kase(1, { status: 'in_handling', updated_at: '2026-11-28T06:00:00.000Z' })];
    expect(applyCaseEvent(list, kase(1, { status: 'reported' }), all)).toBe(list);
  });
});

describe('what a case offers', () => {
  it('lets the reporter complete and send a draft', () => {
    expect(caseActions(kase(1, { status: 'draft', my_role: 'reporter' }), 15)).toEqual(['edit', 'report']);
    expect(caseActions(kase(1, { status: 'draft', my_role: null }), 15)).toEqual(['edit', 'report']);
    expect(caseActions(kase(1, { status: 'draft', my_role: null }), 99)).toEqual([]);
  });

  it('gives the recipients acknowledge, then handling, conclusion, closing and reopening', () => {
    expect(caseActions(kase(1, { my_role: 'recipient' }), 11)).toEqual(['acknowledge']);
    expect(caseActions(kase(1, { status: 'acknowledged', my_role: 'recipient' }), 11)).toEqual(['start', 'propose']);
    expect(caseActions(kase(1, { status: 'in_handling', my_role: 'recipient' }), 11)).toEqual(['conclude', 'propose']);
    expect(caseActions(kase(1, { status: 'concluded', my_role: 'recipient' }), 11)).toEqual(['close', 'reopen']);
    expect(caseActions(kase(1, { status: 'closed', my_role: 'approver' }), 10)).toEqual(['reopen']);
  });

  it('lets only the approver issue coordination requests, and nobody else act', () => {
    expect(caseActions(kase(1, { status: 'in_handling', my_role: 'approver' }), 10)).toContain('coordinate');
    expect(caseActions(kase(1, { status: 'in_handling', my_role: 'recipient' }), 11)).not.toContain('coordinate');
    expect(caseActions(kase(1, { status: 'in_handling', my_role: 'reporter' }), 15)).toEqual([]);
    expect(caseActions(kase(1, { status: 'reported', my_role: null }), 42)).toEqual([]);
  });

  it('lets the approver decide a plan, and a plan run only once approved', () => {
    const c = { status: 'in_handling', my_role: 'approver' as const };
    expect(proposalActions({ status: 'proposed' }, c)).toEqual(['decide']);
    expect(proposalActions({ status: 'proposed' }, { ...c, my_role: 'recipient' })).toEqual([]);
    expect(proposalActions({ status: 'approved' }, { ...c, my_role: 'recipient' })).toEqual(['execute']);
    expect(proposalActions({ status: 'rejected' }, c)).toEqual([]);
    expect(proposalActions({ status: 'executed' }, c)).toEqual([]);
  });
});

describe('the timeline', () => {
  const items = [
    { at: '2026-11-28T04:12:05Z', by: 15, by_name: 'Lương Văn Sơn', kind: 'reported', text_vi: 'Báo cáo vụ việc', text_en: 'Case reported', details: {} },
    { at: '2026-11-28T04:11:00Z', by: 15, by_name: 'Lương Văn Sơn', kind: 'created', text_vi: 'Lập vụ việc', text_en: 'Case created', details: {} },
    { at: '2026-11-28T04:12:05Z', by: null, by_name: null, kind: 'routed', text_vi: 'Chuyển theo Điều 16 khoản 4 điểm a', text_en: 'Routed', details: {} },
  ];

  it('runs oldest first in the unit’s time with seconds, the system named as such', () => {
    const lines = timelineLines(items);
    expect(lines.map((l) => l.kind)).toEqual(['created', 'reported', 'routed']);
    expect(lines[0].time).toBe('28/11/2026 11:11:00');
    expect(lines[2].who).toBe('(hệ thống)');
    expect(lines[1].text).toBe('Báo cáo vụ việc');
    expect(timelineLines(items, 'UTC', 'en')[0]).toMatchObject({ time: '28/11/2026 04:11:00', text: 'Case created' });
  });
});

describe('coordination requests', () => {
  it('is overdue past its deadline until it is answered', () => {
    const now = Date.parse('2026-11-30T00:00:00Z');
    expect(isOverdue({ overdue: false, status: 'sent', deadline: '2026-11-29T10:00:00Z' }, now)).toBe(true);
    expect(isOverdue({ overdue: false, status: 'acknowledged', deadline: '2026-12-01T10:00:00Z' }, now)).toBe(false);
    expect(isOverdue({ overdue: true, status: 'acknowledged', deadline: '2026-12-01T10:00:00Z' }, now)).toBe(true);
    expect(isOverdue({ overdue: true, status: 'answered', deadline: '2026-11-29T10:00:00Z' }, now)).toBe(false);
  });
});

describe('the report form', () => {
  const now = new Date('2026-11-28T04:10:00Z');

  it('starts observed now, in the unit’s time, for the user’s unit', () => {
    const f = caseForm(null, 23, 'Asia/Ho_Chi_Minh', now);
    expect(f).toMatchObject({ unit: '23', task: '', method: 'regular', observed_at: '2026-11-28T11:10', cameras: [] });
  });

  it('sends UTC times, parsed identifiers and only the cameras that are named', () => {
    const f = caseForm(null, 23, 'Asia/Ho_Chi_Minh', now);
    f.site = ' Cổng B ';
    f.description = 'Container nghi vấn';
    f.identifiers.containers = 'TCNU1234567, MSCU7654321 ,';
    f.identifiers.plates = '15C-123.45';
    f.cameras = [
      { camera: '', from: '', to: '' },
      { camera: 'CAM-TV-03', from: '2026-11-28T11:00', to: '2026-11-28T11:20' },
    ];
    const { body, errors, cameraRows } = casePayload(f);
    expect(errors).toEqual({});
    expect(body.observed_at).toBe('2026-11-28T04:10:00.000Z');
    expect(body.site).toBe('Cổng B');
    expect(body.method).toBe('regular');
    expect(body.task_id).toBeUndefined();
    expect(body.site_unit_id).toBeUndefined();
    expect(body.cameras).toEqual([{ camera: 'CAM-TV-03', from: '2026-11-28T04:00:00.000Z', to: '2026-11-28T04:20:00.000Z' }]);
    expect(cameraRows).toEqual([1]);
    expect(body.identifiers).toEqual({
      declarations: [],
      containers: ['TCNU1234567', 'MSCU7654321'],
      plates: ['15C-123.45'],
      seals: [],
      persons: [],
      baggage: [],
    });
  });

  it('lets the task decide the method, and says which time is wrong', () => {
    const f = { ...caseForm(null, 23, 'Asia/Ho_Chi_Minh', now), task: '4', method: 'regular', observed_at: '' };
    f.cameras = [{ camera: 'CAM-1', from: '2026-11-28T11:20', to: '2026-11-28T11:00' }];
    const { body, errors } = casePayload(f);
    expect(body.task_id).toBe(4);
    expect(body.method).toBeUndefined();
    expect(Object.keys(errors).sort()).toEqual(['cameras[0].to', 'observed_at']);
  });

  it('fills the form back from a draft', () => {
    const c = kase(7, { status: 'draft', cameras: [{ camera: 'CAM-1', from: '2026-11-28T04:00:00Z', to: '2026-11-28T04:20:00Z' }] });
    const f = caseForm(c, 1);
    expect(f.identifiers.containers).toBe('TCNU1234567');
    expect(f.cameras[0]).toEqual({ camera: 'CAM-1', from: '2026-11-28T11:00', to: '2026-11-28T11:20' });
    expect(casePayload(f).body.observed_at).toBe(c.observed_at);
  });
});

describe('unit names in the language', () => {
  it('takes the English name the server writes beside each unit name', () => {
    const r = { from_unit_name: 'Cục Hải quan TP. Hải Phòng', from_unit_name_en: 'Hai Phong Customs Department', to_unit_name: 'Cục Hải quan tỉnh Lạng Sơn' };
    expect(unitNameIn(r, 'from_')).toBe('Cục Hải quan TP. Hải Phòng');
    expect(unitNameIn(r, 'from_', 'en')).toBe('Hai Phong Customs Department');
    expect(unitNameIn(r, 'to_', 'en')).toBe('Cục Hải quan tỉnh Lạng Sơn');
    expect(unitNameIn(null)).toBe('');
  });
});

describe('a case reported from a live tile', () => {
  it('fills the camera, its window in the unit zone and a snapshot reference', async () => {
    const { caseFromCamera } = await import('./cases');
    const f = caseFromCamera(
      { id: 4, name: 'HP-TV-CB-03', site_name: 'Cảng Đình Vũ' },
      { from: Date.parse('2026-12-05T09:55:00Z'), to: Date.parse('2026-12-05T10:00:00Z') },
      '/api/v1/cameras/4/snapshot.jpg?at=2026-12-05T10:00:00.000Z',
      'Asia/Ho_Chi_Minh',
    );
    expect(f.cameras).toEqual([{ camera: 'HP-TV-CB-03', from: '2026-12-05T16:55', to: '2026-12-05T17:00' }]);
    expect(f.site).toBe('Cảng Đình Vũ');
    expect(f.observed_at).toBe('2026-12-05T17:00');
    expect(f.description).toContain('/api/v1/cameras/4/snapshot.jpg?at=2026-12-05T10:00:00.000Z');
  });
});
