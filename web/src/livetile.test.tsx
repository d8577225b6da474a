// @vitest-environment happy-dom
import { render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setLang } from './i18n';
import { codecName, formatLatency, LiveTile, LiveWithReplay, replaySpan, tileMessage } from './livetile';

const VN = 'Asia/Ho_Chi_Minh';
const tick = async () => {
  for (let i = 0; i < 4; i++) await new Promise((r) => setTimeout(r, 20));
};

class StubSocket {
  static all: StubSocket[] = [];
  binaryType = 'blob';
  closed: number | null = null;
  onopen: unknown = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number }) => void) | null = null;
  onerror: unknown = null;
  constructor(readonly url: string) {
    StubSocket.all.push(this);
  }
  send() {}
  close(code = 1000) {
    this.closed = code;
  }
}

function mount(node: preact.ComponentChild) {
  const root = document.createElement('div');
  document.body.appendChild(root);
  render(node, root);
  return root;
}

afterEach(() => {
  document.body.innerHTML = '';
  StubSocket.all = [];
  setLang('vi');
  vi.unstubAllGlobals();
});

describe('tile words', () => {
  it('says why a tile shows no picture, in Vietnamese and English', () => {
    const base = { cameraState: null, reason: null, refusedCodec: null, notice: null } as const;
    expect(tileMessage({ ...base, state: 'forbidden' })).toBe('Không có quyền xem trực tiếp camera này.');
    expect(tileMessage({ ...base, state: 'playing' })).toBeNull();
    expect(tileMessage({ ...base, state: 'offline', cameraState: 'offline', reason: { vi: 'Hết thời gian chờ', en: 'Timed out' } })).toBe(
      'Camera mất tín hiệu: Hết thời gian chờ',
    );
    expect(tileMessage({ ...base, state: 'unsupported', refusedCodec: 'hvc1.1.6.L120.90' })).toContain('H.265');
    setLang('en');
    expect(tileMessage({ ...base, state: 'forbidden' })).toBe('No permission to view this camera live.');
    expect(tileMessage({ ...base, state: 'reconnecting' })).toBe('Connection lost, reconnecting…');
  });

  it('names codecs and latency', () => {
    expect(codecName('avc1.640028')).toBe('H.264');
    expect(codecName('hev1.1.6.L93.B0')).toBe('H.265');
    expect(formatLatency(240)).toBe('trễ 240 ms');
    expect(formatLatency(12_500)).toBe('trễ 12.5 giây');
    expect(formatLatency(null)).toBe('');
  });
});

describe('LiveTile', () => {
  it('opens the sub stream for a small tile of a camera that has one, with its overlay', async () => {
    vi.stubGlobal('WebSocket', StubSocket);
    const root = mount(<LiveTile camera={{ id: 4, name: 'Cổng B', site_name: 'Cảng Đình Vũ', sub_url: 'rtsp://x/sub' }} stream="sub" tz={VN} compact />);
    await tick();
    expect(StubSocket.all).toHaveLength(1);
    expect(StubSocket.all[0].url).toMatch(/\/api\/v1\/cameras\/4\/live\?stream=sub$/);
    const tile = root.querySelector('[data-testid=live-tile]')!;
    expect(tile.textContent).toContain('Cổng B');
    expect(root.querySelector('[data-testid=live-state]')!.textContent).toBe('Đang kết nối');
    // The clock is in Vietnam's time, dd/MM/yyyy HH:mm:ss.
    expect(root.querySelector('[data-testid=live-clock]')!.textContent).toMatch(/^\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d$/);
    StubSocket.all[0].onclose?.({ code: 4403 });
    await tick();
    expect(root.querySelector('[data-testid=live-message]')!.textContent).toContain('Không có quyền');
    expect(tile.getAttribute('data-state')).toBe('forbidden');
    render(null, root);
    expect(StubSocket.all).toHaveLength(1);
  });
});

describe('instant replay', () => {
  it('spans from N seconds ago to now', () => {
    expect(replaySpan(1_000_000, 30)).toEqual({ from: 970_000, to: 1_000_000 });
  });

  it('plays the last 30 s in place of the live tile and goes back to live', async () => {
    vi.stubGlobal('WebSocket', StubSocket);
    const now = Date.parse('2026-12-05T10:00:00Z');
    const urls: string[] = [];
    const root = mount(
      <LiveWithReplay
        camera={{ id: 9, name: 'Cổng A' }}
        tz={VN}
        canReplay
        now={() => now}
        mediaUrl={(id, from, to) => {
          const u = `/api/v1/cameras/${id}/media.mp4?from=${from}&to=${to}`;
          urls.push(u);
          return u;
        }}
      />,
    );
    await tick();
    expect(StubSocket.all).toHaveLength(1);
    (root.querySelector('[data-testid=replay-30]') as HTMLButtonElement).click();
    await tick();
    expect(root.querySelector('[data-testid=live-tile]')).toBeNull();
    expect(StubSocket.all[0].closed).toBe(1000); // the live socket is let go while replaying
    const video = root.querySelector('[data-testid=replay-video]') as HTMLVideoElement;
    expect(video.getAttribute('src')).toBe('/api/v1/cameras/9/media.mp4?from=2026-12-05T09:59:30.000Z&to=2026-12-05T10:00:00.000Z');
    expect(root.textContent).toContain('Đang xem lại từ 16:59:30 đến 17:00:00');
    (root.querySelector('[data-testid=replay-live]') as HTMLButtonElement).click();
    await tick();
    expect(root.querySelector('[data-testid=replay-video]')).toBeNull();
    expect(root.querySelector('[data-testid=live-tile]')).not.toBeNull();
    expect(StubSocket.all).toHaveLength(2);
  });

  it('offers no replay buttons without playback permission', () => {
    vi.stubGlobal('WebSocket', StubSocket);
    const root = mount(<LiveWithReplay camera={{ id: 9, name: 'Cổng A' }} tz={VN} canReplay={false} mediaUrl={() => ''} />);
    expect(root.querySelector('[data-testid=replay-30]')).toBeNull();
  });
});
