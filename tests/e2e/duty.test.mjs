// Browser test of the duty board against the real server (demo installation): an entry written in
// the duty log in one browser context appears in a second one, without reload, within a second; the
// incoming shift leader takes each open item of the handover over before accepting the shift.
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

  // `member`: the board is that of a shift `who` is on, so its log form shows.
  async function signedIn(who, { member = true } = {}) {
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
    if (member) await page.getByRole('form', { name: 'Ghi nhật ký' }).waitFor();
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

  test('the incoming shift leader accepts each open item of the handover, then the shift (Art. 15.2)', async () => {
    const byUsername = new Map(server.logins.map((l) => [l.username, l]));
    const admin = await apiLogin(server.url, pickLogin(server.logins, 'admin').username, pickLogin(server.logins, 'admin').password);
    const { current, next } = (await admin.get(`/api/v1/shifts/current?unit=${unit.id}`)).json;
    const leaderOf = (s) => byUsername.get(s.members.find((m) => m.position === 'shift_leader').username);
    const outgoing = await apiLogin(server.url, leaderOf(current).username, leaderOf(current).password);
    const prepared = await outgoing.post(`/api/v1/shifts/${current.id}/handover`, { summary: 'Ca trực bình thường' });
    assert.equal(prepared.status, 200, prepared.text);
    const items = prepared.json.open_items;
    assert.ok(items.length > 0, 'the demo shift hands over open items');

    const page = await signedIn(leaderOf(next), { member: false });
    try {
      const rows = page.getByTestId('handover-items').locator('tbody tr');
      await rows.first().waitFor();
      assert.equal(await rows.count(), items.length);
      const acceptShift = page.getByRole('form', { name: 'Tiếp nhận ca trực' }).getByRole('button', { name: 'Tiếp nhận ca trực' });
      assert.equal(await acceptShift.isDisabled(), true, 'not before each item is taken over');
      await page.getByText(`Còn ${items.length} việc tồn đọng chưa tiếp nhận hoặc ghi nhận`).waitFor();
      for (let i = 0; i < items.length; i += 1) {
        const row = rows.nth(i);
        await row.getByRole('button', { name: 'Tiếp nhận', exact: true }).click();
        await row.locator('.item-decision').getByText('Đã tiếp nhận').waitFor();
      }
      await page.waitForFunction(
        () => !document.querySelector('form[aria-label="Tiếp nhận ca trực"] button[type="submit"]')?.disabled,
      );
      await acceptShift.click();
      await page.getByText('Đã tiếp nhận ca trực.').waitFor();
      const after = (await admin.get(`/api/v1/shifts/${current.id}/handover`)).json;
      assert.equal(after.status, 'accepted');
      for (const item of after.open_items) assert.equal(item.acceptance?.decision, 'accepted', JSON.stringify(item));
    } finally {
      await page.context().close();
    }
  });
});
