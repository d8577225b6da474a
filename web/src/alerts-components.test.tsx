// @vitest-environment happy-dom
import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert } from './api';
import { setLang } from './i18n';
import { AlertItem } from './pages/Duty';

const alert = (over: Partial<Alert> = {}): Alert => ({
  id: 3,
  kind: 'shift.member_missing',
  subject: 'shift:1:user:7',
  unit_id: 5,
  severity: 'high',
  title_vi: 'Cán bộ chưa điểm danh',
  title_en: 'Member has not checked in',
  audience: ['shift_leader'],
  details: {},
  raised_at: '2026-11-27T01:30:00Z',
  acknowledged_at: null,
  acknowledged_by: null,
  closed_at: null,
  status: 'open',
  ...over,
});

function mount(a: Alert) {
  const root = document.createElement('ul');
  document.body.appendChild(root);
  render(<AlertItem alert={a} onAcknowledged={() => undefined} />, root);
  return root;
}

afterEach(() => {
  document.body.innerHTML = '';
  setLang('vi');
});

describe('AlertItem', () => {
  it('shows severity, title, Vietnam time, state and the acknowledge button', () => {
    const root = mount(alert());
    expect(root.querySelector('.badge.severity')?.textContent).toBe('Cao');
    expect(root.querySelector('.alert-title')?.textContent).toBe('Cán bộ chưa điểm danh');
    expect(root.querySelector('time')?.textContent).toBe('Phát sinh lúc 27/11/2026 08:30');
    expect(root.querySelector('.alert-state')?.textContent).toBe('Chưa xác nhận');
    expect(root.querySelector('button')?.textContent).toBe('Đã biết');
  });

  it('shows an acknowledged alert without the button, in English when chosen', () => {
    setLang('en');
    const root = mount(alert({ status: 'acknowledged', acknowledged_at: '2026-11-27T02:00:00Z', acknowledged_by: 9, severity: 'low' }));
    expect(root.querySelector('.badge.severity')?.textContent).toBe('Low');
    expect(root.querySelector('.alert-title')?.textContent).toBe('Member has not checked in');
    expect(root.querySelector('.alert-state')?.textContent).toBe('Acknowledged at 27/11/2026 09:00');
    expect(root.querySelector('button')).toBeNull();
  });
});
