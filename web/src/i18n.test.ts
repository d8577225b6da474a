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
    expect(vi['nav.audit']).toBe('Nhật ký hệ thống');
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

describe('duty watch strings', () => {
  it('names every code of the duty watch in both languages', async () => {
    const { POSITIONS, LOG_KINDS, FOCUS_SOURCES, ORDER_KINDS, TARGET_TYPES, SHIFT_STATUSES, ROSTER_STATUSES } = await import('./api');
    const keys = [
      ...POSITIONS.map((p) => `position.${p}`),
      ...LOG_KINDS.map((k) => `logKind.${k}`),
      ...FOCUS_SOURCES.map((k) => `focusSource.${k}`),
      ...ORDER_KINDS.map((k) => `orderKind.${k}`),
      ...TARGET_TYPES.map((k) => `targetType.${k}`),
      ...SHIFT_STATUSES.map((k) => `shiftStatus.${k}`),
      ...ROSTER_STATUSES.map((k) => `rosterStatus.${k}`),
      'rotation.daily_rotation',
      'rotation.weekday_owners',
      'phase.office_hours',
      'phase.after_hours',
      ...['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => `cal.${d}`),
    ];
    for (const k of keys) {
      expect(k in dictionaries.vi, `vi:${k}`).toBe(true);
      expect(k in dictionaries.en, `en:${k}`).toBe(true);
    }
  });

  it('uses the agreed Vietnamese terms', () => {
    const vi = dictionaries.vi;
    expect(vi['position.deputy_leader']).toBe('Lãnh đạo cấp phòng');
    expect(vi['position.office_officer']).toBe('Cán bộ Văn phòng');
    expect(vi['shiftStatus.on_duty']).toBe('Đang trực');
    expect(vi['shiftStatus.closed']).toBe('Đã kết thúc');
    expect(vi['logKind.information_received']).toBe('Tiếp nhận thông tin');
    expect(vi['focusSource.channel_direction']).toBe('Chỉ đạo phân luồng');
    expect(vi['orderKind.stop_goods']).toBe('Dừng đưa hàng qua khu vực giám sát');
    expect(vi['rosterStatus.submitted']).toBe('Chờ duyệt');
    expect(vi['rosterStatus.published']).toBe('Đã ban hành');
    expect(vi['cal.gap']).toBe('Chưa có người trực');
    expect(t('duty.logCorrection', { id: 4 }, 'vi')).toBe('Đính chính nội dung ghi #4');
    expect(vi['nav.duty']).toBe('Trực ban');
    expect(vi['nav.rosters']).toBe('Lịch trực');
  });

  it('writes administrative terms as a customs office does', () => {
    // What a shift leader directs is "chỉ đạo"; a duty-log entry is "nội dung ghi nhật ký trực ban" ("bút
    // phê" is a leader's annotation on a document); the audit log is "nhật ký hệ thống"; a case goes up
    // by "chuyển cấp xử lý"; a hold ends by "hủy lưu giữ"; a warehouse or yard is "kho, bãi", never "trụ sở".
    const vi = dictionaries.vi;
    const wrong = /Trưởng ca|mệnh lệnh|bút phê|kiểm toán|leo thang|giải phóng|trụ sở doanh nghiệp/i; // a head office only; a unit's seat (nơi đóng trụ sở) is fine
    for (const [k, v] of Object.entries(vi)) expect(v, k).not.toMatch(wrong);
    expect(vi['role.shift_leader']).toBe('Lãnh đạo ca trực');
    expect(vi['duty.orders']).toBe('Chỉ đạo của lãnh đạo ca trực');
    expect(vi['hold.release']).toBe('Hủy lưu giữ');
    expect(vi['siteKind.enterprise_premises']).toBe('Kho, bãi của doanh nghiệp');
    // English: a hold is cancelled, not released.
    for (const [k, v] of Object.entries(dictionaries.en)) expect(v, k).not.toMatch(/releas/i);
  });
});
