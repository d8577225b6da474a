// @vitest-environment happy-dom
import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogEntry } from './api';
import { setLang } from './i18n';
import { DutyLog } from './pages/Duty';

const entry = (id: number, kind: string, text: string, corrects_id: number | null = null): LogEntry => ({
  id,
  shift_id: 1,
  at: '2026-11-27T02:05:09Z',
  author_id: id === 2 ? 8 : 7,
  kind,
  text,
  links: {},
  corrects_id,
});

const names = new Map([
  [7, 'Nguyễn Văn An'],
  [8, 'Trần Thị Bình'],
]);

function mount(entries: LogEntry[] | null) {
  const root = document.createElement('div');
  document.body.appendChild(root);
  render(<DutyLog entries={entries} nameOf={(id) => names.get(id) ?? `#${id}`} />, root);
  return root;
}

afterEach(() => {
  document.body.innerHTML = '';
  setLang('vi');
});

describe('DutyLog', () => {
  it('lists entries oldest first with time, kind and author, corrections linked both ways', () => {
    const root = mount([
      entry(1, 'information_received', 'Tin báo container nghi vấn'),
      entry(2, 'action_taken', 'Đã yêu cầu kiểm tra', null),
      entry(3, 'other', 'Số container đúng là TCNU7654321', 1),
    ]);
    const items = [...root.querySelectorAll('li.log-entry')];
    expect(items.map((li) => li.id)).toEqual(['log-entry-1', 'log-entry-2', 'log-entry-3']);
    expect(items[0].textContent).toContain('27/11/2026 09:05:09');
    expect(items[0].textContent).toContain('Tiếp nhận thông tin');
    expect(items[0].textContent).toContain('Nguyễn Văn An');
    expect(items[1].textContent).toContain('Xử lý');
    expect(items[1].textContent).toContain('Trần Thị Bình');
    const link = items[2].querySelector('a.log-corrects')!;
    expect(link.textContent).toBe('Đính chính nội dung ghi #1');
    expect(link.getAttribute('href')).toBe('#log-entry-1');
    expect(items[0].classList.contains('corrected')).toBe(true);
    expect(items[0].textContent).toContain('Đã được đính chính bởi nội dung ghi #3');
  });

  it('says when the log is empty, in the chosen language', () => {
    setLang('en');
    expect(mount([]).textContent).toContain('No entries in this shift yet.');
  });
});
