import { describe, expect, it } from 'vitest';
import { dictionaries, pick, t } from './i18n';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('i18n dictionaries', () => {
  const vi = dictionaries.vi;
  const en = dictionaries.en;

  it('has every key in both languages', () => {
    const missingInEn = Object.keys(vi).filter((k) => !(k in en));
    const missingInVi = Object.keys(en).filter((k) => !(k in vi));
    expect(missingInEn).toEqual([]);
    expect(missingInVi).toEqual([]);
  });

  it('has no empty string', () => {
    for (const [lang, d] of Object.entries(dictionaries))
      for (const [k, v] of Object.entries(d)) expect(v.trim(), `${lang}:${k}`).not.toBe('');
  });

  it('uses the same placeholders in both languages', () => {
    for (const k of Object.keys(vi) as (keyof typeof vi)[])
      expect(placeholders(en[k]), k).toEqual(placeholders(vi[k]));
  });

  it('writes Vietnamese with its diacritics (NFC)', () => {
    expect(vi['nav.audit']).toBe('Nhật ký kiểm toán');
    for (const v of Object.values(vi)) expect(v).toBe(v.normalize('NFC'));
  });

  it('fills placeholders and picks the language', () => {
    expect(t('org.count', { n: 5 }, 'vi')).toBe('5 đơn vị');
    expect(t('org.count', { n: 5 }, 'en')).toBe('5 units');
    expect(t('audit.verifyBroken', { seq: 12 }, 'vi')).toBe('Chuỗi nhật ký bị phá vỡ từ bản ghi số 12.');
  });

  it('picks the English name and falls back to Vietnamese', () => {
    expect(pick('Cục Điều tra chống buôn lậu', 'Anti-Smuggling Investigation Department', 'en')).toBe(
      'Anti-Smuggling Investigation Department',
    );
    expect(pick('Cục Điều tra chống buôn lậu', '', 'en')).toBe('Cục Điều tra chống buôn lậu');
    expect(pick('Cục Điều tra chống buôn lậu', 'x', 'vi')).toBe('Cục Điều tra chống buôn lậu');
  });
});
