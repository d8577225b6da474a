// Browser test of live view and the video wall (issue 12 §2–3) against the real server and the
// camera simulator: a live tile really paints moving pictures (video.currentTime advances, the frame
// drawn into a canvas is not blank), instant replay 30 s back plays, the wall saves a view and opens it
// again after a reload, and a tile of a camera outside the viewer's scope says "no permission" while
// the live route answers 403.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { login as apiLogin, sleep, startServer } from '../api/server.mjs';
import { startCamsim, until } from '../api/camsim.mjs';
import { assertConsoleBuilt, launchBrowser } from './browser.mjs';

const TIMEOUT = 30_000;
const ZONE = 'Asia/Ho_Chi_Minh';
const RECORDER = { segment_s: 6, rtsp_timeout_s: 2, offline_alert_s: 2, backoff_max_s: 2, retention_interval_s: 5 };

/** currentTime now and 2 s later, and the pixel spread of the painted frame (0 for a blank one). */
async function picture(page, selector) {
  return page.evaluate(async (sel) => {
    const v = document.querySelector(sel);
    if (!v || v.readyState < 2) return { ready: false };
    const t0 = v.currentTime;
    await new Promise((r) => setTimeout(r, 2000));
    const c = document.createElement('canvas');
    c.width = 64;
    c.height = 36;
    const g = c.getContext('2d');
    g.drawImage(v, 0, 0, c.width, c.height);
    const px = g.getImageData(0, 0, c.width, c.height).data;
    let sum = 0;
    let sq = 0;
    const n = px.length / 4;
    for (let i = 0; i < px.length; i += 4) {
      const y = 0.299 * px[i] + 0.587 * px[i + 1] + 0.114 * px[i + 2];
      sum += y;
      sq += y * y;
    }
    const mean = sum / n;
    return { ready: true, t0, t1: v.currentTime, variance: sq / n - mean * mean, width: v.videoWidth };
  }, selector);
}

describe('live view and the video wall', { timeout: 300_000 }, () => {
  let server;
  let browser;
  let sim;
  let camId;
  const pw = (u) => server.logins.find((l) => l.username === u).password;

  before(async () => {
    assertConsoleBuilt();
    sim = await startCamsim(['--cameras', '2', '--sub', '--resolution', '360p', '--bitrate', '400', '--gop', '25']);
    server = await startServer({ config: { recorder: RECORDER } });
    browser = await launchBrowser();
    const admin = await apiLogin(server.url, 'admin.tchq', pw('admin.tchq'));
    const units = (await admin.get('/api/v1/units')).json.items;
    const hp = units.find((u) => u.code === 'HP-CKKV1');
    const site = await admin.post('/api/v1/sites', { unit_id: hp.id, kind: 'seaport', name: 'Cảng Tân Vũ — kiểm thử' });
    assert.equal(site.status, 201, site.text);
    const cam = await admin.post('/api/v1/cameras', {
      site_id: site.json.id,
      name: 'Cổng B - camera trực tiếp',
      main_url: sim.url(1),
      sub_url: sim.url(1, 'sub'),
    });
    assert.equal(cam.status, 201, cam.text);
    camId = cam.json.id;
    // Recording for a while, so that 30 s back has something to play.
    await until('the camera online', async () => (await admin.get(`/api/v1/cameras/${camId}`)).json.state === 'online', 60_000, 500);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await sim?.stop();
  });

  async function open(user) {
    const context = await browser.newContext({ locale: 'vi-VN', timezoneId: ZONE });
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${server.url}/`);
    await page.getByLabel('Tên đăng nhập').fill(user);
    await page.getByLabel('Mật khẩu', { exact: true }).fill(pw(user));
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
    return { context, page, errors };
  }

  test("the division's officer watches a Hải Phòng camera live: moving pictures, latency, and 30 s of instant replay", async () => {
    const { context, page, errors } = await open('canbo.gstt');
    try {
      await page.goto(`${server.url}/#/cameras/${camId}`);
      const tile = page.locator('[data-testid=live-tile]');
      await tile.and(page.locator('[data-state=playing]')).waitFor();
      await until('live pictures', async () => {
        const p = await picture(page, '[data-testid=live-video]');
        return p.ready && p.t1 - p.t0 > 1 && p.variance > 20 ? p : null;
      }, 30_000, 100);
      // The overlay: camera, Vietnam time, and a measured latency.
      await page.locator('[data-testid=live-latency]').waitFor();
      const overlay = await tile.textContent();
      assert.match(overlay, /Cổng B - camera trực tiếp/);
      assert.match(overlay, /\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d/);
      const latency = Number((await page.locator('[data-testid=live-latency]').textContent()).replace(/\D/g, ''));
      assert.ok(latency > 0 && latency < 5000, `latency ${latency} ms`);

      // Wait until 30 s have been recorded, then replay them in place.
      await sleep(20_000);
      await page.getByRole('button', { name: '−30 giây' }).click();
      const replay = page.locator('[data-testid=replay-video]');
      await replay.waitFor();
      assert.match(await replay.getAttribute('src'), new RegExp(`/api/v1/cameras/${camId}/media\\.mp4\\?from=`));
      await until('the replay plays', async () => {
        const p = await picture(page, '[data-testid=replay-video]');
        return p.ready && p.t1 - p.t0 > 1 && p.variance > 20 ? p : null;
      }, 30_000, 200);
      await page.getByRole('button', { name: 'Trực tiếp', exact: true }).click();
      await tile.and(page.locator('[data-state=playing]')).waitFor();
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('the wall saves a view and opens it again after a reload, the small tile on the sub stream', async () => {
    const { context, page, errors } = await open('canbo.gstt');
    try {
      await page.goto(`${server.url}/#/wall`);
      await page.getByRole('heading', { name: 'Màn hình giám sát', level: 1 }).waitFor();
      await page.getByTestId('camera-tree').getByRole('button', { name: 'Cổng B - camera trực tiếp' }).click();
      await page.locator('[data-testid=wall-slot][data-slot="1"]').click();
      const tile = page.locator(`[data-testid=wall-slot][data-slot="1"] [data-testid=live-tile][data-camera-id="${camId}"]`);
      await tile.waitFor();
      assert.equal(await tile.getAttribute('data-stream'), 'sub');
      await page.getByTestId('wall-name').fill('Cảng Tân Vũ — cổng B');
      await page.getByTestId('wall-shared').check();
      const saved = page.waitForResponse((r) => r.request().method() === 'POST' && /\/api\/v1\/wall-views$/.test(r.url()));
      await page.getByTestId('wall-save-new').click();
      const res = await saved;
      assert.equal(res.status(), 201, await res.text());
      const view = await res.json();
      assert.deepEqual(view.tiles, [null, camId]);
      await page.waitForURL(new RegExp(`#/wall/${view.id}$`));

      await page.reload();
      await page.getByRole('heading', { name: 'Màn hình giám sát — Cảng Tân Vũ — cổng B', level: 1 }).waitFor();
      const again = page.locator(`[data-testid=wall-slot][data-slot="1"] [data-testid=live-tile][data-camera-id="${camId}"]`);
      await again.and(page.locator('[data-state=playing]')).waitFor();
      await until('pictures on the wall', async () => {
        const p = await picture(page, `[data-testid=live-tile][data-camera-id="${camId}"] video`);
        return p.ready && p.t1 > p.t0 && p.variance > 20 ? p : null;
      }, 30_000, 100);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('a tile of a camera outside the viewer scope says "no permission", and the live route answers 403', async () => {
    // The inspector (auditor) reads every camera and every shared view, but watches none live.
    const gstt = await apiLogin(server.url, 'canbo.gstt', pw('canbo.gstt'));
    const shared = await gstt.post('/api/v1/wall-views', { name: 'Phòng GSTT — Hải Phòng', layout: '4', tiles: [camId], shared: true });
    assert.equal(shared.status, 201, shared.text);
    const { context, page } = await open('kiemtra.tchq');
    try {
      const status = await page.evaluate(async (id) => (await fetch(`/api/v1/cameras/${id}/live?stream=sub`)).status, camId);
      assert.equal(status, 403);
      await page.goto(`${server.url}/#/wall/${shared.json.id}`);
      const tile = page.locator(`[data-testid=live-tile][data-camera-id="${camId}"]`);
      await tile.and(page.locator('[data-state=forbidden]')).waitFor();
      assert.match(await tile.textContent(), /Không có quyền xem trực tiếp camera này/);
    } finally {
      await context.close();
    }
  });
});
