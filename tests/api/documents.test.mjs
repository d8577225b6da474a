// The documents the API prints for the demo data, read back as a reader of the page sees them
// (pdftotext -layout): the shift report and the Appendix V coordination request in the form of an
// administrative document (Nghị định 30/2020/NĐ-CP): issuing authority above the issuing unit, number
// and symbol, place and date, subject, legal basis, recipients (Nơi nhận) and a signature block with
// authority and position, each present, in order, in its column, with its diacritics.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, login, makeTempDir } from './server.mjs';

const HAVE_PDFTOTEXT = spawnSync('pdftotext', ['-v']).error === undefined;
const skip = HAVE_PDFTOTEXT ? false : 'pdftotext missing (Debian package poppler-utils)';

const BASIS = 'Căn cứ Quy chế thực hiện trực ban, giám sát trực tuyến trong ngành hải quan ban hành kèm theo ' +
  'Quyết định số 888/QĐ-TCHQ ngày 17 tháng 3 năm 2017 của Tổng cục trưởng Tổng cục Hải quan';

/** Nghị định 30's date: "ngày 05 tháng 12 năm 2026", a leading zero for days below 10 and months 1 and 2. */
function nd30Date(iso, timeZone = 'Asia/Ho_Chi_Minh') {
  const [y, m, d] = new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date(iso)).split('-');
  return `ngày ${d} tháng ${Number(m) <= 2 ? m : String(Number(m))} năm ${y}`;
}

/** The PDF bytes of an API route, as the console downloads them. */
async function download(client, route) {
  const res = await fetch(client.url + route, { headers: { Cookie: client.cookie } });
  assert.equal(res.status, 200, `${route}: ${res.status}`);
  assert.match(res.headers.get('content-type') || '', /application\/pdf/);
  const bytes = Buffer.from(await res.arrayBuffer());
  assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
  const file = path.join(makeTempDir('wf-pdf-'), 'document.pdf');
  fs.writeFileSync(file, bytes);
  return file;
}

function pdftotext(file, args = []) {
  const r = spawnSync('pdftotext', ['-layout', '-enc', 'UTF-8', ...args, file, '-'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.replace(/\s+/g, ' ');
}
function pages(file) {
  const r = spawnSync('pdfinfo', [file], { encoding: 'utf8' });
  return Number((r.stdout.match(/Pages:\s+(\d+)/) || [])[1]);
}
/** The text of a rectangle of one page, in points from the top left of the A4 page. */
function region(file, page, x, y, w, h) {
  return pdftotext(file, ['-f', String(page), '-l', String(page), '-r', '72', '-x', String(x), '-y', String(y),
    '-W', String(w), '-H', String(h)]);
}
// A4 is 595 x 842 pt; the left column of the header and of Nơi nhận ends 30 mm + 40% of the text width in.
const LEFT = [0, 266];
const RIGHT = [272, 323];

function assertInOrder(text, parts, what) {
  let from = 0;
  for (const part of parts) {
    const at = typeof part === 'string' ? text.indexOf(part, from) : text.slice(from).search(part);
    assert.ok(at >= 0, `${what}: missing or out of order: ${part}\n--- text:\n${text}`);
    from += typeof part === 'string' ? at - from + part.length : at + 1;
  }
}

describe('documents in the administrative form', { skip }, () => {
  let srv;
  let director;
  let units;
  before(async () => {
    srv = await startServer({ demo: true });
    const l = srv.logins.find((x) => x.username === 'lanhdao.hp');
    director = await login(srv.url, l.username, l.password);
    units = Object.fromEntries((await director.get('/api/v1/units')).json.items.map((u) => [u.code, u]));
  });
  after(async () => { await srv.kill9(); });

  test('the shift report: authority, number, place and date, title, addressee, basis, signature and recipients', async () => {
    const current = await director.get(`/api/v1/shifts/current?unit=${units.HP.id}`);
    assert.equal(current.status, 200, current.text);
    const shift = current.json.current;
    assert.ok(shift, 'the demo has Hải Phòng\'s shift on duty');
    const file = await download(director, `/api/v1/shifts/${shift.id}/report.pdf`);

    assertInOrder(region(file, 1, LEFT[0], 0, LEFT[1], 140), ['TỔNG CỤC HẢI QUAN', 'CỤC HẢI QUAN THÀNH PHỐ HẢI PHÒNG',
      /Số: \d{2,}\/BC-HP /], 'header, left');
    assertInOrder(region(file, 1, RIGHT[0], 0, RIGHT[1], 140), ['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc', `Hải Phòng, ${nd30Date(shift.ends_at)}`], 'header, right');
    const local = (iso) => new Intl.DateTimeFormat('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit',
      year: 'numeric' }).format(new Date(iso));
    assertInOrder(pdftotext(file), ['BÁO CÁO', `Kết quả ca trực từ 08:00 ngày ${local(shift.starts_at)} đến 08:00 ngày ${local(shift.ends_at)}`,
      'Kính gửi: Lãnh đạo Cục Hải quan thành phố Hải Phòng', BASIS, 'I. Thành phần ca trực',
      'IV. Chỉ đạo của lãnh đạo ca trực', 'VI. Giao ca'], 'body');
    const leader = shift.members.find((m) => m.position === 'shift_leader');
    const last = pages(file);
    assertInOrder(region(file, last, RIGHT[0], 0, RIGHT[1], 800), ['LÃNH ĐẠO CA TRỰC', leader.full_name], 'signature');
    assertInOrder(region(file, last, LEFT[0], 0, LEFT[1], 800), ['Nơi nhận:', '- Như trên;', '- Ca trực từ 08:00 ngày',
      '(để tiếp tục theo dõi);', '- Lưu: VT, HP.'], 'recipients');
  });

  test('the coordination request signed by the director: Cục trưởng under their title', async () => {
    const list = await director.get('/api/v1/coordination-requests');
    const req = list.json.items.find((r) => r.number.endsWith('/PH-HP'));
    assert.ok(req, 'the demo has a coordination request of Hải Phòng');
    const file = await download(director, `/api/v1/coordination-requests/${req.id}/form.pdf`);
    const sequence = req.number.split('/')[0];
    assertInOrder(region(file, 1, LEFT[0], 0, LEFT[1], 170), ['TỔNG CỤC HẢI QUAN', 'CỤC HẢI QUAN THÀNH PHỐ HẢI PHÒNG',
      `Số: ${sequence}/PĐN-HP`, 'V/v đề nghị phối hợp kiểm tra, giám sát'], 'header, left');
    assertInOrder(region(file, 1, RIGHT[0], 0, RIGHT[1], 140), ['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc', `Hải Phòng, ${nd30Date(req.created_at)}`], 'header, right');
    assertInOrder(pdftotext(file), ['PHIẾU ĐỀ NGHỊ PHỐI HỢP', 'Kính gửi: Chi cục Hải quan cửa khẩu cảng Đình Vũ', `${BASIS};`,
      `1. Vụ việc: ${req.case_number}`, 'Thời hạn trả lời:'], 'body');
    const last = pages(file);
    const signature = region(file, last, RIGHT[0], 0, RIGHT[1], 800);
    assertInOrder(signature, ['CỤC TRƯỞNG', 'Ngô Văn Khánh'], 'signature');
    assert.doesNotMatch(signature, /KT\.|PHÓ/, 'the head signs in their own name');
    assertInOrder(region(file, last, LEFT[0], 0, LEFT[1], 800), ['Nơi nhận:', '- Như trên;',
      '- Chi cục Hải quan cửa khẩu cảng Hải Phòng khu vực I (để biết);', '- Lưu: VT, HP.'], 'recipients');
  });

  test('the coordination request sent by the shift leader, a deputy director: KT. CỤC TRƯỞNG over PHÓ CỤC TRƯỞNG', async () => {
    const shift = (await director.get(`/api/v1/shifts/current?unit=${units.HP.id}`)).json.current;
    const leader = shift.members.find((m) => m.position === 'shift_leader');
    const l = srv.logins.find((x) => x.username === leader.username);
    const deputy = await login(srv.url, l.username, l.password);
    // A 16.4(a) case in handling on this shift: its shift leader may ask for coordination.
    const cases = (await deputy.get('/api/v1/cases?status=in_handling')).json.items;
    const c = cases.find((x) => x.routing && x.routing.clause === '16.4.a');
    assert.ok(c, `an in-handling 16.4(a) case: ${JSON.stringify(cases.map((x) => x.number))}`);
    const sent = await deputy.post('/api/v1/coordination-requests', {
      case_id: c.id,
      to_unit_id: units['HP-CKKV3'].id,
      content: 'Rà soát hình ảnh camera cổng cảng khu vực III cùng thời điểm',
      requested_action: 'Trích xuất và gửi hình ảnh',
      deadline: new Date(Date.now() + 86_400_000).toISOString(),
      contacts: 'Đ/c Phan Thị Lan Anh, ĐT 0225 3836 124',
    });
    assert.equal(sent.status, 201, sent.text);
    const file = await download(deputy, `/api/v1/coordination-requests/${sent.json.id}/form.pdf`);
    assertInOrder(region(file, 1, LEFT[0], 0, LEFT[1], 170), ['CỤC HẢI QUAN THÀNH PHỐ HẢI PHÒNG',
      `Số: ${sent.json.number.split('/')[0]}/PĐN-HP`], 'header, left');
    const last = pages(file);
    assertInOrder(region(file, last, RIGHT[0], 0, RIGHT[1], 800), ['KT. CỤC TRƯỞNG', 'PHÓ CỤC TRƯỞNG', leader.full_name],
      'signature');
    assertInOrder(region(file, last, LEFT[0], 0, LEFT[1], 800), ['Nơi nhận:', '- Như trên;',
      '- Chi cục Hải quan cửa khẩu cảng Hải Phòng khu vực I (để biết);', '- Cục trưởng (để báo cáo);', '- Lưu: VT, HP.'],
    'recipients');
  });
});
