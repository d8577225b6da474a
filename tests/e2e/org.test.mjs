// Browser test of the organisation page against the real server (demo installation).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { pickLogin, startServer } from '../api/server.mjs';
import { assertConsoleBuilt, launchBrowser } from './browser.mjs';

const TIMEOUT = 20000;

describe('operator console: organisation', { timeout: 120000 }, () => {
  let server;
  let browser;

  before(async () => {
    assertConsoleBuilt();
    server = await startServer({ demo: true });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function newPage() {
    const context = await browser.newContext({ locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    return page;
  }

  async function login(page, username, password) {
    await page.goto(`${server.url}/`);
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Mật khẩu', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
  }

  test('a duty officer signs in and sees the unit tree, in Vietnamese then English', async () => {
    const who = pickLogin(server.logins, 'duty_officer');
    const page = await newPage();
    try {
      await login(page, who.username, who.password);
      await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
      await page.getByRole('link', { name: 'Tổ chức' }).click();
      const tree = page.getByRole('navigation', { name: 'Cây đơn vị' });
      await tree.getByText('Cục Điều tra chống buôn lậu', { exact: true }).waitFor();

      await page.getByRole('button', { name: 'English' }).click();
      await page.getByRole('navigation', { name: 'Unit tree' }).getByText('Anti-Smuggling Investigation Department', { exact: true }).waitFor();
      assert.equal(await page.evaluate(() => localStorage.getItem('watchfloor.lang')), 'en');
      assert.equal(await page.getAttribute('html', 'lang'), 'en');

      // The choice survives a reload.
      await page.reload();
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      await page.getByText('Anti-Smuggling Investigation Department', { exact: true }).first().waitFor();

      // Selecting the unit shows its details with the designations as links.
      await page.getByRole('link', { name: /Anti-Smuggling Investigation Department/ }).first().click();
      const details = page.locator('article', { has: page.getByRole('heading', { name: 'Anti-Smuggling Investigation Department' }) });
      await details.waitFor();
      await details.getByText('Designated units').waitFor();
      assert.ok((await details.locator('a[href^="#/org/"]').count()) >= 2, 'parent and designations are links');
    } finally {
      await page.context().close();
    }
  });

  test('an administrator unlocks the sign-in of a throttled officer', async () => {
    const who = pickLogin(server.logins, 'office_officer', { exclude: ['admin', 'duty_officer'] });
    const admin = pickLogin(server.logins, 'admin');
    const tryLogin = (password) => fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: who.username, password }),
    });
    for (let i = 0; i < 5; i++) assert.equal((await tryLogin(`${who.password}-wrong-${i}`)).status, 401);
    assert.equal((await tryLogin(who.password)).status, 429, 'throttled from this address');
    const page = await newPage();
    try {
      await login(page, admin.username, admin.password);
      await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
      await page.goto(`${server.url}/#/users`);
      await page.getByRole('button', { name: `Mở khóa đăng nhập: ${who.username}` }).click();
      await page.getByText(`Đã mở khóa đăng nhập cho ${who.username}.`).waitFor();
      assert.equal((await tryLogin(who.password)).status, 200, 'the right password works again');
    } finally {
      await page.context().close();
    }
  });

  test('a wrong password shows the server’s message and stays on the login page', async () => {
    const who = pickLogin(server.logins, 'duty_officer');
    const page = await newPage();
    try {
      await login(page, who.username, `${who.password}-wrong`);
      const alert = page.getByRole('alert');
      await alert.waitFor();
      const text = (await alert.innerText()).trim();
      // The page shows the server's own Vietnamese title for the 401 problem.
      const res = await fetch(`${server.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: who.username, password: `${who.password}-wrong` }),
      });
      assert.equal(res.status, 401);
      const problem = await res.json();
      assert.ok(problem.title_vi, 'the server sends a Vietnamese title');
      assert.ok(text.includes(problem.title_vi), `alert "${text}" shows "${problem.title_vi}"`);
      assert.equal(await page.getByRole('button', { name: 'Đăng xuất' }).count(), 0);
      assert.equal(await page.getByLabel('Mật khẩu', { exact: true }).inputValue(), '');
    } finally {
      await page.context().close();
    }
  });
});
