// One vocabulary: the console names roles, unit kinds and designation kinds (and the duty watch's codes
// in the shift report) with the very words the server uses. The server's tables are read from its
// source, so a word changed on one side only fails here.
import { describe, expect, it } from 'vitest';
import reportSource from '../../src/duty/report.cpp?raw';
import vocabularySource from '../../src/org/vocabulary.cpp?raw';
import { DESIGNATION_KINDS, FOCUS_SOURCES, LOG_KINDS, ORDER_KINDS, POSITIONS, ROLES, TARGET_TYPES, UNIT_KINDS } from './api';
import { dictionaries, getHqWords, REGULATION_HQ_WORDS, setHqWords, t, type Key } from './i18n';
import { metaName } from './session';

interface ServerTerm {
  id: string;
  vi: string;
  en?: string;
}

/** The `{"id", "vi", "en"}` (or `{"id", "vi"}`) entries of the C++ table that follows `marker`. */
function table(source: string, marker: string): ServerTerm[] {
  const start = source.indexOf(marker);
  expect(start, marker).toBeGreaterThanOrEqual(0);
  const body = source.slice(start, source.indexOf('};', start));
  return [...body.matchAll(/\{"([a-z_0-9]+)", "([^"]+)"(?:, "([^"]+)")?\}/g)].map((m) => ({ id: m[1], vi: m[2], en: m[3] }));
}

function expectSameWords(prefix: string, terms: ServerTerm[], ids: readonly string[]) {
  expect(terms.map((x) => x.id).sort(), prefix).toEqual([...ids].sort());
  for (const x of terms) {
    const key = `${prefix}.${x.id}` as Key;
    expect(dictionaries.vi[key], key).toBe(x.vi);
    if (x.en) expect(dictionaries.en[key], key).toBe(x.en);
  }
}

describe('one vocabulary with the server (src/org/vocabulary.cpp)', () => {
  it('names every role as the server does', () => {
    expectSameWords('role', table(vocabularySource, 'role_terms()'), ROLES);
  });

  it('names every unit kind as the server does', () => {
    expectSameWords('kind', table(vocabularySource, 'unit_kinds()'), UNIT_KINDS);
  });

  it('names every designation kind as the server does', () => {
    expectSameWords('designation', table(vocabularySource, 'designation_kinds()'), DESIGNATION_KINDS);
  });

  it('takes the installed organisation’s names from /meta over its own', () => {
    const meta = {
      version: 'x',
      hq: REGULATION_HQ_WORDS,
      roles: [{ id: 'hq_leader', name_vi: 'Lãnh đạo Cục', name_en: 'Customs Department leader' }],
      unit_kinds: [],
      designation_kinds: [],
    };
    expect(metaName(meta, 'roles', 'hq_leader', 'vi')).toBe('Lãnh đạo Cục');
    expect(metaName(null, 'roles', 'hq_leader', 'vi')).toBe('Lãnh đạo Tổng cục');
    expect(metaName(null, 'roles', 'shift_leader', 'vi')).toBe('Lãnh đạo ca trực');
  });
});

describe('one vocabulary with the shift report (src/duty/report.cpp)', () => {
  it('names positions, log kinds, focus sources, orders and their targets as the printed report does', () => {
    const labels = new Map(table(reportSource, 'kLabels').map((x) => [x.id, x.vi]));
    const groups: [string, readonly string[]][] = [
      ['position', POSITIONS],
      ['logKind', LOG_KINDS],
      ['focusSource', FOCUS_SOURCES],
      ['orderKind', ORDER_KINDS],
      ['targetType', TARGET_TYPES],
    ];
    for (const [prefix, ids] of groups)
      for (const id of ids) expect(dictionaries.vi[`${prefix}.${id}` as Key], `${prefix}.${id}`).toBe(labels.get(id));
  });
});

describe('the words for headquarters follow the installed organisation', () => {
  const words2025 = {
    name_vi: 'Cục Hải quan',
    name_en: 'Customs Department (Ministry of Finance)',
    short_vi: 'Cục',
    short_en: 'Customs Department',
    leadership_vi: 'Lãnh đạo Cục',
    leadership_en: 'Customs Department leadership',
    focal_point_vi: 'Phòng Tổng hợp, Văn phòng Cục Hải quan',
    focal_point_en: 'General Affairs Division, Office of the Customs Department',
    province_kind: 'regional_branch',
    province_vi: 'Chi cục Hải quan khu vực',
    province_en: 'Regional customs branch',
  };

  it('says "Lãnh đạo Tổng cục" until the server says otherwise, then the installation’s words', () => {
    try {
      expect(t('method.keypoint_directive', undefined, 'vi')).toBe('Giám sát trọng điểm theo chỉ đạo của Lãnh đạo Tổng cục');
      setHqWords(words2025);
      expect(getHqWords().short_vi).toBe('Cục');
      expect(t('method.keypoint_directive', undefined, 'vi')).toBe('Giám sát trọng điểm theo chỉ đạo của Lãnh đạo Cục');
      expect(t('recipientRole.hq_leadership', undefined, 'vi')).toBe('Lãnh đạo Cục');
      expect(t('recipientRole.focal_point', undefined, 'en')).toBe('Focal point reporting to the Customs Department leadership');
      expect(t('tasks.directiveHint', undefined, 'vi')).toBe(
        'Bắt buộc với giám sát trọng điểm theo chỉ đạo trực tiếp của Lãnh đạo Cục, chuyển qua Phòng Tổng hợp, Văn phòng Cục Hải quan.',
      );
      setHqWords({ ...words2025, focal_point_vi: '', focal_point_en: '' });
      expect(t('tasks.directiveHint', undefined, 'en')).toContain('relayed through the designated focal point.');
    } finally {
      setHqWords(null);
    }
    expect(t('recipientRole.hq_leadership', undefined, 'vi')).toBe('Lãnh đạo Tổng cục');
  });

  it('never hard-codes the 2017 words in a label that names headquarters', () => {
    for (const [lang, d] of Object.entries(dictionaries))
      for (const [k, v] of Object.entries(d)) {
        // The names of the 2017 unit kind and of the catalogue's fallbacks are the regulation's own words.
        if (k === 'kind.headquarters' || k === 'role.hq_leader' || k === 'designation.leadership_focal_point') continue;
        expect(v, `${lang}:${k}`).not.toMatch(/Tổng cục|General Department|[Hh]eadquarters leadership/);
      }
  });
});
