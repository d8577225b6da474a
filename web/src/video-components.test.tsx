// @vitest-environment happy-dom
import { render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setCsrfToken, type Camera, type CameraOutage, type Hold, type ProbeResult, type Unit } from './api';
import { setLang } from './i18n';
import { HoldList, HoldsPanel, Probe, StatePanel } from './pages/CameraDetail';
import { CameraOutagesPage, OutageBadge } from './pages/CameraOutages';
import { CameraRows } from './pages/Cameras';

const VN = 'Asia/Ho_Chi_Minh';
const at = (s: string) => Date.parse(s);
const tick = () => new Promise((r) => setTimeout(r, 0));

function mount(node: preact.ComponentChild, tag = 'div') {
  const root = document.createElement(tag);
  document.body.appendChild(root);
  render(node, root);
  return root;
}

afterEach(() => {
  document.body.innerHTML = '';
  setLang('vi');
  vi.unstubAllGlobals();
});

const camera = (over: Partial<Camera> = {}): Camera => ({
  id: 3,
  site_id: 1,
  unit_id: 5,
  name: 'Cổng B',
  owner: 'enterprise',
  owner_name: 'Công ty CP Cảng Tân Vũ',
  connection: 'leased_line',
  main_url: 'rtsp://10.0.0.1/1',
  sub_url: null,
  credentials_set: true,
  enabled: true,
  retention_days: 30,
  retention_bytes: 0,
  state: 'degraded',
  state_since: '2026-11-28T04:40:00Z',
  live: { fps: 12.5, kbps: 1536, codec: 'h265', width: 2560, height: 1440, last_error: { vi: 'Mất gói tin RTP', en: 'RTP packets lost' }, recording: true },
  created_at: '',
  updated_at: '',
  ...over,
});

describe('camera state', () => {
  const now = at('2026-11-28T05:00:00Z');

  it('shows the state, since when, the live numbers and the last error', () => {
    const root = mount(<StatePanel camera={camera()} now={now} tz={VN} />);
    expect(root.querySelector('[data-testid="camera-state"]')?.textContent).toBe('Suy giảm');
    expect(root.textContent).toContain('từ 28/11/2026 11:40:00 (20 phút trước)');
    expect(root.querySelector('[data-testid="fps"]')?.textContent).toBe('12,5');
    expect(root.querySelector('[data-testid="kbps"]')?.textContent).toBe('1.536 kbps');
    expect(root.querySelector('[data-testid="stream"]')?.textContent).toBe('H.265 2560×1440');
    expect(root.querySelector('.rec-dot')?.getAttribute('aria-label')).toBe('Đang ghi hình');
    expect(root.querySelector('[data-testid="last-error"]')?.textContent).toBe('Lỗi gần nhất: Mất gói tin RTP');
  });

  it('stands without live numbers (before the recorder runs)', () => {
    setLang('en');
    const root = mount(<StatePanel camera={camera({ state: 'unknown', state_since: null, live: null })} now={now} tz={VN} />);
    expect(root.querySelector('[data-testid="camera-state"]')?.textContent).toBe('Unknown');
    expect(root.querySelector('[data-testid="fps"]')?.textContent).toBe('—');
    expect(root.querySelector('.rec-dot')?.getAttribute('aria-label')).toBe('Not recording');
    expect(root.querySelector('[data-testid="last-error"]')).toBeNull();
  });

  it('lists cameras with state badge, since, numbers and recording dot', () => {
    const root = mount(
      <table>
        <tbody>
          <CameraRows cameras={[camera(), camera({ id: 4, name: 'Cổng C', state: 'offline', enabled: false, live: null, owner: 'customs' })]} now={now} tz={VN} />
        </tbody>
      </table>,
    );
    const rows = [...root.querySelectorAll('tr')];
    expect(rows.map((r) => r.getAttribute('data-camera-id'))).toEqual(['3', '4']);
    expect(rows[0].querySelector('a')?.getAttribute('href')).toBe('#/cameras/3');
    expect(rows[0].querySelector('time')?.textContent).toBe('20 phút trước');
    expect(rows[0].querySelector('time')?.getAttribute('title')).toBe('28/11/2026 11:40:00');
    expect(rows[0].textContent).toContain('Công ty CP Cảng Tân Vũ');
    expect(rows[0].textContent).toContain('Kênh thuê riêng');
    expect(rows[1].querySelector('[data-testid="camera-state"]')?.textContent).toBe('Mất tín hiệu');
    expect(rows[1].classList.contains('inactive')).toBe(true);
    expect(rows[1].querySelector('.rec-dot')?.classList.contains('off')).toBe(true);
  });
});

describe('Probe', () => {
  it('shows a spinner while the server tries, then what it found', async () => {
    let answer: (r: ProbeResult) => void = () => undefined;
    const root = mount(<Probe cameraId={3} probe={() => new Promise((r) => (answer = r))} />);
    const button = root.querySelector('button')!;
    button.click();
    await tick();
    expect(button.disabled).toBe(true);
    expect(root.querySelector('.spinner')).not.toBeNull();
    expect(root.querySelector('[role="status"]')?.textContent).toContain('Đang kiểm tra kết nối');
    answer({ ok: true, stream: 'main', codec: 'h264', width: 1920, height: 1080, fps: 25, kbps: 4096 });
    await tick();
    expect(button.disabled).toBe(false);
    expect(root.querySelector('[role="status"]')?.textContent).toBe('Kết nối được: H.264 1920×1080, 25 khung hình/giây, 4.096 kbps.');
  });

  it('gives the camera’s refusal in the chosen language', async () => {
    setLang('en');
    const root = mount(<Probe cameraId={3} probe={async () => ({ ok: false, reason: { vi: 'Sai mật khẩu', en: 'Wrong password' } })} />);
    root.querySelector('button')!.click();
    await vi.waitFor(() => expect(root.querySelector('[role="status"]')?.textContent).toBe('Cannot connect: Wrong password'));
  });
});

describe('HoldList', () => {
  const hold = (over: Partial<Hold> = {}): Hold => ({
    id: 5,
    camera_id: 3,
    camera_name: 'Cổng B',
    from: '2026-11-28T01:30:00Z',
    to: '2026-11-28T02:30:00Z',
    reason: 'Container nghi vấn cắt niêm phong',
    case_id: 12,
    case_number: 'HP-2026-0012',
    holder_id: 9,
    holder_name: 'Phan Thị Lan Anh',
    created_at: '2026-11-28T03:00:00Z',
    released_at: null,
    released_by_name: null,
    release_reason: null,
    ...over,
  });

  it('shows the span in the unit’s time, the case, and who released what', () => {
    const root = mount(
      <HoldList
        holds={[hold(), hold({ id: 6, case_id: null, case_number: null, released_at: '2026-11-28T04:00:00Z', released_by_name: 'Lương Văn Sơn', release_reason: 'Đã kết luận' })]}
        tz={VN}
        write
        onReleased={() => undefined}
      />,
    );
    const rows = [...root.querySelectorAll('tbody tr')];
    expect(rows[0].querySelector('td')?.textContent).toBe('28/11/2026 08:30 – 28/11/2026 09:30');
    expect(rows[0].querySelector('a')?.getAttribute('href')).toBe('#/cases/12');
    expect(rows[0].querySelector('a')?.textContent).toBe('HP-2026-0012');
    expect(rows[0].querySelector('.badge')?.textContent).toBe('Đang giữ');
    expect(rows[1].querySelector('.badge')?.textContent).toBe('Đã hủy lưu giữ');
    expect(rows[1].textContent).toContain('Hủy lưu giữ bởi Lương Văn Sơn lúc 28/11/2026 11:00: Đã kết luận');
    expect(rows[1].querySelector('button')).toBeNull();
  });

  it('releases a hold only with a reason', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit) => {
        calls.push({ url, init });
        return new Response(null, { status: 204 });
      }),
    );
    setCsrfToken('tok');
    let released = 0;
    const root = mount(<HoldList holds={[hold()]} tz={VN} write onReleased={() => (released += 1)} />);
    (root.querySelector('tbody button') as HTMLButtonElement).click();
    await tick();
    const form = root.querySelector('form')!;
    expect([...form.querySelectorAll('button')].map((b) => b.textContent)).toEqual(['Hủy lưu giữ', 'Đóng']);
    form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await tick();
    expect(root.querySelector('.field-error')?.textContent).toBe('Ghi lý do.');
    expect(calls).toEqual([]);
    const reason = root.querySelector('textarea')!;
    reason.value = 'Vụ việc đã kết luận';
    reason.dispatchEvent(new Event('input', { bubbles: true }));
    await tick();
    form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await vi.waitFor(() => expect(released).toBe(1));
    expect(calls.map((c) => [c.url, c.init.method, JSON.parse(String(c.init.body))])).toEqual([
      ['/api/v1/holds/5', 'DELETE', { reason: 'Vụ việc đã kết luận' }],
    ]);
    expect(released).toBe(1);
    setCsrfToken(null);
  });
});

describe('holds without hold_write', () => {
  const held = {
    id: 5,
    camera_id: 3,
    camera_name: 'Cổng B',
    from: '2026-11-28T01:30:00Z',
    to: '2026-11-28T02:30:00Z',
    reason: 'Container nghi vấn',
    case_id: null,
    case_number: null,
    holder_id: 9,
    holder_name: 'Phan Thị Lan Anh',
    created_at: '2026-11-28T03:00:00Z',
    released_at: null,
    released_by_name: null,
    release_reason: null,
  } satisfies Hold;

  it('lists holds in force without the release button', () => {
    const root = mount(<HoldList holds={[held]} tz={VN} write={false} onReleased={() => undefined} />);
    expect(root.querySelector('.badge')?.textContent).toBe('Đang giữ');
    expect(root.querySelector('button')).toBeNull();
  });

  it('offers "place hold" only to those who may', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ items: [held] }), { status: 200 })));
    const now = at('2026-11-28T05:00:00Z');
    const buttons = async (write: boolean) => {
      const root = mount(<HoldsPanel camera={{ id: 3, name: 'Cổng B' }} tz={VN} span={null} now={now} write={write} />);
      await vi.waitFor(() => expect(root.querySelectorAll('[data-hold-id]').length).toBe(1));
      return [...root.querySelectorAll('button')].map((b) => b.textContent);
    };
    expect(await buttons(true)).toEqual(['Giữ dữ liệu', 'Hủy lưu giữ']);
    expect(await buttons(false)).toEqual([]);
  });
});

describe('enterprise camera outages', () => {
  const outage = (over: Partial<CameraOutage> = {}): CameraOutage => ({
    id: 1,
    camera_id: 3,
    camera_name: 'Cửa kho số 2',
    site_id: 1,
    site_name: 'Kho ngoại quan Đình Vũ',
    unit_id: 5,
    unit_name: 'Chi cục Hải quan Đình Vũ',
    owner_name: 'Công ty CP Kho vận Đình Vũ',
    started_at: '2026-11-28T01:00:00Z',
    ended_at: null,
    repair_due_at: '2026-12-12T01:00:00Z',
    overdue: false,
    duration_s: 3600,
    ...over,
  });

  it('shows an outage past its deadline in red', () => {
    const root = mount(
      <div>
        <OutageBadge outage={outage()} now={at('2026-12-01T00:00:00Z')} />
        <OutageBadge outage={outage({ overdue: true })} now={at('2026-12-13T00:00:00Z')} />
        <OutageBadge outage={outage({ ended_at: '2026-12-15T00:00:00Z', overdue: true })} now={at('2026-12-20T00:00:00Z')} />
      </div>,
    );
    const badges = [...root.querySelectorAll('[data-testid="outage-status"]')];
    expect(badges.map((b) => b.textContent)).toEqual(['Trong hạn', 'Quá hạn', 'Khắc phục quá hạn']);
    expect(badges.map((b) => b.className)).toEqual(['badge outage-open', 'badge outage-overdue', 'badge outage-closed_late']);
  });

  it('lists what the filter asks for, in the unit’s time zone', async () => {
    const asked: string[] = [];
    const units: Partial<Unit>[] = [{ id: 5, time_zone: 'UTC', external: false }];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => {
        asked.push(url);
        const body = url.startsWith('/api/v1/units')
          ? { items: units }
          : { items: url.includes('state=closed') ? [outage({ ended_at: '2026-11-29T02:00:00Z' })] : [outage({ overdue: true })] };
        return new Response(JSON.stringify(body), { status: 200 });
      }),
    );
    const root = mount(<CameraOutagesPage />);
    const outages = () => asked.filter((u) => u.startsWith('/api/v1/camera-outages'));
    const cells = () => [...root.querySelectorAll('[data-outage-id] td')].map((td) => td.textContent);
    await vi.waitFor(() => expect(cells()[3]).toBe('28/11/2026 01:00'));
    expect(outages()).toEqual(['/api/v1/camera-outages?state=open']);
    expect(cells()).toEqual([
      'Cửa kho số 2',
      'Kho ngoại quan Đình VũChi cục Hải quan Đình Vũ',
      'Công ty CP Kho vận Đình Vũ',
      '28/11/2026 01:00',
      '—',
      '12/12/2026 01:00',
      'Quá hạn',
    ]);
    expect(root.querySelector('[data-outage-id] a')?.getAttribute('href')).toBe('#/cameras/3');
    const select = root.querySelector('#outf-state') as HTMLSelectElement;
    expect([...select.options].map((o) => [o.value, o.textContent])).toEqual([
      ['', 'Tất cả'],
      ['open', 'Chưa khắc phục'],
      ['closed', 'Đã khắc phục'],
    ]);
    const choose = (value: string) => {
      select.value = value;
      select.dispatchEvent(new Event('change', { bubbles: true }));
    };
    choose('closed');
    await vi.waitFor(() => expect(outages().at(-1)).toBe('/api/v1/camera-outages?state=closed'));
    await vi.waitFor(() => expect(cells()[6]).toBe('Đã khắc phục'));
    expect(cells()[4]).toBe('29/11/2026 02:00');
    choose('');
    await vi.waitFor(() => expect(outages().at(-1)).toBe('/api/v1/camera-outages?state=all'));
  });
});
