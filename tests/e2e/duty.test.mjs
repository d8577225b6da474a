// Browser test of the duty board against the real server (demo installation): an entry written in
// the duty log in one browser context appears in a second one, without reload, within a second.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { login as apiLogin, pickLogin, startServer } from '../api/server.mjs';
import { assertConsoleBuilt, launchBrowser } from './browser.mjs';

const TIMEOUT = 20000;
const LIVE_WITHIN_MS = 1000;

function unitByCode(units, code) {
  return units.find((u) => u.code === code) ?? units.find((u) => u.code.endsWith(`-${code}`)) ?? null;
}

describe('operator console: duty board', { timeout: 180000 }, () => {
  let server;
  let browser;
  let unit; // the unit whose current shift has two members with demo logins
  let members; // [{username, password, user_id, position}]

  before(async () => {
    assertConsoleBuilt();
    server = await startServer({ demo: true });
    browser = await launchBrowser();
    const admin = pickLogin(server.logins, 'admin');
    const api = await apiLogin(server.url, admin.username, admin.password);
    const units = (await api.get('/api/v1/units')).json.items;
    const byUsername = new Map(server.logins.map((l) => [l.username, l]));
    const tried = [];
    for (const code of ['HP', 'DTCBL']) {
      const u = unitByCode(units, code);
      if (!u) continue;
      const r = await api.get(`/api/v1/shifts/current?unit=${u.id}`);
      assert.equal(r.status, 200, r.text);
      const current = r.json.current;
      tried.push({ code, unit: u.id, current: current && current.members.map((m) => m.username) });
      if (!current || current.status !== 'on_duty') continue;
      const withLogin = current.members
        .filter((m) => byUsername.has(m.username))
        .map((m) => ({ ...byUsername.get(m.username), user_id: m.user_id, position: m.position, full_name: m.full_name }));
      if (withLogin.length >= 2) {
        unit = u;
        members = withLogin;
        break;
      }
    }
    assert.ok(unit, `no demo unit (HP, DTCBL) has a shift on duty with two members who have demo logins: ${JSON.stringify(tried)}`);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function signedIn(who) {
    const context = await browser.newContext({ locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    await page.goto(`${server.url}/`);
    await page.getByLabel('Tên đăng nhập').fill(who.username);
    await page.getByLabel('Mật khẩu', { exact: true }).fill(who.password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
    await page.goto(`${server.url}/#/duty/${unit.id}`);
    await page.getByRole('heading', { name: 'Trực ban', level: 1 }).waitFor();
    // The board shows the current shift, and the live channel is up.
    await page.getByTestId('current-shift').getByText('Đang trực').waitFor();
    await page.getByTestId('live-state').getByText('Cập nhật trực tiếp').waitFor();
    await page.getByRole('form', { name: 'Ghi nhật ký' }).waitFor();
    return page;
  }

  test('an entry written in one browser appears in another within a second, without reload', async () => {
    const [writerWho, readerWho] = members;
    const writer = await signedIn(writerWho);
    const reader = await signedIn(readerWho);
    try {
      // A reload would lose this marker.
      await reader.evaluate(() => {
        window.__dutyMarker = 'still here';
      });
      const text = `Tiếp nhận tin báo container nghi vấn — kiểm thử ${Date.now()}`;
      const form = writer.getByRole('form', { name: 'Ghi nhật ký' });
      await form.getByLabel('Loại nội dung ghi').selectOption('information_received');
      await form.getByLabel('Nội dung', { exact: true }).fill(text);
      const posted = writer.waitForResponse((r) => r.request().method() === 'POST' && /\/api\/v1\/shifts\/\d+\/log$/.test(r.url()));
      await form.getByRole('button', { name: 'Ghi nhật ký' }).click();
      const res = await posted;
      assert.equal(res.status(), 201, await res.text());
      const start = Date.now();
      const entry = await res.json();

      const readerEntry = reader.locator(`#log-entry-${entry.id}`);
      await readerEntry.getByText(text).waitFor({ timeout: LIVE_WITHIN_MS * 3 });
      const elapsed = Date.now() - start;
      assert.ok(elapsed <= LIVE_WITHIN_MS, `the entry appeared after ${elapsed} ms (limit ${LIVE_WITHIN_MS} ms)`);
      assert.equal(await reader.evaluate(() => window.__dutyMarker), 'still here', 'the reader did not reload');

      // Shown with its kind and author, as the newest (last) entry.
      await readerEntry.getByText('Tiếp nhận thông tin').waitFor();
      await readerEntry.locator('.log-author').getByText(writerWho.full_name).waitFor();
      const lastId = await reader.locator('[data-testid="duty-log"] > li').last().getAttribute('id');
      assert.equal(lastId, `log-entry-${entry.id}`);

      // A correction points to the entry it corrects, live as well.
      const text2 = `Đính chính: container đã được kiểm tra ${Date.now()}`;
      await form.getByLabel('Đính chính nội dung ghi').selectOption(String(entry.id));
      await form.getByLabel('Nội dung', { exact: true }).fill(text2);
      await form.getByRole('button', { name: 'Ghi nhật ký' }).click();
      const correction = reader.locator('[data-testid="duty-log"] > li', { hasText: text2 });
      await correction.getByText(`Đính chính nội dung ghi #${entry.id}`).waitFor({ timeout: 3000 });
      await readerEntry.getByText(/Đã được đính chính bởi nội dung ghi/).waitFor();
    } finally {
      await writer.context().close();
      await reader.context().close();
    }
  });

  test('the roster calendar shows the unit’s rosters and a Monday-first month', async () => {
    const page = await signedIn(members[0]);
    try {
      await page.goto(`${server.url}/#/rosters/${unit.id}`);
      await page.getByRole('heading', { name: 'Lịch trực ban', level: 1 }).waitFor();
      await page.getByTestId('roster-list').getByText('Đã ban hành').first().waitFor();
      const heads = await page.getByTestId('calendar').locator('thead th').allInnerTexts();
      assert.deepEqual(heads.map((h) => h.trim()), ['T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'CN']);
      // Today's cell (the unit's day) names the shift leader and counts the members.
      await page.getByTestId('calendar').locator('td.today .day-shift .count').waitFor();
    } finally {
      await page.context().close();
    }
  });
});
