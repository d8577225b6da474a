// Browser test of data sharing (Art. 16.3) against the real server (demo installation): an officer of the
// Border Guard (outside customs) files a data request for two cameras from the console; the person who
// decides it approves a narrower scope (one camera, with reasons); the Border Guard officer then sees that
// grant, and only the granted camera, with the grant's window on its page.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { login as apiLogin, pickLogin, startServer } from '../api/server.mjs';
import { assertConsoleBuilt, launchBrowser, localInput } from './browser.mjs';

const TIMEOUT = 20000;
const ZONE = 'Asia/Ho_Chi_Minh';
const HOUR = 3600_000;

describe('operator console: data sharing', { timeout: 240000 }, () => {
  let server;
  let browser;
  let outsider; // bienphong.bdbp: Border Guard Command, external_requester
  let site; // a border gate of Lạng Sơn with two cameras, made for the test
  const cameraIds = [];

  before(async () => {
    assertConsoleBuilt();
    server = await startServer({ demo: true });
    browser = await launchBrowser();
    outsider = server.logins.find((l) => l.username === 'bienphong.bdbp');
    assert.ok(outsider, `the demo login bienphong.bdbp is missing: ${server.logins.map((l) => l.username).join(', ')}`);
    const admin = pickLogin(server.logins, 'admin');
    const api = await apiLogin(server.url, admin.username, admin.password);
    const units = (await api.get('/api/v1/units')).json.items;
    const ls = units.find((u) => u.code === 'LS' || u.code.endsWith('-LS')) ?? units.find((u) => !u.external && u.kind === 'provincial_department');
    assert.ok(ls, 'the demo has no provincial department');
    const s = await api.post('/api/v1/sites', { unit_id: ls.id, kind: 'border_gate', name: 'Cửa khẩu Hữu Nghị — kiểm thử chia sẻ' });
    assert.equal(s.status, 201, s.text);
    site = s.json;
    for (const name of ['Làn xe nhập', 'Bãi kiểm hóa']) {
      const c = await api.post('/api/v1/cameras', { site_id: site.id, name, main_url: 'rtsp://127.0.0.1:9/none', enabled: false });
      assert.equal(c.status, 201, c.text);
      cameraIds.push(c.json.id);
    }
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function signedIn(who, hash = null) {
    const context = await browser.newContext({ locale: 'vi-VN', timezoneId: ZONE });
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    await page.goto(`${server.url}/`);
    await page.getByLabel('Tên đăng nhập').fill(who.username);
    await page.getByLabel('Mật khẩu', { exact: true }).fill(who.password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
    if (hash) await page.goto(`${server.url}/${hash}`);
    return page;
  }

  /** The first demo login for whom the server offers `step` on the request (the focal point, the decider). */
  async function whoMay(id, step) {
    for (const l of server.logins) {
      if (l.username === outsider.username) continue;
      const api = await apiLogin(server.url, l.username, l.password).catch(() => null);
      if (!api) continue;
      const r = await api.get(`/api/v1/data-requests/${id}`);
      if (r.status === 200 && r.json.can?.[step]) return { login: l, api };
    }
    return null;
  }

  test('the Border Guard asks for two cameras, the decider grants one with reasons, and the Border Guard sees only that one', async () => {
    // ---- the outside user files the request; their console opens on their requests
    const asker = await signedIn(outsider);
    await asker.waitForURL(/#\/data-requests$/);
    await asker.getByRole('heading', { name: 'Yêu cầu khai thác dữ liệu', level: 1 }).waitFor();
    await asker.getByRole('link', { name: 'Tạo yêu cầu' }).click();
    const form = asker.getByRole('form', { name: 'Tạo yêu cầu' });
    await form.getByLabel('Mục đích khai thác').fill('Xác minh phương tiện nghi vận chuyển hàng lậu qua biên giới');
    await form.getByLabel('Căn cứ (công văn số …)').fill('Công văn số 215/BTL-PCMT');
    await form.getByLabel('Dữ liệu ghi hình').check();
    // The site's box chooses both its cameras.
    const choice = form.locator(`.site-choice[data-site-id="${site.id}"]`);
    await choice.locator('.site-check input').check();
    const chosen = await choice.locator('.site-cameras input').evaluateAll((is) => is.map((i) => i.checked));
    assert.deepEqual(chosen, [true, true]);
    const to = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
    const from = to - 2 * HOUR;
    await form.locator('#dr-from').fill(localInput(from));
    await form.locator('#dr-to').fill(localInput(to));
    await form.getByLabel('Hình thức khai thác').selectOption('view');
    await form.getByLabel('Thời hạn khai thác (ngày)').fill('7');
    const filed = asker.waitForResponse((r) => r.request().method() === 'POST' && /\/api\/v1\/data-requests$/.test(r.url()));
    await form.getByRole('button', { name: 'Gửi yêu cầu' }).click();
    const res = await filed;
    assert.equal(res.status(), 201, `POST /api/v1/data-requests: ${res.status()} ${await res.text()}\nrequest: ${res.request().postData()}`);
    const sent = JSON.parse(res.request().postData());
    assert.deepEqual(sent.camera_ids, [...cameraIds].sort((a, b) => a - b));
    assert.deepEqual(sent.data_types, ['recordings']);
    assert.equal(Date.parse(sent.from), from);
    assert.equal(Date.parse(sent.to), to);
    const request = await res.json();
    await asker.waitForURL(new RegExp(`#/data-requests/${request.id}$`));
    await asker.getByRole('heading', { name: `Yêu cầu khai thác dữ liệu ${request.number}` }).waitFor();
    await asker.getByTestId('sharing-routing').waitFor();

    // ---- through the focal point when the request goes to headquarters leadership
    if (request.status === 'at_focal_point') {
      const focal = await whoMay(request.id, 'forward');
      assert.ok(focal, 'nobody of the demo may forward the request');
      const r = await focal.api.post(`/api/v1/data-requests/${request.id}/forward`, { note: 'Kính trình Lãnh đạo xem xét' });
      assert.equal(r.status, 200, r.text);
    }

    // ---- the decider approves one camera only, with reasons, from the console
    const decider = await whoMay(request.id, 'decide');
    assert.ok(decider, 'nobody of the demo may decide the request');
    const page = await signedIn(decider.login, `#/data-requests/${request.id}`);
    await page.getByRole('heading', { name: `Yêu cầu khai thác dữ liệu ${request.number}` }).waitFor();
    await page.getByRole('button', { name: 'Quyết định', exact: true }).click();
    const decide = page.getByTestId('decide-form');
    await decide.getByLabel('Chấp thuận phạm vi hẹp hơn').check();
    const granted = cameraIds[0];
    for (const id of cameraIds.slice(1)) await decide.locator(`#dr-n-cameras label[data-camera-id="${id}"] input`).uncheck();
    await decide.getByLabel('Lý do').fill('Chỉ camera làn xe nhập liên quan đến phương tiện cần xác minh');
    const decided = page.waitForResponse((r) => r.request().method() === 'POST' && /\/decide$/.test(r.url()));
    await decide.getByRole('button', { name: 'Ghi quyết định' }).click();
    const d = await decided;
    assert.equal(d.status(), 200, `decide: ${d.status()} ${await d.text()}\nrequest: ${d.request().postData()}`);
    assert.deepEqual(JSON.parse(d.request().postData()).narrower, { camera_ids: [granted] });
    const after = await d.json();
    assert.equal(after.status, 'approved');
    assert.ok(after.grant_id, JSON.stringify(after));
    await page.getByTestId('request-decision').getByText('Chấp thuận phạm vi hẹp hơn').waitFor();

    // ---- the Border Guard is told in their inbox, which opens the request: the decision, its reasons, the grant
    await asker.goto(`${server.url}/#/inbox`);
    await asker.locator(`a.inbox-title[href="#/data-requests/${request.id}"]`).first().click();
    await asker.waitForURL(new RegExp(`#/data-requests/${request.id}$`));
    await asker.getByTestId('request-decision').getByText('Chỉ camera làn xe nhập liên quan đến phương tiện cần xác minh').waitFor();
    await asker.getByTestId('grant-link').click();
    await asker.getByTestId('grant-detail').waitFor();
    const grantRow = asker.locator(`[data-testid="grants"] tr[data-grant-id="${after.grant_id}"]`);
    await grantRow.waitFor();
    await grantRow.getByText('còn 7 ngày').or(grantRow.getByText('còn 6 ngày')).waitFor();
    const links = await grantRow.locator('.grant-cameras a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.deepEqual(links, [`#/cameras/${granted}`]);

    // The server gives the outside user only the granted camera; its page shows the grant's window.
    const outsideApi = await apiLogin(server.url, outsider.username, outsider.password);
    const cams = await outsideApi.get('/api/v1/cameras');
    assert.equal(cams.status, 200, cams.text);
    assert.deepEqual(cams.json.items.map((c) => c.id), [granted]);
    await grantRow.locator('.grant-cameras a').click();
    const window = asker.getByTestId('grant-window').first();
    await window.waitFor();
    const text = await window.textContent();
    const fmt = (ms) => localInput(ms).replace(/^(\d{4})-(\d{2})-(\d{2})T/, '$3/$2/$1 ');
    assert.ok(text.includes(`dữ liệu từ ${fmt(from)} đến ${fmt(to)}`), text);
    assert.ok(text.includes('Chỉ xem'), text);
    // The camera not granted is not there for them.
    const refused = await outsideApi.get(`/api/v1/cameras/${cameraIds[1]}`);
    assert.ok(refused.status === 403 || refused.status === 404, `${refused.status} ${refused.text}`);
  });
  test('the Border Guard asks for a case by its number, and once granted reads only what the case shares', async () => {
    // A reported case of the demo, as one who reads it sees it.
    let wanted = null;
    for (const l of server.logins) {
      if (wanted || l.username === outsider.username) continue;
      const api = await apiLogin(server.url, l.username, l.password).catch(() => null);
      const r = api && (await api.get('/api/v1/cases'));
      wanted = r?.status === 200 ? (r.json.items.find((c) => c.status !== 'draft') ?? null) : null;
    }
    assert.ok(wanted, 'the demo has no reported case');

    const asker = await signedIn(outsider, '#/data-requests/new');
    const form = asker.getByRole('form', { name: 'Tạo yêu cầu' });
    await form.getByLabel('Mục đích khai thác').fill('Phối hợp xác minh vụ việc tại cửa khẩu');
    await form.getByLabel('Thông tin vụ việc').check();
    await form.getByLabel('Số vụ việc').fill(` ${wanted.number} `);
    await form.getByLabel('Hình thức khai thác').selectOption('view');
    await form.getByLabel('Thời hạn khai thác (ngày)').fill('3');
    const filed = asker.waitForResponse((r) => r.request().method() === 'POST' && /\/api\/v1\/data-requests$/.test(r.url()));
    await form.getByRole('button', { name: 'Gửi yêu cầu' }).click();
    const res = await filed;
    assert.equal(res.status(), 201, `POST /api/v1/data-requests: ${res.status()} ${await res.text()}\nrequest: ${res.request().postData()}`);
    const sent = JSON.parse(res.request().postData());
    assert.equal(sent.case_number, wanted.number);
    assert.deepEqual(sent.data_types, ['case_data']);
    assert.ok(!sent.camera_ids?.length, 'no camera for case information alone');
    const request = await res.json();
    if (request.status === 'at_focal_point') {
      const focal = await whoMay(request.id, 'forward');
      assert.ok(focal, 'nobody of the demo may forward the request');
      assert.equal((await focal.api.post(`/api/v1/data-requests/${request.id}/forward`, { note: 'Kính trình' })).status, 200);
    }
    const decider = await whoMay(request.id, 'decide');
    assert.ok(decider, 'nobody of the demo may decide the request');
    const d = await decider.api.post(`/api/v1/data-requests/${request.id}/decide`, { decision: 'approve', reasons: 'Phục vụ phối hợp xác minh' });
    assert.equal(d.status, 200, d.text);

    // From the grant to the case's shared view: the facts, no step to take, no timeline.
    await asker.goto(`${server.url}/#/grants`);
    await asker.getByRole('link', { name: `Xem thông tin vụ việc ${wanted.number}` }).first().click();
    await asker.waitForURL(new RegExp(`#/cases/${wanted.id}$`));
    await asker.getByTestId('case-shared').waitFor();
    assert.ok((await asker.getByTestId('case-shared').textContent()).includes(request.number));
    await asker.getByText(wanted.description.split('\n')[0].slice(0, 40)).first().waitFor();
    assert.equal(await asker.locator('.case-detail button').count(), 0, 'no action on a shared case');
    assert.equal(await asker.getByRole('heading', { name: 'Diễn biến' }).count(), 0, 'no timeline');
  });

  test('an administrator registers a working relationship with the Border Guard, then ends it with a reason', async () => {
    const admin = pickLogin(server.logins, 'admin');
    const page = await signedIn(admin, '#/working-relationships');
    await page.getByRole('heading', { name: 'Quan hệ phối hợp công tác', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Thêm quan hệ phối hợp' }).click();
    const form = page.getByTestId('relationship-form');
    await form.locator('#rel-unit').selectOption(String(site.unit_id));
    const partner = await form.locator('#rel-partner option').filter({ hasText: 'Bộ Tư lệnh Bộ đội Biên phòng' }).getAttribute('value');
    await form.locator('#rel-partner').selectOption(partner);
    await form.locator('#rel-basis-kind').selectOption('regulation');
    await form.locator('#rel-basis-number').fill('15/QCPH-HQ-BĐBP');
    await form.locator('#rel-basis_date').fill('12/03/2024');
    await form.locator('#rel-basis-title').fill('Quy chế phối hợp trong công tác phòng, chống buôn lậu tại khu vực biên giới');
    await form.getByLabel('Dữ liệu ghi hình').check();
    await form.getByLabel('Ảnh chụp').check();
    await form.locator('#rel-valid_from').fill('01/04/2024');
    const saved = page.waitForResponse((r) => r.request().method() === 'POST' && /\/api\/v1\/working-relationships$/.test(r.url()));
    await form.getByRole('button', { name: 'Lưu' }).click();
    const res = await saved;
    assert.equal(res.status(), 201, `POST /working-relationships: ${res.status()} ${await res.text()}\nrequest: ${res.request().postData()}`);
    const body = JSON.parse(res.request().postData());
    assert.deepEqual(
      { basis_date: body.basis_date, valid_from: body.valid_from, valid_to: body.valid_to, data_types: body.data_types, unit_ids: body.unit_ids, download: body.download },
      { basis_date: '2024-03-12', valid_from: '2024-04-01', valid_to: null, data_types: ['recordings', 'snapshots'], unit_ids: [], download: false },
    );
    const rel = await res.json();
    const row = page.locator(`[data-testid="relationships"] tr[data-relationship-id="${rel.id}"]`);
    await row.getByText('Quy chế phối hợp số 15/QCPH-HQ-BĐBP ngày 12/03/2024').waitFor();
    await row.getByText('Đang hiệu lực').waitFor();
    await row.getByRole('button', { name: 'Chấm dứt' }).click();
    await row.getByLabel('Lý do chấm dứt').fill('Quy chế được thay thế');
    const ended = page.waitForResponse((r) => r.request().method() === 'POST' && /\/end$/.test(r.url()));
    await row.getByRole('button', { name: 'Chấm dứt' }).click();
    assert.equal((await ended).status(), 200);
    await page.getByText('Đã chấm dứt quan hệ phối hợp.').waitFor();
  });
});
