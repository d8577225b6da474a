// The enumerations come from one source, docs/openapi.yaml, and every value has its names.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import openapi from '../../docs/openapi.yaml?raw';
import { enumsSource, pluralConstant } from '../scripts/enums';
import * as enums from './enums.generated';
import { dictionaries, label, t, type Key, type Vocabulary } from './i18n';

describe('the server’s enumerations (docs/openapi.yaml → enums.generated.ts)', () => {
  it('ships enums.generated.ts exactly as web/scripts/enums.ts makes it from openapi.yaml (npm run enums)', () => {
    expect(readFileSync(new URL('./enums.generated.ts', import.meta.url), 'utf8')).toBe(enumsSource(openapi));
  });

  it('takes every string enum schema, in the document’s order, and nothing else', () => {
    const yaml = [
      'components:',
      '  schemas:',
      '    CaseStatus: { type: string, enum: [draft, reported] }',
      '    Case: { type: object, properties: { status: { type: string, enum: [x] } } }',
      '    Severity:',
      '      type: string',
      '      enum: [high, low]',
    ].join('\n');
    const text = enumsSource(yaml);
    expect(text).toContain("export const CASE_STATUSES = ['draft', 'reported'] as const;\nexport type CaseStatus = (typeof CASE_STATUSES)[number];");
    expect(text).toContain("export const SEVERITIES = ['high', 'low'] as const;");
    expect(text.indexOf('CASE_STATUSES')).toBeLessThan(text.indexOf('SEVERITIES'));
    expect(text).not.toContain("'x'");
  });

  it('names the constants as the console always has', () => {
    expect(pluralConstant('CaseStatus')).toBe('CASE_STATUSES');
    expect(pluralConstant('Severity')).toBe('SEVERITIES');
    expect(pluralConstant('Position')).toBe('POSITIONS');
    expect(pluralConstant('SiteKind')).toBe('SITE_KINDS');
  });

  it('knows the values the server sends today', () => {
    expect(enums.SUPERVISION_METHODS).toEqual(['regular', 'duty_task', 'keypoint_plan', 'keypoint_directive']);
    expect(enums.RECIPIENT_ROLES).toContain('focal_leadership');
    expect(enums.NOTIFICATION_KINDS).toContain('case_relay_overdue');
    expect(enums.CAMERA_STATES).toContain('unknown');
  });
});

describe('every value has its label in Vietnamese and English', () => {
  // The compiler checks it (i18n.ts EveryValueLabelled); this says which when the dictionaries are built otherwise.
  const lists: [keyof Vocabulary, readonly string[]][] = [
    ['method', enums.SUPERVISION_METHODS],
    ['taskStatus', enums.TASK_STATUSES],
    ['caseStatus', enums.CASE_STATUSES],
    ['recipientRole', enums.RECIPIENT_ROLES],
    ['notificationKind', enums.NOTIFICATION_KINDS],
    ['siteKind', enums.SITE_KINDS],
    ['cameraState', enums.CAMERA_STATES],
    ['role', enums.ROLES],
    ['kind', enums.UNIT_KINDS],
    ['rotation', enums.ROTATION_KINDS],
    ['phase', enums.DUTY_PHASES],
    ['duty.item.decision', enums.ITEM_DECISIONS],
    ['dataType', enums.DATA_TYPES],
    ['accessMode', enums.ACCESS_MODES],
    ['dataRequestStatus', enums.DATA_REQUEST_STATUSES],
    ['dataDecision', enums.DATA_DECISIONS],
    ['relationshipBasis', enums.RELATIONSHIP_BASISES],
    ['grantStatus', enums.GRANT_STATUSES],
    ['sharingRoute', enums.SHARING_ROUTES],
  ];
  it.each(lists)('%s', (prefix, values) => {
    for (const v of values) {
      const key = `${prefix}.${v}` as Key;
      expect(dictionaries.vi[key], `vi ${key}`).toBeTruthy();
      expect(dictionaries.en[key], `en ${key}`).toBeTruthy();
      expect(label(prefix, v, 'vi')).toBe(t(key, undefined, 'vi'));
    }
  });

  it('shows a code it does not know as it is', () => {
    expect(label('caseStatus', 'withdrawn', 'vi')).toBe('withdrawn');
    expect(label('caseStatus', null)).toBe('');
  });
});
