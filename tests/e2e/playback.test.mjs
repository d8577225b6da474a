// Browser test of playback on the camera page against the real server recording the camera simulator:
// the operator zooms the timeline to ten minutes, jumps to a typed time, plays at 2×, pauses and steps
// one frame (the video's currentTime moves by one frame), sees the playhead follow, places an evidence
// hold and sees its band on the timeline, plays on at 8× into the next clip, then opens the case raised
// from the camera by its marker.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { login as apiLogin, pickLogin, sleep, startServer } from '../api/server.mjs';
import { startCamsim, until } from '../api/camsim.mjs';
import { assertConsoleBuilt, launchBrowser } from './browser.mjs';

const TIMEOUT = 20000;
const ZONE = 'Asia/Ho_Chi_Minh';
const RECORDER = { segment_s: 6, rtsp_timeout_s: 2, offline_alert_s: 2, backoff_max_s: 2, retention_interval_s: 5 };
// One frame of the simulator's 25 fps, as the recorder measures it (24–26 fps).
const ONE_FRAME = [1 / 27, 1 / 23];

/** dd/MM/yyyy and HH:mm:ss of an instant in Vietnam, as the operator types them. */
function vnParts(ms) {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(ms))
      .map((x) => [x.type, x.value]),
  );
  return { date: `${p.day}/${p.month}/${p.year}`, time: `${p.hour}:${p.minute}:${p.second}` };
}

describe('operator console: playback on the camera page', { timeout: 240_000 }, () => {
  let sim;
  let server;
  let browser;
  let admin;
  let officer; // supervision officer of HP-CKKV1: plays back, holds, reports cases
  let camera;
  let kase;

  before(async () => {
    assertConsoleBuilt();
    sim = await startCamsim(['--cameras', '1', '--resolution', '360p', '--bitrate', '400', '--gop', '25', '--user', 'viewer', '--password', 'Cam-pass-1']);

    server = await startServer({ demo: true, config: { recorder: RECORDER } });
    browser = await launchBrowser();
    admin = pickLogin(server.logins, 'admin');
    officer = server.logins.find((l) => l.username === 'canbo.hpkv1');
    assert.ok(officer, 'the demo has the supervision officer canbo.hpkv1');
    const api = await apiLogin(server.url, admin.username, admin.password);
    const units = (await api.request('GET', '/api/v1/units')).json;
    const unit = (units.items || units).find((u) => u.code === 'HP-CKKV1');
    const site = await api.request('POST', '/api/v1/sites', { unit_id: unit.id, kind: 'seaport', name: 'Cảng Tân Vũ — xem lại' });
    assert.equal(site.status, 201, site.text);
    const c = await api.request('POST', '/api/v1/cameras', {
      site_id: site.json.id,
      name: 'Cổng B — xem lại',
      main_url: sim.url(1),
      username: 'viewer',
      password: 'Cam-pass-1',
    });
    assert.equal(c.status, 201, c.text);
    camera = c.json;
    // Some 25 s recorded, two 6-second segments in the file.
    const recorded = await until(
      '25 s recorded',
      async () => {
        const now = Date.now();
        const r = await api.request('GET', `/api/v1/cameras/${camera.id}/recordings?from=${new Date(now - 3600_000).toISOString()}&to=${new Date(now + 60_000).toISOString()}`);
        const recorded = (r.json?.segments || []).reduce((s, x) => s + Date.parse(x.end) - Date.parse(x.start), 0);
        // The run being written is listed up to now: count what is already in its file (frames).
        const frames = (r.json?.segments || []).reduce((s, x) => s + x.frames, 0);
        return recorded >= 25_000 && frames >= 25 * 12 ? r.json : null;
      },
      90_000,
      1000,
    );
    // A case raised from this camera by the supervision officer of the branch who then plays it back (the
    // camera named in the case; a draft is read by its reporter).
    const first = Date.parse(recorded.segments[0].start);
    const caseApi = await apiLogin(server.url, officer.username, officer.password);
    const k = await caseApi.request('POST', '/api/v1/cases', {
      unit_id: unit.id,
      observed_at: new Date(first + 10_000).toISOString(),
      site: 'Cổng B cảng Tân Vũ',
      subject: 'goods',
      description: 'Xe chở container rời bãi khi chưa thông quan',
      immediate_measure: 'Yêu cầu dừng xe tại cổng',
      cameras: [{ camera: camera.name, from: new Date(first).toISOString(), to: new Date(first + 20_000).toISOString() }],
    });
    assert.equal(k.status, 201, k.text);
    kase = k.json;
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await sim?.stop();
  });

  test('zoom to ten minutes, jump to a time, play at 2×, step a frame, and see a hold placed', async () => {
    const context = await browser.newContext({ locale: 'vi-VN', timezoneId: ZONE });
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    try {
      await page.goto(`${server.url}/`);
      await page.getByLabel('Tên đăng nhập').fill(officer.username);
      await page.getByLabel('Mật khẩu', { exact: true }).fill(officer.password);
      await page.getByRole('button', { name: 'Đăng nhập' }).click();
      await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
      await page.goto(`${server.url}/#/cameras/${camera.id}`);
      await page.getByRole('heading', { name: `Camera ${camera.name}`, level: 1 }).waitFor();

      const timeline = page.getByTestId('timeline');
      await timeline.waitFor();
      assert.equal(await timeline.getAttribute('data-zoom'), '24h');
      await timeline.locator('.tl-bar.tl-rec').first().waitFor();

      // ---- zoom to ten minutes: the window is ten minutes wide, ticks every two minutes, now in view
      await page.getByRole('group', { name: 'Thu phóng dòng thời gian' }).getByRole('button', { name: '10 phút', exact: true }).click();
      await page.waitForFunction(() => document.querySelector('[data-testid="timeline"]')?.getAttribute('data-zoom') === '10m');
      const span = Date.parse(await timeline.getAttribute('data-end')) - Date.parse(await timeline.getAttribute('data-start'));
      assert.equal(span, 10 * 60_000);
      const labels = await timeline.locator('.tl-ticks span').allTextContents();
      assert.ok(labels.length >= 4 && labels.every((l) => /^\d{2}:\d{2}$/.test(l)), labels.join(' '));
      await timeline.getByTestId('now-marker').waitFor();
      await timeline.locator('.tl-bar.tl-rec').first().waitFor();

      // ---- jump to a typed time: 5 s after the first recorded frame
      const rec = await page.evaluate(async (id) => {
        const now = Date.now();
        const r = await fetch(`/api/v1/cameras/${id}/recordings?from=${new Date(now - 3600_000).toISOString()}&to=${new Date(now + 60_000).toISOString()}`);
        return r.json();
      }, camera.id);
      const target = Math.ceil((Date.parse(rec.segments[0].start) + 5000) / 1000) * 1000;
      const typed = vnParts(target);
      const jumpForm = page.getByRole('form', { name: 'Đi đến thời điểm' });
      await jumpForm.getByLabel('Ngày', { exact: true }).fill(typed.date);
      await jumpForm.getByLabel('Giờ (HH:mm:ss)').fill(typed.time);
      const clipAsked = page.waitForResponse((r) => r.url().includes(`/api/v1/cameras/${camera.id}/media.mp4?`));
      await jumpForm.getByRole('button', { name: 'Đi đến' }).click();
      const clipRes = await clipAsked;
      assert.ok([200, 206].includes(clipRes.status()), `media.mp4: ${clipRes.status()}`);
      assert.equal(new URL(clipRes.url()).searchParams.get('from'), new Date(target).toISOString());
      const first = Date.parse(clipRes.headers()['x-recording-start']);
      assert.ok(Math.abs(first - target) <= 40, `the first frame shown (${clipRes.headers()['x-recording-start']}) is the time typed`);
      const player = page.getByTestId('player');
      await player.waitFor();
      await page
        .waitForFunction(() => {
          const v = document.querySelector('video[data-testid="player"]');
          return v && v.readyState >= 2 && v.currentTime > 0;
        })
        .catch(async (e) => {
          const state = await page.evaluate(() => {
            const v = document.querySelector('video[data-testid="player"]');
            return v && { src: v.src, readyState: v.readyState, networkState: v.networkState, error: v.error && v.error.message, paused: v.paused, t: v.currentTime, text: document.querySelector('[data-testid="playback"]').innerText };
          });
          throw new Error(`the video does not play: ${JSON.stringify(state)}\n${e.message}`);
        });
      const slider = page.getByRole('slider', { name: /^Dòng thời gian ngày/ });

      // ---- play at 2×: media time runs about twice as fast as the wall clock
      const speeds = page.getByRole('group', { name: 'Tốc độ phát' });
      await speeds.getByRole('button', { name: '2×', exact: true }).click();
      assert.equal(await speeds.getByRole('button', { name: '2×', exact: true }).getAttribute('aria-pressed'), 'true');
      // The clip may just have been replaced by the one that reaches the live edge: it takes 2× too.
      await page.waitForFunction(() => document.querySelector('video[data-testid="player"]').playbackRate === 2, null, { timeout: 5000 });
      const a = await page.evaluate(() => ({ t: document.querySelector('video[data-testid="player"]').currentTime, at: performance.now() }));
      await sleep(2000);
      const b = await page.evaluate(() => ({ t: document.querySelector('video[data-testid="player"]').currentTime, at: performance.now(), paused: document.querySelector('video[data-testid="player"]').paused }));
      assert.equal(b.paused, false);
      const ratio = (b.t - a.t) / ((b.at - a.at) / 1000);
      assert.ok(ratio > 1.5 && ratio < 2.5, `media time ran at ${ratio.toFixed(2)}× the wall clock`);
      // The playhead follows: the slider says the time of the picture, past the time typed.
      const shown = await slider.getAttribute('aria-valuetext');
      assert.match(shown, /^\d{2}:\d{2}:\d{2}$/);
      assert.ok(shown > typed.time, `the playhead (${shown}) did not move past ${typed.time}`);

      // ---- pause, then one frame forward and back
      await page.getByRole('group', { name: 'Điều khiển phát lại' }).getByTestId('play-pause').click();
      await page.waitForFunction(() => document.querySelector('video[data-testid="player"]').paused);
      await sleep(300);
      const t0 = await page.evaluate(() => document.querySelector('video[data-testid="player"]').currentTime);
      const stepped = page.evaluate(() => new Promise((r) => document.querySelector('video[data-testid="player"]').addEventListener('seeked', () => r(document.querySelector('video[data-testid="player"]').currentTime), { once: true })));
      await page.getByRole('button', { name: /Tiến 1 khung hình/ }).click();
      const t1 = await stepped;
      assert.ok(t1 - t0 > ONE_FRAME[0] && t1 - t0 < ONE_FRAME[1], `one frame forward moved currentTime by ${(t1 - t0).toFixed(4)} s`);
      const back = page.evaluate(() => new Promise((r) => document.querySelector('video[data-testid="player"]').addEventListener('seeked', () => r(document.querySelector('video[data-testid="player"]').currentTime), { once: true })));
      await page.getByRole('button', { name: /Lùi 1 khung hình/ }).click();
      assert.ok(Math.abs((await back) - t0) < 0.002, 'one frame back returns to the frame');
      assert.equal(await page.evaluate(() => document.querySelector('video[data-testid="player"]').paused), true, 'stepping keeps the video paused');

      // ---- place a hold over the clip: its band appears on the timeline
      assert.equal(await timeline.getByTestId('hold-band').count(), 0);
      const holdsPanel = page.getByRole('region', { name: 'Giữ dữ liệu làm chứng cứ' });
      await holdsPanel.getByRole('button', { name: 'Giữ dữ liệu' }).click();
      const holdForm = page.getByRole('form', { name: 'Giữ đoạn ghi hình làm chứng cứ' });
      await holdForm.waitFor();
      await holdForm.getByLabel('Lý do', { exact: true }).fill('Kiểm thử xem lại: container nghi vấn');
      const created = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/v1/holds'));
      await holdForm.getByRole('button', { name: 'Giữ dữ liệu' }).click();
      const res = await created;
      assert.equal(res.status(), 201, await res.text());
      const band = timeline.getByTestId('hold-band');
      await band.waitFor();
      assert.match(await band.getAttribute('title'), /^Đang giữ dữ liệu .*Kiểm thử xem lại: container nghi vấn/);
      assert.equal(await band.getAttribute('data-hold-id'), String((await res.json()).id));

      // ---- at 8× the clip runs out: the next one is asked from where it ended, and plays on
      const firstEnd = new Date(Date.parse(clipRes.headers()['x-recording-end'])).toISOString();
      const nextAsked = page.waitForResponse((r) => r.url().includes('/media.mp4?') && new URL(r.url()).searchParams.get('from') === firstEnd, { timeout: 60_000 });
      await speeds.getByRole('button', { name: '8×', exact: true }).click();
      await page.getByRole('group', { name: 'Điều khiển phát lại' }).getByTestId('play-pause').click();
      const next = await nextAsked;
      assert.ok([200, 206].includes(next.status()), `next clip: ${next.status()}`);
      await page.waitForFunction(
        (from) => {
          const v = document.querySelector('video[data-testid="player"]');
          return v && new URL(v.src).searchParams.get('from') === from && v.currentTime > 0 && v.playbackRate === 8;
        },
        firstEnd,
        { timeout: 30_000 },
      );

      // ---- the case raised from this camera is marked where it was observed; a click opens it
      const marker = timeline.locator(`[data-testid="case-marker"][data-case-id="${kase.id}"]`);
      await page.getByRole('group', { name: 'Thu phóng dòng thời gian' }).getByRole('button', { name: '1 giờ', exact: true }).click();
      await marker.waitFor();
      assert.match(await marker.getAttribute('aria-label'), new RegExp(`^Vụ việc ${kase.number} lúc `));
      await marker.click();
      await page.waitForURL(new RegExp(`#/cases/${kase.id}$`));
      await page.getByText(kase.number).first().waitFor();

      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  });
});
