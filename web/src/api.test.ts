import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, casesApi, getCsrfToken, onProblem, setCsrfToken, videoApi } from './api';

type Call = { url: string; init: RequestInit };
let calls: Call[] = [];

function respond(status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  return vi.fn(async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(status === 204 ? null : text, { status, headers });
  });
}

const user = {
  id: 3,
  username: 'trucban.dtcbl',
  full_name: 'Nguyễn Văn An',
  unit_id: 7,
  title: 'Cán bộ',
  active: true,
  must_change_password: false,
  roles: [{ role: 'duty_officer', unit_id: 7 }],
  created_at: '2026-01-01T00:00:00.000Z',
  last_login_at: null,
};

beforeEach(() => {
  calls = [];
  setCsrfToken(null);
});
afterEach(() => {
  vi.unstubAllGlobals();
  onProblem(null);
});

describe('api client', () => {
  it('logs in, keeps the CSRF token and sends it on unsafe methods only', async () => {
    vi.stubGlobal('fetch', respond(200, { user, csrf_token: 'tok-1' }));
    const s = await api.login('trucban.dtcbl', 'secret');
    expect(s.user.full_name).toBe('Nguyễn Văn An');
    expect(getCsrfToken()).toBe('tok-1');
    const login = calls[0];
    expect(login.url).toBe('/api/v1/auth/login');
    expect(login.init.method).toBe('POST');
    expect(login.init.credentials).toBe('same-origin');
    expect(JSON.parse(String(login.init.body))).toEqual({ username: 'trucban.dtcbl', password: 'secret' });

    vi.stubGlobal('fetch', respond(200, { items: [] }));
    await api.units();
    expect((calls[1].init.headers as Record<string, string>)['X-CSRF-Token']).toBeUndefined();

    vi.stubGlobal('fetch', respond(204, undefined));
    await api.deleteUnit(5);
    expect(calls[2].url).toBe('/api/v1/units/5');
    expect(calls[2].init.method).toBe('DELETE');
    expect((calls[2].init.headers as Record<string, string>)['X-CSRF-Token']).toBe('tok-1');
  });

  it('builds query strings and leaves out empty filters', async () => {
    vi.stubGlobal('fetch', respond(200, { items: [], next_before_seq: null }));
    await api.audit({ actor: 'admin', action: '', before_seq: 40, limit: 100 });
    expect(calls[0].url).toBe('/api/v1/audit?actor=admin&before_seq=40&limit=100');
    vi.stubGlobal('fetch', respond(200, { items: [] }));
    await api.users({ unit: 7, q: 'Nguyễn' });
    expect(calls[1].url).toBe('/api/v1/users?unit=7&q=Nguy%E1%BB%85n');
  });

  it('parses problem+json with both languages and per-field errors', async () => {
    vi.stubGlobal(
      'fetch',
      respond(
        400,
        {
          type: 'urn:watchfloor:problem:validation',
          title: 'Invalid input',
          title_vi: 'Dữ liệu không hợp lệ',
          status: 400,
          detail: 'Some fields are invalid.',
          detail_vi: 'Một số trường không hợp lệ.',
          errors: [
            { field: 'code', message_vi: 'Mã đã tồn tại.', message_en: 'Code already exists.' },
            { field: 'designations.leadership', message_vi: 'Không có đơn vị này.', message_en: 'No such unit.' },
            { field: 'code', message_vi: 'Mã quá dài.', message_en: 'Code too long.' },
          ],
        },
        { 'Content-Type': 'application/problem+json' },
      ),
    );
    setCsrfToken('tok');
    const err = await api.createUnit({ code: 'X' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    expect(e.status).toBe(400);
    expect(e.slug).toBe('validation');
    expect(e.title('vi')).toBe('Dữ liệu không hợp lệ');
    expect(e.title('en')).toBe('Invalid input');
    expect(e.detail('vi')).toBe('Một số trường không hợp lệ.');
    expect(e.fieldErrors('vi')).toEqual({
      code: 'Mã đã tồn tại.\nMã quá dài.',
      'designations.leadership': 'Không có đơn vị này.',
    });
    expect(e.fieldErrors('en').code).toBe('Code already exists.\nCode too long.');
  });

  it('reports throttling with Retry-After', async () => {
    vi.stubGlobal(
      'fetch',
      respond(429, { type: 'urn:watchfloor:problem:throttled', title: 'Too many attempts', title_vi: 'Quá nhiều lần thử', status: 429 }, { 'Retry-After': '60' }),
    );
    const e = (await api.login('a', 'b').catch((x: unknown) => x)) as ApiError;
    expect(e.slug).toBe('throttled');
    expect(e.retryAfter).toBe(60);
    expect(e.title('vi')).toBe('Quá nhiều lần thử');
  });

  it('turns a non-JSON error and a network failure into readable problems', async () => {
    vi.stubGlobal('fetch', respond(502, '<html>Bad gateway</html>'));
    const e1 = (await api.units().catch((x: unknown) => x)) as ApiError;
    expect(e1.status).toBe(502);
    expect(e1.slug).toBe('unexpected');
    expect(e1.detail('vi')).toContain('502');

    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    const e2 = (await api.units().catch((x: unknown) => x)) as ApiError;
    expect(e2.slug).toBe('network');
    expect(e2.title('vi')).toBe('Không kết nối được máy chủ');
  });

  it('tells the app about an expired session', async () => {
    const seen: string[] = [];
    onProblem((err, path) => seen.push(`${err.status} ${path}`));
    vi.stubGlobal('fetch', respond(401, { type: 'urn:watchfloor:problem:unauthenticated', title: 'Sign in', status: 401 }));
    await api.units().catch(() => undefined);
    expect(seen).toEqual(['401 /units']);
  });
});

describe('supervision calls', () => {
  it('lists cases with the filters given, and reports a draft with the CSRF header', async () => {
    vi.stubGlobal('fetch', respond(200, { items: [], total: 0 }));
    await casesApi.cases({ unit: 20, status: '', severity: 'high', from: null, q: 'TCNU1234567' });
    expect(calls[0].url).toBe('/api/v1/cases?unit=20&severity=high&q=TCNU1234567');
    setCsrfToken('tok-9');
    vi.stubGlobal('fetch', respond(200, { id: 7 }));
    await casesApi.reportCase(7);
    expect(calls[1].url).toBe('/api/v1/cases/7/report');
    expect(calls[1].init.method).toBe('POST');
    expect((calls[1].init.headers as Record<string, string>)['X-CSRF-Token']).toBe('tok-9');
  });

  it('sends decisions, reopening and the inbox calls as the contract says', async () => {
    setCsrfToken('tok');
    vi.stubGlobal('fetch', respond(200, { id: 7 }));
    await casesApi.decide(7, 3, 'approve');
    await casesApi.decide(7, 3, 'reject', 'Chưa đủ căn cứ');
    await casesApi.updateCase(7, { status: 'in_handling', reason: 'Có thông tin mới' });
    expect(calls.map((c) => `${c.init.method} ${c.url} ${c.init.body}`)).toEqual([
      'POST /api/v1/cases/7/proposals/3/decide {"decision":"approve"}',
      'POST /api/v1/cases/7/proposals/3/decide {"decision":"reject","remarks":"Chưa đủ căn cứ"}',
      'PATCH /api/v1/cases/7 {"status":"in_handling","reason":"Có thông tin mới"}',
    ]);
    vi.stubGlobal('fetch', respond(200, { items: [], unread: 0 }));
    await casesApi.inbox(true);
    await casesApi.coordination({ direction: 'incoming' });
    expect(calls.slice(3).map((c) => c.url)).toEqual(['/api/v1/inbox?unread=1', '/api/v1/coordination-requests?direction=incoming']);
    expect(casesApi.coordinationFormUrl(4)).toBe('/api/v1/coordination-requests/4/form.pdf');
  });
});

describe('video calls', () => {
  it('lists, probes and releases as the contract says; media are plain URLs', async () => {
    setCsrfToken('tok');
    vi.stubGlobal('fetch', respond(200, { items: [] }));
    await videoApi.sites(5);
    await videoApi.sites();
    await videoApi.cameras({ site: 4, unit: null });
    await videoApi.holds(3);
    await videoApi.recordings(3, '2026-11-27T17:00:00.000Z', '2026-11-28T17:00:00.000Z');
    expect(calls.map((c) => c.url)).toEqual([
      '/api/v1/sites?unit=5',
      '/api/v1/sites',
      '/api/v1/cameras?site=4',
      '/api/v1/holds?camera=3',
      '/api/v1/cameras/3/recordings?from=2026-11-27T17%3A00%3A00.000Z&to=2026-11-28T17%3A00%3A00.000Z',
    ]);
    vi.stubGlobal('fetch', respond(200, { ok: false, reason: { vi: 'Sai mật khẩu', en: 'Wrong password' } }));
    expect(await videoApi.probe(3)).toEqual({ ok: false, reason: { vi: 'Sai mật khẩu', en: 'Wrong password' } });
    expect(calls[5].init.method).toBe('POST');
    expect(calls[5].init.body).toBeUndefined();
    vi.stubGlobal('fetch', respond(204, undefined));
    await videoApi.releaseHold(8, 'Đã kết luận');
    expect(`${calls[6].init.method} ${calls[6].url} ${calls[6].init.body}`).toBe('DELETE /api/v1/holds/8 {"reason":"Đã kết luận"}');
    expect((calls[6].init.headers as Record<string, string>)['X-CSRF-Token']).toBe('tok');
    expect(videoApi.mediaUrl(3, '2026-11-28T01:00:00.000Z', '2026-11-28T02:00:00.000Z')).toBe(
      '/api/v1/cameras/3/media.mp4?from=2026-11-28T01%3A00%3A00.000Z&to=2026-11-28T02%3A00%3A00.000Z',
    );
    expect(videoApi.snapshotUrl(3, '2026-11-28T01:00:00.000Z')).toBe('/api/v1/cameras/3/snapshot.jpg?at=2026-11-28T01%3A00%3A00.000Z');
  });

  it('reads why a media URL failed from its problem, asking for one byte only', async () => {
    vi.stubGlobal(
      'fetch',
      respond(404, { type: 'urn:watchfloor:problem:not-found', title: 'Nothing recorded', title_vi: 'Không có ghi hình', status: 404 }),
    );
    const p = await videoApi.mediaProblem('/api/v1/cameras/3/media.mp4?from=a&to=b');
    expect(p?.title('vi')).toBe('Không có ghi hình');
    expect((calls[0].init.headers as Record<string, string>).Range).toBe('bytes=0-0');
    vi.stubGlobal('fetch', respond(206, 'x'));
    expect(await videoApi.mediaProblem('/api/v1/cameras/3/snapshot.jpg?at=a')).toBeNull();
  });

  it('reads field errors written as a bare {vi, en} pair too', async () => {
    vi.stubGlobal(
      'fetch',
      respond(400, { type: 'urn:watchfloor:problem:validation', title: 'Invalid input', status: 400, errors: [{ field: 'main_url', vi: 'Sai địa chỉ', en: 'Bad address' }] }),
    );
    const e = (await videoApi.createCamera({ name: 'x' }).catch((x: unknown) => x)) as ApiError;
    expect(e.fieldErrors('vi')).toEqual({ main_url: 'Sai địa chỉ' });
    expect(e.fieldErrors('en')).toEqual({ main_url: 'Bad address' });
  });

  it('puts the detail of a problem that names its field without a message at that field', async () => {
    const full = {
      type: 'urn:watchfloor:problem:node-full',
      title: 'The recorder node is full',
      title_vi: 'Máy ghi hình đã đủ số camera',
      status: 409,
      detail: 'hp-node-1 records at most 64 cameras.',
      detail_vi: 'Máy hp-node-1 ghi tối đa 64 camera.',
    };
    // As the server writes it (an entry of `errors` with empty messages), and with `field` at the top level.
    for (const body of [{ ...full, errors: [{ field: 'node_id', message_vi: '', message_en: '' }] }, { ...full, field: 'node_id' }]) {
      vi.stubGlobal('fetch', respond(409, body));
      const e = (await videoApi.updateCamera(3, { node_id: 1 }).catch((x: unknown) => x)) as ApiError;
      expect(e.status).toBe(409);
      expect(e.fieldErrors('vi')).toEqual({ node_id: 'Máy hp-node-1 ghi tối đa 64 camera.' });
      expect(e.fieldErrors('en')).toEqual({ node_id: 'hp-node-1 records at most 64 cameras.' });
    }
    expect(calls.map((c) => [c.url, c.init.method, c.init.body])).toEqual([
      ['/api/v1/cameras/3', 'PATCH', '{"node_id":1}'],
      ['/api/v1/cameras/3', 'PATCH', '{"node_id":1}'],
    ]);
  });

  it('calls the recorder-node routes', async () => {
    setCsrfToken('tok');
    const node = { id: 4, name: 'hp-node-1' };
    vi.stubGlobal('fetch', respond(200, { node, key: 'k' }));
    await videoApi.createRecorderNode({ name: 'hp-node-1', address: '10.0.3.11:8443', capacity: 64 });
    await videoApi.updateRecorderNode(4, { standby_node_id: null });
    await videoApi.revokeRecorderNode(4);
    await videoApi.rekeyRecorderNode(4);
    await videoApi.recorderNodes();
    expect(calls.map((c) => [c.url, c.init.method, c.init.body ?? null])).toEqual([
      ['/api/v1/recorder-nodes', 'POST', '{"name":"hp-node-1","address":"10.0.3.11:8443","capacity":64}'],
      ['/api/v1/recorder-nodes/4', 'PATCH', '{"standby_node_id":null}'],
      ['/api/v1/recorder-nodes/4/revoke', 'POST', null],
      ['/api/v1/recorder-nodes/4/key', 'POST', null],
      ['/api/v1/recorder-nodes', 'GET', null],
    ]);
    expect((calls[2].init.headers as Record<string, string>)['X-CSRF-Token']).toBe('tok');
  });
});
