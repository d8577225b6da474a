// Browser test of the video pages against the real server (demo installation): the administrator
// adds a site, then a camera at it with an RTSP address and credentials, finds the camera in the
// list grouped under its site, and opens its page: facts (credentials only said to be set), the
// recording timeline of today and the evidence holds panel.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { login as apiLogin, pickLogin, startServer } from '../api/server.mjs';
import { assertConsoleBuilt, launchBrowser } from './browser.mjs';

const TIMEOUT = 20000;
const ZONE = 'Asia/Ho_Chi_Minh';

function unitByCode(units, code) {
  return units.find((u) => u.code === code) ?? units.find((u) => u.code.endsWith(`-${code}`)) ?? null;
}

describe('operator console: sites and cameras', { timeout: 120000 }, () => {
  let server;
  let browser;
  let admin;
  let branch; // HP-CKKV1, the branch whose site the camera goes to

  before(async () => {
    assertConsoleBuilt();
    server = await startServer({ demo: true });
    browser = await launchBrowser();
    admin = pickLogin(server.logins, 'admin');
    const api = await apiLogin(server.url, admin.username, admin.password);
    const units = (await api.get('/api/v1/units')).json.items;
    branch = unitByCode(units, 'HP-CKKV1');
    assert.ok(branch, `the demo has no unit HP-CKKV1: ${units.map((u) => u.code).join(', ')}`);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('an administrator adds a site and a camera, finds it in the list and opens its timeline and holds', async () => {
    const context = await browser.newContext({ locale: 'vi-VN', timezoneId: ZONE });
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    try {
      await page.goto(`${server.url}/`);
      await page.getByLabel('Tên đăng nhập').fill(admin.username);
      await page.getByLabel('Mật khẩu', { exact: true }).fill(admin.password);
      await page.getByRole('button', { name: 'Đăng nhập' }).click();
      await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();

      // "Camera" in the navigation leads to the cameras; the sites are the other tab.
      await page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Camera', exact: true }).click();
      await page.getByRole('heading', { name: 'Camera giám sát', level: 1 }).waitFor();
      await page.goto(`${server.url}/#/sites`);
      await page.getByRole('heading', { name: 'Địa điểm giám sát', level: 1 }).waitFor();

      // ---- a new site
      const stamp = Date.now();
      const siteName = `Cảng Tân Vũ — kiểm thử ${stamp}`;
      await page.getByRole('link', { name: 'Thêm địa điểm' }).click();
      const siteForm = page.getByRole('form', { name: 'Địa điểm mới' });
      await siteForm.waitFor();
      await siteForm.getByLabel('Đơn vị quản lý').selectOption(String(branch.id));
      await siteForm.getByLabel('Loại địa điểm').selectOption('seaport');
      await siteForm.getByLabel('Tên địa điểm').fill(siteName);
      await siteForm.getByLabel('Địa chỉ', { exact: true }).fill('Đình Vũ, Hải An, Hải Phòng');
      await siteForm.getByLabel('Vĩ độ').fill('20,8449');
      await siteForm.getByLabel('Kinh độ').fill('106,7725');
      const siteCreated = page.waitForResponse((r) => r.request().method() === 'POST' && /\/api\/v1\/sites$/.test(r.url()));
      await siteForm.getByRole('button', { name: 'Lưu' }).click();
      const siteRes = await siteCreated;
      assert.equal(siteRes.status(), 201, `POST /api/v1/sites: ${siteRes.status()} ${await siteRes.text()}\nrequest: ${siteRes.request().postData()}`);
      const site = await siteRes.json();
      assert.deepEqual(
        { unit_id: site.unit_id, kind: site.kind, name: site.name, latitude: site.latitude, longitude: site.longitude },
        { unit_id: branch.id, kind: 'seaport', name: siteName, latitude: 20.8449, longitude: 106.7725 },
      );
      const siteRow = page.locator(`[data-testid="site-list"] tr[data-site-id="${site.id}"]`);
      await siteRow.waitFor();
      await siteRow.getByText(siteName, { exact: true }).waitFor();
      await siteRow.getByText('Cảng biển', { exact: true }).waitFor();
      await page.getByText('Đã thêm địa điểm.').waitFor();

      // ---- a camera at it
      await page.getByRole('navigation', { name: 'Camera và địa điểm' }).getByRole('link', { name: 'Camera', exact: true }).click();
      await page.getByRole('heading', { name: 'Camera giám sát', level: 1 }).waitFor();
      await page.getByRole('link', { name: 'Thêm camera' }).click();
      const cameraForm = page.getByRole('form', { name: 'Camera mới' });
      await cameraForm.waitFor();
      const cameraName = `Cổng B — kiểm thử ${stamp}`;
      const mainUrl = 'rtsp://192.0.2.10:554/Streaming/Channels/101'; // TEST-NET-1: never answers
      const password = `Cam-${stamp}-pw`;
      const siteSelect = cameraForm.getByLabel('Địa điểm', { exact: true });
      await siteSelect.locator(`option[value="${site.id}"]`).waitFor({ state: 'attached' });
      await siteSelect.selectOption(String(site.id));
      await cameraForm.getByLabel('Tên camera').fill(cameraName);
      await cameraForm.getByLabel('Chủ sở hữu').selectOption('customs');
      await cameraForm.getByLabel('Đường truyền').selectOption('leased_line');
      await cameraForm.getByLabel('Địa chỉ luồng chính (RTSP)').fill(mainUrl);
      await cameraForm.getByLabel('Tên đăng nhập camera').fill('giamsat');
      await cameraForm.getByLabel('Mật khẩu camera').fill(password);
      await cameraForm.getByLabel('Thời hạn lưu (ngày)').fill('90');
      const cameraCreated = page.waitForResponse((r) => r.request().method() === 'POST' && /\/api\/v1\/cameras$/.test(r.url()));
      await cameraForm.getByRole('button', { name: 'Lưu' }).click();
      const cameraRes = await cameraCreated;
      const cameraText = await cameraRes.text();
      assert.equal(cameraRes.status(), 201, `POST /api/v1/cameras: ${cameraRes.status()} ${cameraText}\nrequest: ${cameraRes.request().postData()}`);
      const sent = JSON.parse(cameraRes.request().postData());
      assert.deepEqual(
        { site_id: sent.site_id, main_url: sent.main_url, username: sent.username, password: sent.password, retention_days: sent.retention_days },
        { site_id: site.id, main_url: mainUrl, username: 'giamsat', password, retention_days: 90 },
      );
      const camera = JSON.parse(cameraText);
      assert.equal(camera.credentials_set, true, cameraText);
      assert.ok(!cameraText.includes(password), 'the answer gives the password back');

      // The console goes to the new camera's page; the list has it under its site.
      await page.getByRole('heading', { name: `Camera ${cameraName}`, level: 1 }).waitFor();
      await page.getByRole('link', { name: 'Danh sách camera' }).click();
      await page.getByRole('heading', { name: 'Camera giám sát', level: 1 }).waitFor();
      const group = page.locator(`[data-testid="camera-list"] tbody[data-site-id="${site.id}"]`);
      await group.locator('.group-row').getByText(siteName).waitFor();
      const row = group.locator(`tr[data-camera-id="${camera.id}"]`);
      await row.waitFor();
      await row.getByTestId('camera-state').waitFor();
      await row.getByText('Kênh thuê riêng', { exact: true }).waitFor();

      // ---- its page: facts, state, today's timeline, holds
      const recordings = page.waitForResponse((r) => r.request().method() === 'GET' && r.url().includes(`/api/v1/cameras/${camera.id}/recordings?`));
      const holds = page.waitForResponse((r) => r.request().method() === 'GET' && r.url().includes(`/api/v1/holds?camera=${camera.id}`));
      await row.getByRole('link', { name: cameraName }).click();
      await page.getByRole('heading', { name: `Camera ${cameraName}`, level: 1 }).waitFor();
      assert.match(page.url(), new RegExp(`#/cameras/${camera.id}$`));
      await page.getByTestId('credentials-state').getByText('Đã đặt', { exact: true }).waitFor();
      assert.equal(await page.getByText(password).count(), 0, 'the page shows the password');
      await page.getByText(mainUrl, { exact: true }).waitFor();
      await page.getByTestId('state-panel').getByTestId('camera-state').waitFor();
      await page.getByRole('button', { name: 'Kiểm tra kết nối' }).waitFor();

      const timeline = page.getByTestId('timeline');
      await timeline.waitFor();
      const todayVn = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
      assert.equal(await timeline.getAttribute('data-day'), todayVn, 'the timeline opens on today in Vietnam');
      await page.getByRole('slider', { name: /^Dòng thời gian ngày/ }).waitFor();
      await timeline.getByText('00:00', { exact: true }).waitFor();
      await timeline.getByText('24:00', { exact: true }).waitFor();
      const recRes = await recordings;
      assert.equal(recRes.status(), 200, `GET recordings: ${recRes.status()} ${await recRes.text()}`);
      const span = new URL(recRes.url());
      assert.equal(Date.parse(span.searchParams.get('to')) - Date.parse(span.searchParams.get('from')), 24 * 3600_000, recRes.url());
      const rec = await recRes.json();
      assert.ok(Array.isArray(rec.segments) && Array.isArray(rec.gaps), JSON.stringify(rec));

      const holdsPanel = page.getByRole('region', { name: 'Giữ dữ liệu làm chứng cứ' });
      await holdsPanel.waitFor();
      const holdsRes = await holds;
      assert.equal(holdsRes.status(), 200, `GET holds: ${holdsRes.status()} ${await holdsRes.text()}`);
      await holdsPanel.getByText('Camera này chưa có yêu cầu giữ dữ liệu nào.').waitFor();
      await holdsPanel.getByRole('button', { name: 'Giữ dữ liệu' }).waitFor();

      // ---- moved to another host, the credentials are asked for again and sent with the address
      await page.getByRole('link', { name: 'Sửa', exact: true }).click();
      const editForm = page.getByRole('form', { name: `Sửa camera “${cameraName}”` });
      await editForm.waitFor();
      assert.equal(await editForm.getByLabel('Mật khẩu camera').count(), 0, 'stored credentials are kept by default');
      const movedUrl = 'rtsp://192.0.2.11:554/Streaming/Channels/101';
      await editForm.getByLabel('Địa chỉ luồng chính (RTSP)').fill(movedUrl);
      await editForm.getByTestId('credentials-rebind').getByText('nhập lại tên đăng nhập và mật khẩu', { exact: false }).waitFor();
      await editForm.getByLabel('Tên đăng nhập camera').fill('giamsat2');
      await editForm.getByLabel('Mật khẩu camera').fill(`${password}-2`);
      const patched = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().endsWith(`/api/v1/cameras/${camera.id}`));
      await editForm.getByRole('button', { name: 'Lưu' }).click();
      const patchRes = await patched;
      assert.equal(patchRes.status(), 200, `PATCH: ${patchRes.status()} ${await patchRes.text()}`);
      assert.deepEqual(JSON.parse(patchRes.request().postData()), { main_url: movedUrl, username: 'giamsat2', password: `${password}-2` });
      await page.getByRole('heading', { name: `Camera ${cameraName}`, level: 1 }).waitFor();
      await page.getByText(movedUrl, { exact: true }).waitFor();

      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  });
});
