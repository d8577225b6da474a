// @vitest-environment happy-dom
// The audit page's integrity check and signed checkpoints (docs/formats.md §14).
import { render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setLang } from './i18n';
import { AuditPage } from './pages/Audit';

const roots: HTMLElement[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) render(null, r);
  document.body.innerHTML = '';
  setLang('vi');
  vi.unstubAllGlobals();
});

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

function serve(verify: unknown) {
  const fetch = vi.fn(async (url: string, init?: RequestInit) => {
    const path = new URL(url, 'http://console').pathname;
    if (path === '/api/v1/audit/verify') return json(verify);
    if (path === '/api/v1/audit/checkpoints' && init?.method === 'POST')
      return json({ seq: 1234, head_hash: 'ab', at: '2026-12-06T03:00:00.000Z', key_id: '3f2a9c0d11e2b7a4' }, 201);
    return json({ items: [], next_before_seq: null });
  });
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

function mount() {
  const root = document.createElement('div');
  document.body.appendChild(root);
  roots.push(root);
  render(<AuditPage />, root);
  return root;
}

const button = (root: HTMLElement, text: string) =>
  [...root.querySelectorAll<HTMLButtonElement>('button')].find((b) => b.textContent === text)!;

describe('Audit page', () => {
  it('an unbroken chain that does not reach the signed checkpoint is reported with the reason, in Vietnamese', async () => {
    serve({
      ok: false, entries: 900, first_broken_seq: null, reason: '',
      checkpoint: { ok: false, reason_vi: 'Nhật ký bị cắt cụt: chỉ còn đến mục 900, điểm kiểm tra xác nhận đến mục 1234',
        reason_en: 'The log was cut short: it ends at entry 900, the checkpoint covers entries up to 1234' },
    });
    const root = mount();
    button(root, 'Kiểm tra tính toàn vẹn').click();
    await vi.waitFor(() => expect(root.querySelector('[data-testid="audit-verify"]')).not.toBeNull());
    const box = root.querySelector('[data-testid="audit-verify"]')!;
    expect(box.className).toContain('alert-error');
    expect(box.textContent).toBe(
      'Chuỗi nhật ký liền nhưng không khớp điểm kiểm tra đã ký: Nhật ký bị cắt cụt: chỉ còn đến mục 900, điểm kiểm tra xác nhận đến mục 1234');
  });

  it('an intact chain and checkpoint say how many entries', async () => {
    serve({ ok: true, entries: 1234, first_broken_seq: null, reason: '', checkpoint: { ok: true } });
    const root = mount();
    button(root, 'Kiểm tra tính toàn vẹn').click();
    await vi.waitFor(() => expect(root.querySelector('[data-testid="audit-verify"]')?.textContent).toBe('Chuỗi nhật ký toàn vẹn: 1234 bản ghi.'));
  });

  it('signing a checkpoint offers its file to download', async () => {
    const fetch = serve({});
    const root = mount();
    button(root, 'Ký điểm kiểm tra').click();
    await vi.waitFor(() => expect(root.querySelector('[data-testid="audit-checkpoint"]')).not.toBeNull());
    expect(fetch.mock.calls.some(([u, init]) => String(u).endsWith('/api/v1/audit/checkpoints') && init?.method === 'POST')).toBe(true);
    const box = root.querySelector('[data-testid="audit-checkpoint"]')!;
    expect(box.textContent).toContain('Đã ký điểm kiểm tra đến bản ghi số 1234 (khóa 3f2a9c0d11e2b7a4).');
    const link = box.querySelector('a')!;
    expect(link.getAttribute('href')).toBe('/api/v1/audit/checkpoints/1234');
    expect(link.getAttribute('download')).toBe('audit-checkpoint-1234.json');
  });
});
