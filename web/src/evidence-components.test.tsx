// @vitest-environment happy-dom
// Evidence: a case's clips and stills, the export dialog's progress and one-time link, the verification page.
import { render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setCsrfToken, type BundleCheck, type ExportJob } from './api';
import { setLang } from './i18n';
import { CaseEvidence, EvidenceVerifyPage, ExportDialog, VerifyResult } from './pages/Evidence';

const roots: HTMLElement[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) render(null, r);
  document.body.innerHTML = '';
  setLang('vi');
  vi.unstubAllGlobals();
});

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status });

interface Call {
  method: string;
  path: string;
  body: unknown;
  headers: Record<string, string>;
}

function stubFetch(answer: (c: Call) => Response): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (u: string, init: RequestInit = {}) => {
      const url = new URL(u, 'http://console');
      const body = typeof init.body === 'string' ? JSON.parse(init.body) : init.body;
      const c = { method: init.method ?? 'GET', path: url.pathname.replace('/api/v1', ''), body, headers: (init.headers ?? {}) as Record<string, string> };
      calls.push(c);
      return answer(c);
    }),
  );
  setCsrfToken('tok');
  return calls;
}

function mount(node: preact.ComponentChild) {
  const root = document.createElement('div');
  document.body.appendChild(root);
  roots.push(root);
  render(node, root);
  return root;
}

const flush = () => new Promise((r) => setTimeout(r, 0));
const type = (el: Element | null, value: string) => {
  const input = el as HTMLInputElement;
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
};
const button = (root: Element, text: string) => [...root.querySelectorAll<HTMLButtonElement>('button')].find((b) => b.textContent === text)!;

const job = (over: Partial<ExportJob>): ExportJob => ({
  id: 17,
  state: 'queued',
  progress: 0,
  camera_id: 3,
  case_id: null,
  grant_id: null,
  from: '2026-12-01T01:00:00Z',
  to: '2026-12-01T01:10:00Z',
  watermark: null,
  error: null,
  bytes: null,
  manifest_sha256: null,
  created_at: '2026-12-06T05:00:00Z',
  finished_at: null,
  link_expires_at: null,
  link_used: false,
  download_url: null,
  ...over,
});

describe('the export dialog', () => {
  it('starts the export of the period chosen, follows its progress and offers the one-time link when done', async () => {
    const states = [job({ state: 'running', progress: 40 }), job({ state: 'done', progress: 100, bytes: 2_500_000, download_url: '/api/v1/exports/17/bundle?token=abc', link_expires_at: '2026-12-06T05:10:00Z' })];
    const calls = stubFetch((c) => (c.method === 'POST' ? json(job({}), 202) : json(states.shift() ?? states[0])));
    const root = mount(
      <ExportDialog input={{ camera_id: 3, from: '2026-12-01T01:00:00.000Z', to: '2026-12-01T02:00:00.000Z' }} what="Camera cổng A" tz="Asia/Ho_Chi_Minh" pollMs={150} onClose={() => undefined} />,
    );
    // The hour picked on the timeline, shortened to ten minutes before starting.
    expect((root.querySelector('#export-from') as HTMLInputElement).value).toBe('2026-12-01T08:00');
    type(root.querySelector('#export-to'), '2026-12-01T08:10');
    await flush();
    button(root, 'Bắt đầu trích xuất').click();
    await vi.waitFor(() => expect(root.querySelector('[data-testid="export-state"]')?.textContent).toContain('Đang trích xuất: 40%'));
    await vi.waitFor(() => expect(root.querySelector('[data-testid="export-download"]')).not.toBeNull());
    expect(calls[0]).toMatchObject({ method: 'POST', path: '/exports', body: { camera_id: 3, from: '2026-12-01T01:00:00.000Z', to: '2026-12-01T01:10:00.000Z' } });
    const a = root.querySelector('[data-testid="export-download"]') as HTMLAnchorElement;
    expect(a.getAttribute('href')).toBe('/api/v1/exports/17/bundle?token=abc');
    expect(a.textContent).toContain('Tải gói chứng cứ');
    expect(root.querySelector('[data-testid="export-state"]')?.textContent).toContain('Đã trích xuất xong.');
    // Polling stops once done.
    const polls = calls.filter((c) => c.method === 'GET').length;
    await new Promise((r) => setTimeout(r, 400));
    expect(calls.filter((c) => c.method === 'GET').length).toBe(polls);
    // The link works once: after it, a new one is offered.
    a.click();
    await vi.waitFor(() => expect(button(root, 'Tạo liên kết tải mới')).toBeTruthy());
  });

  it('shows the server’s refusal of the period at its field', async () => {
    stubFetch(() =>
      json(
        { type: 'urn:watchfloor:problem:validation', title: 'Invalid', title_vi: 'Dữ liệu không hợp lệ', status: 400, errors: [{ field: 'to', message_vi: 'Trích xuất tối đa 30 phút một lần', message_en: 'At most 30 minutes at a time' }] },
        400,
      ),
    );
    const root = mount(<ExportDialog input={{ camera_id: 3, from: '2026-12-01T01:00:00.000Z', to: '2026-12-01T02:00:00.000Z' }} what="x" tz="Asia/Ho_Chi_Minh" onClose={() => undefined} />);
    button(root, 'Bắt đầu trích xuất').click();
    await vi.waitFor(() => expect(root.querySelector('#export-to-err')?.textContent).toBe('Trích xuất tối đa 30 phút một lần'));
  });
});

describe('a case’s evidence', () => {
  it('lists the clips and stills in the unit’s time and attaches a clip', async () => {
    const calls = stubFetch((c) => {
      if (c.path === '/cases/7/evidence' && c.method === 'GET')
        return json({
          items: [
            { id: 1, case_id: 7, kind: 'clip', camera_id: 3, camera_name: 'Cổng A', from: '2026-12-01T01:00:00Z', to: '2026-12-01T01:05:00Z', at: null, frame_time: null, hold_id: 4, note: 'Xe tải biển 12C-345.67', file: null, sha256: null, bytes: null, created_by: 2, created_by_name: 'Lê Minh', created_at: '2026-12-01T02:00:00Z', removed_at: null, remove_reason: null },
          ],
          max_clip_minutes: 30,
        });
      if (c.path === '/cameras') return json({ items: [{ id: 3, name: 'Cổng A', site_name: 'Cửa khẩu Hữu Nghị' }], next_cursor: null });
      if (c.path === '/cases/7/evidence' && c.method === 'POST') return json({ id: 2 }, 201);
      return json({});
    });
    const root = mount(<CaseEvidence caseId={7} tz="Asia/Ho_Chi_Minh" canAttach />);
    await vi.waitFor(() => expect(root.querySelector('[data-evidence-id="1"]')).not.toBeNull());
    expect(root.querySelector('[data-evidence-id="1"]')?.textContent).toContain('01/12/2026 08:00:00 – 01/12/2026 08:05:00');
    button(root, 'Gắn đoạn ghi hình').click();
    await vi.waitFor(() => expect(root.querySelectorAll('#ev-camera option').length).toBe(2));
    const sel = root.querySelector('#ev-camera') as HTMLSelectElement;
    sel.value = '3';
    sel.dispatchEvent(new Event('change', { bubbles: true }));
    type(root.querySelector('#ev-from'), '2026-12-01T08:10');
    type(root.querySelector('#ev-to'), '2026-12-01T08:12');
    type(root.querySelector('#ev-note'), 'Bốc dỡ hàng');
    await flush();
    root.querySelector('[data-testid="evidence-form"]')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await vi.waitFor(() => expect(root.textContent).toContain('Đã gắn chứng cứ vào vụ việc.'));
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ kind: 'clip', camera_id: 3, from: '2026-12-01T01:10:00.000Z', to: '2026-12-01T01:12:00.000Z', note: 'Bốc dỡ hàng' });
  });
});

describe('removing evidence', () => {
  it('asks for the reason, then removes with it', async () => {
    const item = { id: 1, case_id: 7, kind: 'snapshot', camera_id: 3, camera_name: 'Cổng A', from: null, to: null, at: '2026-12-01T01:00:00Z', frame_time: '2026-12-01T00:59:58Z', hold_id: 4, note: '', file: 'e1.jpg', sha256: 'ab'.repeat(32), bytes: 1000, created_by: 2, created_at: '2026-12-01T02:00:00Z', removed_at: null, remove_reason: null };
    const calls = stubFetch((c) => (c.method === 'GET' ? json({ items: [item], max_clip_minutes: 30 }) : json({ ...item, removed_at: '2026-12-06T05:00:00Z' })));
    const root = mount(<CaseEvidence caseId={7} tz="Asia/Ho_Chi_Minh" canAttach />);
    await vi.waitFor(() => expect(root.querySelector('[data-evidence-id="1"]')?.textContent).toContain('01/12/2026 07:59:58'));
    button(root, 'Gỡ').click();
    await vi.waitFor(() => expect(root.querySelector('#ev-remove-1')).not.toBeNull());
    root.querySelector('form[aria-label="Gỡ"]')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await vi.waitFor(() => expect(root.querySelector('#ev-remove-1-err')?.textContent).toBe('Phải nêu lý do.'));
    type(root.querySelector('#ev-remove-1'), 'Gắn nhầm camera');
    await flush();
    root.querySelector('form[aria-label="Gỡ"]')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await vi.waitFor(() => expect(root.textContent).toContain('Đã gỡ chứng cứ'));
    expect(calls.filter((c) => c.method !== 'GET').map((c) => [c.method, c.path, c.body])).toEqual([['DELETE', '/cases/7/evidence/1', { reason: 'Gắn nhầm camera' }]]);
  });
});

const broken: BundleCheck = {
  ok: false,
  key_id: '3f2a9c0d11e2b7a4',
  public_key: 'AAAA',
  signed_by_this_installation: true,
  files: [
    { name: 'manifest.json', ok: true, reason_vi: null, reason_en: null },
    { name: 'clip-camera-3.mp4', ok: false, reason_vi: 'Mã SHA-256 không khớp với manifest', reason_en: 'SHA-256 does not match the manifest' },
  ],
  reason_vi: 'Tệp clip-camera-3.mp4 đã bị thay đổi',
  reason_en: 'The file clip-camera-3.mp4 was changed',
};

describe('verifying a bundle', () => {
  it('sends the file’s bytes as application/zip and names the file that fails, in Vietnamese', async () => {
    const calls = stubFetch(() => json(broken));
    const root = mount(<EvidenceVerifyPage />);
    const input = root.querySelector('#verify-file') as HTMLInputElement;
    const file = new File([new Uint8Array([0x50, 0x4b, 3, 4])], 'watchfloor-export-17.zip', { type: 'application/zip' });
    Object.defineProperty(input, 'files', { value: [file] });
    input.dispatchEvent(new Event('change', { bubbles: true }));
    await flush();
    root.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await vi.waitFor(() => expect(root.querySelector('[data-testid="verify-result"]')).not.toBeNull());
    expect(calls[0].path).toBe('/evidence/verify');
    expect(calls[0].headers['Content-Type']).toBe('application/zip');
    expect(calls[0].body).toBe(file);
    const box = root.querySelector('[data-testid="verify-result"]')!;
    expect(box.className).toContain('alert-error');
    expect(box.querySelector('strong')?.textContent).toBe('Gói watchfloor-export-17.zip không hợp lệ.');
    expect(box.querySelector('.verify-reason')?.textContent).toBe('Tệp clip-camera-3.mp4 đã bị thay đổi');
    expect([...box.querySelectorAll('[data-testid="verify-failing"] li')].map((li) => li.textContent)).toEqual([
      'clip-camera-3.mp4: Mã SHA-256 không khớp với manifest',
    ]);
  });

  it('says an intact bundle is OK, with the key and who signed', () => {
    const root = mount(
      <VerifyResult
        name="b.zip"
        check={{ ...broken, ok: true, reason_vi: null, reason_en: null, files: broken.files.map((f) => ({ ...f, ok: true })), exported_by: { full_name: 'Lê Minh', unit: { name: 'Chi cục Hải quan cửa khẩu Hữu Nghị' } } }}
      />,
    );
    const box = root.querySelector('[data-testid="verify-result"]')!;
    expect(box.className).toContain('alert-ok');
    expect(box.textContent).toContain('Gói b.zip nguyên vẹn');
    expect(box.textContent).toContain('3f2a9c0d11e2b7a4');
    expect(box.textContent).toContain('Ký bằng khóa của hệ thống này');
    expect(box.textContent).toContain('Người trích xuất: Lê Minh, Chi cục Hải quan cửa khẩu Hữu Nghị');
    expect(box.querySelector('[data-testid="verify-failing"]')).toBeNull();
  });

  it('asks for a file before sending anything', async () => {
    const calls = stubFetch(() => json(broken));
    const root = mount(<EvidenceVerifyPage />);
    root.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await vi.waitFor(() => expect(root.querySelector('#verify-file-err')?.textContent).toBe('Chọn tệp gói chứng cứ.'));
    expect(calls).toEqual([]);
  });
});
