// Browser test of the supervision cases against the real server (demo installation): a branch
// officer reports a case in one browser context; the duty officer of Hải Phòng, whose shift is on
// duty and who has the case list open in another, sees it within a second, without reload.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { login as apiLogin, pickLogin, startServer } from '../api/server.mjs';
import { assertConsoleBuilt, launchBrowser, localInput } from './browser.mjs';

const TIMEOUT = 20000;
const LIVE_WITHIN_MS = 1000;
const ZONE = 'Asia/Ho_Chi_Minh';

function unitByCode(units, code) {
  return units.find((u) => u.code === code) ?? units.find((u) => u.code.endsWith(`-${code}`)) ?? null;
}

describe('operator console: cases', { timeout: 180000 }, () => {
  let server;
  let browser;
  let dutyOfficer; // trucban.hp: on duty at Hải Phòng in the demo
  let reporter; // canbo.hpkv1: a branch officer of HP-CKKV1

  before(async () => {
    assertConsoleBuilt();
    server = await startServer({ demo: true });
    browser = await launchBrowser();
    const byUsername = new Map(server.logins.map((l) => [l.username, l]));
    dutyOfficer = byUsername.get('trucban.hp');
    reporter = byUsername.get('canbo.hpkv1');
    assert.ok(dutyOfficer && reporter, `demo logins trucban.hp and canbo.hpkv1 are missing: ${[...byUsername.keys()].join(', ')}`);

    // The premise: the duty officer is a member of Hải Phòng's shift on duty now.
    const admin = pickLogin(server.logins, 'admin');
    const api = await apiLogin(server.url, admin.username, admin.password);
    const units = (await api.get('/api/v1/units')).json.items;
    const hp = unitByCode(units, 'HP');
    assert.ok(hp, 'the demo has no unit HP');
    const r = await api.get(`/api/v1/shifts/current?unit=${hp.id}`);
    assert.equal(r.status, 200, r.text);
    const current = r.json.current;
    assert.ok(
      current && current.status === 'on_duty' && current.members.some((m) => m.username === 'trucban.hp'),
      `trucban.hp is not on duty at HP: ${JSON.stringify(current && { status: current.status, members: current.members.map((m) => m.username) })}`,
    );
    const member = current.members.find((m) => m.username === 'trucban.hp');
    dutyOfficer = { ...dutyOfficer, user_id: member.user_id, full_name: member.full_name };
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function signedIn(who, hash) {
    const context = await browser.newContext({ locale: 'vi-VN', timezoneId: ZONE });
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    await page.goto(`${server.url}/`);
    await page.getByLabel('Tên đăng nhập').fill(who.username);
    await page.getByLabel('Mật khẩu', { exact: true }).fill(who.password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
    await page.goto(`${server.url}/${hash}`);
    return page;
  }

  async function openCaseList(who) {
    const page = await signedIn(who, '#/cases');
    await page.getByRole('heading', { name: 'Vụ việc có dấu hiệu vi phạm', level: 1 }).waitFor();
    await page.getByTestId('live-state').getByText('Cập nhật trực tiếp').waitFor();
    await page.getByRole('link', { name: 'Hộp thư' }).waitFor();
    return page;
  }

  async function openReportForm(who) {
    const page = await signedIn(who, '#/cases/new');
    await page.getByRole('heading', { name: 'Báo cáo vụ việc có dấu hiệu vi phạm', level: 1 }).waitFor();
    return page;
  }

  test('a case reported by a branch officer appears on the duty officer’s list within a second, without reload', async () => {
    const reader = await openCaseList(dutyOfficer);
    const writer = await openReportForm(reporter);
    try {
      // A reload would lose this marker.
      await reader.evaluate(() => {
        window.__casesMarker = 'still here';
      });
      const stamp = Date.now();
      const container = `TCNU${String(stamp).slice(-7)}`;
      const form = writer.getByRole('form', { name: 'Báo cáo vụ việc có dấu hiệu vi phạm' });
      await form.getByLabel('Địa điểm', { exact: true }).fill('Cổng B cảng Tân Vũ');
      await form.getByLabel('Loại vụ việc').selectOption('goods');
      await form.getByLabel('Mức độ').selectOption('high');
      await form.getByLabel('Mô tả sự việc').fill(`Container có dấu hiệu bị cắt niêm phong — kiểm thử ${stamp}`);
      await form.getByLabel('Dấu hiệu vi phạm').fill('Nghi vấn đưa hàng ra khỏi khu vực giám sát trái phép');
      await form.getByLabel('Số container').fill(`${container}, MSCU7654321 `);
      await form.getByLabel('Biển số phương tiện').fill('15C-123.45');
      await form.getByRole('button', { name: 'Thêm camera' }).click();
      const camera = form.getByTestId('camera-row-0');
      await camera.getByLabel('Camera', { exact: true }).fill('CAM-TV-03');
      await camera.getByLabel('Từ', { exact: true }).fill(localInput(stamp - 15 * 60000));
      await camera.getByLabel('Đến', { exact: true }).fill(localInput(stamp - 5 * 60000));
      await form.getByLabel('Biện pháp đã áp dụng ngay').fill('Yêu cầu tạm dừng đưa container ra khỏi cảng');

      // A new case is created and reported in one request (one transaction).
      const reported = writer.waitForResponse((r) => r.request().method() === 'POST' && /\/api\/v1\/cases$/.test(r.url()));
      await form.getByRole('button', { name: 'Gửi báo cáo' }).click();
      const res = await reported;
      assert.equal(res.status(), 201, `POST /api/v1/cases: ${res.status()} ${await res.text()}\nrequest: ${res.request().postData()}`);
      assert.equal(JSON.parse(res.request().postData()).report, true);
      const start = Date.now();
      const kase = await res.json();
      assert.equal(kase.status, 'reported', JSON.stringify(kase));

      // The duty officer's list shows it, live.
      const row = reader.locator(`[data-testid="case-list"] tr[data-case-id="${kase.id}"]`);
      await row.waitFor({ timeout: LIVE_WITHIN_MS });
      const elapsed = Date.now() - start;
      assert.ok(elapsed <= LIVE_WITHIN_MS, `the case appeared after ${elapsed} ms (limit ${LIVE_WITHIN_MS} ms)`);
      assert.equal(await reader.evaluate(() => window.__casesMarker), 'still here', 'the duty officer’s page did not reload');
      await row.getByText(kase.number, { exact: true }).waitFor();
      await row.getByText('Đã báo cáo').waitFor();
      await row.getByText('Cao', { exact: true }).waitFor();
      await row.getByText('Điều 16 khoản 4 điểm a').waitFor();

      // Regular supervision goes to the duty watch (Art. 16.4.a): the duty officer is told, live.
      assert.ok(
        kase.routing && kase.routing.recipients.some((x) => x.user_id === dutyOfficer.user_id),
        `trucban.hp is not among the recipients: ${JSON.stringify(kase.routing)}`,
      );
      await reader.getByTestId('nav-inbox-count').waitFor({ timeout: 3000 });

      // The reporter lands on the case, with the routing explained.
      await writer.getByRole('heading', { name: `Vụ việc ${kase.number}`, level: 1 }).waitFor();
      await writer.getByTestId('routing').getByText('Theo Điều 16 khoản 4 điểm a').waitFor();
      await writer.getByTestId('routing').getByText(dutyOfficer.full_name).first().waitFor();

      // The duty officer opens it from the list and acknowledges it; the reporter's page follows.
      await row.getByRole('link', { name: kase.number }).click();
      await reader.getByRole('heading', { name: `Vụ việc ${kase.number}`, level: 1 }).waitFor();
      await reader.getByTestId('routing').getByText('Theo Điều 16 khoản 4 điểm a').waitFor();
      await reader.getByText(container).waitFor();
      const acknowledged = reader.waitForResponse((r) => r.request().method() === 'POST' && /\/acknowledge$/.test(r.url()));
      await reader.getByRole('button', { name: 'Tiếp nhận', exact: true }).click();
      const ack = await acknowledged;
      assert.equal(ack.status(), 200, `POST /api/v1/cases/{id}/acknowledge: ${ack.status()} ${await ack.text()}`);
      await writer.locator('.page-head').getByText('Đã tiếp nhận').waitFor({ timeout: 3000 });
      await writer.getByTestId('timeline').locator('li').nth(1).waitFor();
    } finally {
      await writer.context().close();
      await reader.context().close();
    }
  });

  test('the report form shows the server’s field errors next to the fields', async () => {
    const page = await openReportForm(reporter);
    try {
      // Nothing filled in but what the form starts with: no site, no description.
      const form = page.getByRole('form', { name: 'Báo cáo vụ việc có dấu hiệu vi phạm' });
      const refused = page
        .waitForResponse(
          (r) => r.request().method() === 'POST' && /\/api\/v1\/cases(\/\d+\/report)?$/.test(r.url()) && r.status() >= 400,
          { timeout: 5000 },
        )
        .catch(() => null);
      await form.getByRole('button', { name: 'Gửi báo cáo' }).click();
      const res = await refused;
      assert.ok(res, 'a case without a site or a description was created and reported');
      assert.ok(res.status() < 500, `${res.url()}: ${res.status()} ${await res.text()}`);
      const problem = await res.json();
      const error = (problem.errors ?? []).find((e) => e.field === 'site');
      assert.ok(error, `no field error for site: ${JSON.stringify(problem)}`);
      await form.locator('.field.has-error', { has: page.locator('#cr-site') }).getByText(error.message_vi).waitFor();
      assert.equal(await page.locator('#cr-site').getAttribute('aria-invalid'), 'true');
    } finally {
      await page.context().close();
    }
  });
  test('16.4(c) in the browser: the focal point forwards the waiting case, a leader directs, the focal point passes it on', async () => {
    const byUsername = new Map(server.logins.map((l) => [l.username, l]));
    const focal = byUsername.get('tonghop.vp');
    const leader = byUsername.get('lanhdao.tchq');
    const api = await apiLogin(server.url, focal.username, focal.password);
    const waiting = (await api.get('/api/v1/cases?method=keypoint_directive')).json.items.find((c) => c.relay?.stage === 'at_focal_point');
    assert.ok(waiting, 'the demo has a 16.4(c) case waiting at the focal point');

    const page = await signedIn(focal, `#/cases/${waiting.id}`);
    const panel = page.getByTestId('relay');
    await panel.getByRole('heading', { name: 'Báo cáo Lãnh đạo qua đầu mối (Điều 16.4.c)' }).waitFor();
    assert.equal(await panel.getAttribute('data-stage'), 'at_focal_point');
    await panel.getByRole('button', { name: 'Chuyển Lãnh đạo' }).click();
    const form = page.getByRole('form', { name: 'Chuyển Lãnh đạo' });
    await form.getByRole('checkbox').first().check();
    await form.getByLabel('Tóm tắt nội dung báo cáo').fill('Xe 12C-045.67: số kiện thực tế nhiều hơn khai báo, đề nghị chỉ đạo kiểm tra');
    await form.getByRole('button', { name: 'Chuyển Lãnh đạo' }).click();
    await page.locator('[data-testid="relay"][data-stage="forwarded"]').waitFor();
    await page.context().close();

    const leaderPage = await signedIn(leader, `#/cases/${waiting.id}`);
    const lp = leaderPage.getByTestId('relay');
    await lp.getByRole('button', { name: 'Cho ý kiến chỉ đạo' }).click();
    const direct = leaderPage.getByRole('form', { name: 'Cho ý kiến chỉ đạo' });
    await direct.getByLabel('Nội dung chỉ đạo').fill('Giao Cục Hải quan Lạng Sơn kiểm tra thực tế toàn bộ lô hàng');
    await direct.getByRole('button', { name: 'Cho ý kiến chỉ đạo' }).click();
    await leaderPage.locator('[data-testid="relay"][data-stage="directed"]').waitFor();
    assert.equal(await lp.getByRole('button', { name: 'Chuyển chỉ đạo đến đơn vị' }).count(), 0, 'the leader does not pass it on himself');
    await leaderPage.context().close();

    const back = await signedIn(focal, `#/cases/${waiting.id}`);
    const bp = back.getByTestId('relay');
    await bp.getByRole('button', { name: 'Chuyển chỉ đạo đến đơn vị' }).click();
    await back.getByRole('form', { name: 'Chuyển chỉ đạo đến đơn vị' }).getByRole('button', { name: 'Chuyển chỉ đạo đến đơn vị' }).click();
    await back.locator('[data-testid="relay"][data-stage="direction_relayed"]').waitFor();
    assert.match(await bp.textContent(), /Giao Cục Hải quan Lạng Sơn kiểm tra thực tế/);
    await back.context().close();
  });
});
