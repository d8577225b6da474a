// Browser test of the map and of the home page of each post against the demo installation with its
// simulated cameras (`watchfloor demo --camsim`): the map draws with no request leaving 127.0.0.1,
// shows the demo sites and the archipelagos, zooms to a province and lists a site's cameras; each
// post lands on its own page after login.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startServer } from '../api/server.mjs';
import { CAMSIM, freePort } from '../api/camsim.mjs';
import { assertConsoleBuilt, launchBrowser } from './browser.mjs';

const TIMEOUT = 20000;
const DEMO_SITES = ['Cảng Tân Vũ', 'Cửa khẩu quốc tế Hữu Nghị', 'Kho ngoại quan Đình Vũ', 'Cửa khẩu quốc tế Lao Bảo'];

describe('operator console: map and home pages', { timeout: 240000 }, () => {
  let server;
  let browser;

  before(async () => {
    assertConsoleBuilt();
    server = await startServer({ demo: true, extraArgs: ['--camsim', CAMSIM, '--camsim-port', String(await freePort())] });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** A signed-in page whose every request is recorded; anything not to 127.0.0.1 is refused and listed. */
  async function signedIn(username) {
    const who = server.logins.find((l) => l.username === username);
    assert.ok(who, `demo login ${username}`);
    const context = await browser.newContext({ locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
    const outside = [];
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === '127.0.0.1' || url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
      outside.push(url.href);
      return route.abort();
    });
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${server.url}/`);
    await page.getByLabel('Tên đăng nhập').fill(who.username);
    await page.getByLabel('Mật khẩu', { exact: true }).fill(who.password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
    return { page, outside, errors };
  }

  test('the map draws offline with the demo sites, zooms to a province and lists a site’s cameras', async () => {
    const { page, outside, errors } = await signedIn('canbo.gstt');
    try {
      await page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Bản đồ', exact: true }).click();
      await page.waitForURL(/#\/map$/);
      await page.getByRole('heading', { name: 'Bản đồ giám sát', level: 1 }).waitFor();
      const map = page.getByTestId('vn-map');
      await map.locator('path.province').first().waitFor();
      // Today's 34 provinces and centrally-run cities (Nghị quyết 202/2025/QH15), not the 64 of before 2008.
      assert.equal(await map.locator('path.province').count(), 34, 'every province of 2025 is drawn, once');
      assert.equal(await map.locator('path[data-province="VN-61"]').count(), 0, 'Hải Dương is part of Hải Phòng');
      // Hoàng Sa and Trường Sa are drawn and named as part of Viet Nam.
      await map.locator('[data-archipelago="hoang-sa"] text').getByText('Quần đảo Hoàng Sa').waitFor();
      await map.locator('[data-archipelago="truong-sa"] text').getByText('Quần đảo Trường Sa').waitFor();
      assert.match(await map.locator('[data-archipelago="hoang-sa"] > title').textContent(), /Đà Nẵng/);
      assert.match(await map.locator('[data-archipelago="truong-sa"] > title').textContent(), /Khánh Hòa/);
      // Every demo site is a marker and a row; in the sector-wide watch of the division, all of them.
      const table = page.getByTestId('map-sites');
      for (const name of DEMO_SITES) {
        await map.locator('g.site-marker', { has: page.locator('title', { hasText: name }) }).waitFor();
        await table.getByRole('button', { name, exact: true }).waitFor();
      }
      assert.equal(await map.locator('g.site-marker').count(), DEMO_SITES.length);
      // The painted map has a real size (the SVG is not empty or collapsed).
      const box = await map.boundingBox();
      assert.ok(box && box.width > 300 && box.height > 300, JSON.stringify(box));

      // A site alone in its province: one click on its marker lists its cameras, each a link to its page.
      await map.locator('g.site-marker', { has: page.locator('title', { hasText: 'Cửa khẩu quốc tế Hữu Nghị' }) }).click();
      const panel = page.getByTestId('map-site');
      await panel.getByRole('heading', { name: 'Camera tại Cửa khẩu quốc tế Hữu Nghị' }).waitFor();
      await panel.getByRole('link', { name: 'Làn xe hàng xuất khẩu' }).waitFor();
      await panel.getByRole('link', { name: 'Bãi kiểm hóa' }).waitFor();

      // Hovering a province names it; a click zooms to it and keeps to its sites.
      const hp = map.locator('path[data-province="VN-HP"]');
      await hp.dispatchEvent('mouseenter');
      await page.getByTestId('map-hover').getByText('Thành phố Hải Phòng').waitFor();
      const wholeCountry = await map.getAttribute('viewBox');
      await hp.dispatchEvent('click');
      await page.getByTestId('map-zoom').getByText('Đang xem: Thành phố Hải Phòng').waitFor();
      assert.equal(await map.getAttribute('data-zoom'), 'VN-HP');
      assert.notEqual(await map.getAttribute('viewBox'), wholeCountry, 'the view closes in');
      const rows = await table.locator('tbody tr th button').allTextContents();
      assert.deepEqual(rows.sort(), ['Cảng Tân Vũ', 'Kho ngoại quan Đình Vũ'], 'only Hải Phòng’s sites');
      await map.locator('g.site-marker', { has: page.locator('title', { hasText: 'Cảng Tân Vũ' }) }).click();
      await panel.getByRole('heading', { name: 'Camera tại Cảng Tân Vũ' }).waitFor();
      const links = panel.getByRole('link');
      assert.equal(await links.count(), 3);
      const href = await panel.getByRole('link', { name: 'Cổng B - làn xe ra' }).getAttribute('href');
      assert.match(href, /^#\/cameras\/\d+$/);
      for (const badge of await panel.getByTestId('camera-state').all()) assert.ok(await badge.getAttribute('data-state'));

      await page.getByRole('button', { name: 'Về toàn quốc' }).click();
      await page.getByTestId('map-zoom').getByText('Toàn quốc').waitFor();
      assert.equal(await map.getAttribute('viewBox'), wholeCountry);

      // From the list of cameras to the camera's page.
      await page.getByTestId('map-site').getByRole('link', { name: 'Cổng B - làn xe ra' }).click();
      await page.waitForURL(new RegExp(`${href.replace(/[/#]/g, '\\$&')}$`));
      await page.getByRole('heading', { name: 'Camera Cổng B - làn xe ra', level: 1 }).waitFor();

      assert.deepEqual(outside, [], 'no request left 127.0.0.1');
      assert.deepEqual(errors, []);
    } finally {
      await page.context().close();
    }
  });

  test('each post lands on its own page after login, and can switch', async () => {
    // An online supervision officer: the video wall.
    {
      const { page, outside } = await signedIn('canbo.gstt');
      try {
        await page.waitForURL(/#\/wall$/);
        const nav = page.getByRole('navigation', { name: 'Điều hướng chính' });
        assert.equal(await nav.getByRole('link', { name: 'Màn hình giám sát' }).getAttribute('aria-current'), 'page');
        await nav.getByRole('link', { name: 'Trực ban', exact: true }).click();
        await page.waitForURL(/#\/duty$/);
        await page.getByTestId('current-shift').getByText('Đang trực').waitFor();
        assert.deepEqual(outside, []);
      } finally {
        await page.context().close();
      }
    }
    // Hải Phòng's shift leader: the duty board of the watch he serves in, with its shift on duty.
    {
      const { page } = await signedIn('truongca.hp');
      try {
        await page.waitForURL(/#\/duty$/);
        await page.getByRole('heading', { name: 'Trực ban', level: 1 }).waitFor();
        await page.getByTestId('current-shift').getByText('Đang trực').waitFor();
        await page.getByText('Cục Hải quan thành phố Hải Phòng').first().waitFor();
      } finally {
        await page.context().close();
      }
    }
    // A leader: the inbox.
    {
      const { page } = await signedIn('lanhdao.hp');
      try {
        await page.waitForURL(/#\/inbox$/);
        await page.getByRole('heading', { name: 'Hộp thư', level: 1 }).waitFor();
      } finally {
        await page.context().close();
      }
    }
    // A deep link survives the login.
    {
      const who = server.logins.find((l) => l.username === 'lanhdao.hp');
      const context = await browser.newContext({ locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
      const page = await context.newPage();
      page.setDefaultTimeout(TIMEOUT);
      try {
        await page.goto(`${server.url}/#/map`);
        await page.getByLabel('Tên đăng nhập').fill(who.username);
        await page.getByLabel('Mật khẩu', { exact: true }).fill(who.password);
        await page.getByRole('button', { name: 'Đăng nhập' }).click();
        await page.getByRole('heading', { name: 'Bản đồ giám sát', level: 1 }).waitFor();
        assert.match(page.url(), /#\/map$/);
      } finally {
        await context.close();
      }
    }
  });
});
