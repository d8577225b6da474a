// @vitest-environment happy-dom
// The shared scaffold of the list pages and the hooks under it: loading, paging, actions.
import { render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, casesApi, type Case } from './api';
import { useAction, useLoad, usePagedList, type Load } from './hooks';
import { setLang } from './i18n';
import { ListPage } from './listpage';
import { fakeChannel } from './testlive';
import { ProblemBox } from './ui';

const roots: HTMLElement[] = [];

function mount(node: preact.ComponentChild) {
  const root = document.createElement('div');
  document.body.appendChild(root);
  roots.push(root);
  render(node, root);
  return root;
}

afterEach(() => {
  for (const r of roots.splice(0)) render(null, r);
  document.body.innerHTML = '';
  setLang('vi');
  vi.unstubAllGlobals();
});

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': status < 300 ? 'application/json' : 'application/problem+json' } });

const aCase = (id: number) => ({ id, number: `VV-${id}` }) as Case;

/** Answers GET /cases from `pages`, keyed by the cursor asked for ('' for the first page). */
function serveCases(pages: Record<string, unknown>) {
  const fetch = vi.fn(async (url: string) => {
    const cursor = new URL(url, 'http://console').searchParams.get('cursor') ?? '';
    const body = pages[cursor];
    return body instanceof Response ? body : json(body);
  });
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

function CaseList({ q = '' }: { q?: string }) {
  const list = usePagedList((cursor, signal) => casesApi.cases({ q }, cursor, signal), [q]);
  return (
    <ListPage
      title="Vụ việc"
      list={list}
      empty="Không có vụ việc nào."
      columns={[{ head: 'Số', cell: (c: Case) => c.number }]}
      rowProps={(c) => ({ 'data-case-id': c.id })}
      testId="cases"
    />
  );
}

const rows = (root: HTMLElement) => [...root.querySelectorAll('[data-testid="cases"] tbody tr')].map((r) => r.textContent);
const moreButton = (root: HTMLElement) => root.querySelector<HTMLButtonElement>('[data-testid="load-more"]');

describe('ListPage: paging through a long list', () => {
  it('"Xem thêm" asks for the next page with its cursor, adds it below, and goes away on the last page', async () => {
    const fetch = serveCases({
      '': { items: [aCase(3), aCase(2)], total: 4, next_cursor: 'c2' },
      c2: { items: [aCase(1), aCase(0)], total: 4, next_cursor: null },
    });
    const root = mount(<CaseList q="VV" />);
    await vi.waitFor(() => expect(rows(root)).toEqual(['VV-3', 'VV-2']));
    expect(moreButton(root)!.textContent).toBe('Xem thêm');
    moreButton(root)!.click();
    await vi.waitFor(() => expect(rows(root)).toEqual(['VV-3', 'VV-2', 'VV-1', 'VV-0']));
    const second = new URL(fetch.mock.calls[1][0], 'http://console');
    expect(second.pathname).toBe('/api/v1/cases');
    expect(second.searchParams.get('cursor')).toBe('c2');
    expect(second.searchParams.get('q')).toBe('VV'); // the same query, one page on
    expect(moreButton(root)).toBeNull();
  });

  it('shows a list whose answer has no next_cursor as one page, without the button', async () => {
    serveCases({ '': { items: [aCase(1)], total: 1 } });
    const root = mount(<CaseList />);
    await vi.waitFor(() => expect(rows(root)).toEqual(['VV-1']));
    expect(moreButton(root)).toBeNull();
  });

  it('does not show a row twice when the next page repeats it', async () => {
    serveCases({
      '': { items: [aCase(2), aCase(1)], next_cursor: 'x' },
      x: { items: [aCase(1), aCase(0)], next_cursor: null },
    });
    const root = mount(<CaseList />);
    await vi.waitFor(() => expect(moreButton(root)).not.toBeNull());
    moreButton(root)!.click();
    await vi.waitFor(() => expect(rows(root)).toEqual(['VV-2', 'VV-1', 'VV-0']));
  });

  it('says so when the list is empty', async () => {
    serveCases({ '': { items: [], total: 0, next_cursor: null } });
    const root = mount(<CaseList />);
    await vi.waitFor(() => expect(root.textContent).toContain('Không có vụ việc nào.'));
    expect(root.querySelector('table')).toBeNull();
  });

  it('shows the server’s problem in Vietnamese, and that the page is not for this user on a 403', async () => {
    serveCases({
      '': json(
        { type: 'urn:watchfloor:problem:forbidden', title: 'Forbidden', title_vi: 'Không có quyền', status: 403, detail: 'No.', detail_vi: 'Bạn không được xem các vụ việc này.' },
        403,
      ),
    });
    const root = mount(<CaseList />);
    await vi.waitFor(() => expect(root.querySelector('[role="alert"]')).not.toBeNull());
    const box = root.querySelector('[role="alert"]')!.textContent!;
    expect(box).toContain('Không có quyền');
    expect(box).toContain('Bạn không được xem các vụ việc này.');
    expect(box).toContain('Bạn không có quyền truy cập trang này.');
    expect(root.textContent).not.toContain('Đang tải');
  });

  it('keeps what it shows and names the problem when the next page fails', async () => {
    serveCases({
      '': { items: [aCase(2)], next_cursor: 'bad' },
      bad: json({ type: 'urn:watchfloor:problem:validation', title: 'Bad cursor', title_vi: 'Con trỏ không hợp lệ', status: 400 }, 400),
    });
    const root = mount(<CaseList />);
    await vi.waitFor(() => expect(moreButton(root)).not.toBeNull());
    moreButton(root)!.click();
    await vi.waitFor(() => expect(root.querySelector('[role="alert"]')?.textContent).toContain('Con trỏ không hợp lệ'));
    expect(rows(root)).toEqual(['VV-2']);
    expect(moreButton(root)).not.toBeNull(); // to try again
  });

  it('pages the audit log by before_seq through the same component', async () => {
    const entry = (seq: number) => ({ seq, action: 'unit.update' });
    const fetch = vi.fn(async (url: string) => {
      const before = new URL(url, 'http://console').searchParams.get('before_seq');
      return json(before === '7' ? { items: [entry(6)], next_before_seq: null } : { items: [entry(8), entry(7)], next_before_seq: 7 });
    });
    vi.stubGlobal('fetch', fetch);
    function AuditList() {
      const list = usePagedList((cursor, signal) => api.auditPage({ action: 'unit.' }, cursor, signal), []);
      return (
        <ListPage
          title="Nhật ký"
          list={list}
          empty="—"
          rowKey={(e) => e.seq}
          columns={[{ head: 'Seq', cell: (e) => e.seq }]}
          testId="cases"
          moreLabel="Xem bản ghi cũ hơn"
          endText="Hết."
        />
      );
    }
    const root = mount(<AuditList />);
    await vi.waitFor(() => expect(rows(root)).toEqual(['8', '7']));
    expect(moreButton(root)!.textContent).toBe('Xem bản ghi cũ hơn');
    moreButton(root)!.click();
    await vi.waitFor(() => expect(rows(root)).toEqual(['8', '7', '6']));
    expect(new URL(fetch.mock.calls[1][0], 'http://console').searchParams.get('before_seq')).toBe('7');
    expect(root.textContent).toContain('Hết.');
  });
});

// ---- the hooks ----------------------------------------------------------------------------------

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('useLoad', () => {
  it('shows only the answer to the latest filter, aborting the call it replaced', async () => {
    const calls: { q: string; signal: AbortSignal; answer: ReturnType<typeof deferred<string>> }[] = [];
    function Probe({ q }: { q: string }) {
      const load = useLoad(
        (signal) => {
          const answer = deferred<string>();
          calls.push({ q, signal, answer });
          return answer.promise;
        },
        [q],
      );
      return <p>{load.data ?? (load.loading ? 'loading' : '')}</p>;
    }
    const root = mount(<Probe q="a" />);
    render(<Probe q="b" />, root);
    await vi.waitFor(() => expect(calls.map((c) => c.q)).toEqual(['a', 'b']));
    expect(calls[0].signal.aborted).toBe(true);
    calls[1].answer.resolve('answer b');
    calls[0].answer.resolve('answer a'); // late
    await vi.waitFor(() => expect(root.textContent).toBe('answer b'));
    await new Promise((r) => setTimeout(r, 10));
    expect(root.textContent).toBe('answer b');
  });

  it('aborts the call in flight when the page goes away', async () => {
    let seen: AbortSignal | null = null;
    function Probe() {
      useLoad((signal) => {
        seen = signal;
        return new Promise<never>(() => undefined);
      }, []);
      return null;
    }
    const root = mount(<Probe />);
    await vi.waitFor(() => expect(seen).not.toBeNull());
    render(null, root);
    expect(seen!.aborted).toBe(true);
  });

  it('with `replay`, makes again on top of the answer what changed while it was loading (a live event)', async () => {
    const answer = deferred<number[]>();
    const fetch = vi.fn(() => answer.promise);
    let load: Load<number[]> | null = null;
    function Probe() {
      load = useLoad(fetch, [], { replay: true });
      return <p>{load.data?.join(',') ?? 'loading'}</p>;
    }
    const root = mount(<Probe />);
    await vi.waitFor(() => expect(fetch).toHaveBeenCalled());
    load!.setData((prev) => prev && [...prev, 3]); // nothing shown yet: only remembered
    answer.resolve([1, 2]);
    await vi.waitFor(() => expect(root.textContent).toBe('1,2,3'));
    load!.setData((prev) => prev && [...prev, 4]); // after the answer: made once
    await vi.waitFor(() => expect(root.textContent).toBe('1,2,3,4'));
  });

  it('with `keep`, shows the last answer while the next one loads, instead of nothing', async () => {
    const answers = { a: deferred<string>(), b: deferred<string>() };
    function Probe({ day }: { day: 'a' | 'b' }) {
      const load = useLoad(() => answers[day].promise, [day], { keep: true });
      return <p>{load.data ?? 'loading'}</p>;
    }
    const root = mount(<Probe day="a" />);
    answers.a.resolve('day a');
    await vi.waitFor(() => expect(root.textContent).toBe('day a'));
    render(<Probe day="b" />, root);
    await new Promise((r) => setTimeout(r, 20));
    expect(root.textContent).toBe('day a');
    answers.b.resolve('day b');
    await vi.waitFor(() => expect(root.textContent).toBe('day b'));
  });

  it('reload resolves with the new answer, and with null when the call fails, the last answer staying shown', async () => {
    let n = 0;
    let fail = false;
    let load: Load<number> | null = null;
    function Probe() {
      load = useLoad(async () => {
        if (fail) throw new Error('down');
        return ++n;
      }, []);
      return <p>{load.data}</p>;
    }
    const root = mount(<Probe />);
    await vi.waitFor(() => expect(root.textContent).toBe('1'));
    expect(await load!.reload()).toBe(2);
    fail = true;
    expect(await load!.reload()).toBeNull();
    await vi.waitFor(() => expect(load!.error).toBeInstanceOf(Error));
    expect(root.textContent).toBe('2');
  });

  it('with `live`, loads again when the channel resyncs and when it comes back after an outage', async () => {
    const { channel, sockets } = fakeChannel();
    let loads = 0;
    function Probe() {
      const load = useLoad(async () => ++loads, [], { live: true, channel });
      return <p>{load.data}</p>;
    }
    const root = mount(<Probe />);
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    // Connected after the first load: what happened in between is asked for again.
    sockets[0].server({ type: 'hello', seq: 5 });
    await vi.waitFor(() => expect(root.textContent).toBe('2'));
    sockets[0].server({ type: 'resync' });
    await vi.waitFor(() => expect(root.textContent).toBe('3'));
    sockets[0].onclose?.({ code: 1006 });
    await vi.waitFor(() => expect(sockets).toHaveLength(2));
    sockets[1].server({ type: 'hello', seq: 5 });
    await vi.waitFor(() => expect(root.textContent).toBe('4'));
  });
});

describe('useAction', () => {
  it('is busy while it runs, ignores a second click meanwhile, and shows why it failed in Vietnamese', async () => {
    const gate = deferred<void>();
    let runs = 0;
    let action: ReturnType<typeof useAction> | null = null;
    function Probe() {
      action = useAction();
      return (
        <div>
          <ProblemBox error={action.error} />
          <button
            type="button"
            disabled={!!action.busy}
            onClick={() =>
              action!.run(async () => {
                runs += 1;
                await gate.promise;
                await api.unlockUser(7);
              })
            }
          >
            {action.busy ? 'busy' : 'go'}
          </button>
        </div>
      );
    }
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => json({ type: 'urn:watchfloor:problem:not-found', title: 'Not found', title_vi: 'Không tìm thấy người dùng', status: 404 }, 404)),
    );
    const root = mount(<Probe />);
    const first = action!.run(async () => {
      runs += 1;
      await gate.promise;
      await api.unlockUser(7);
    });
    await vi.waitFor(() => expect(root.querySelector('button')!.textContent).toBe('busy'));
    expect(await action!.run(async () => void (runs += 1))).toBe(false);
    gate.resolve();
    expect(await first).toBe(false);
    expect(runs).toBe(1);
    await vi.waitFor(() => expect(root.querySelector('[role="alert"]')?.textContent).toContain('Không tìm thấy người dùng'));
    expect(root.querySelector('button')!.textContent).toBe('go');
    expect(await action!.run(async () => undefined)).toBe(true);
    await vi.waitFor(() => expect(root.querySelector('[role="alert"]')).toBeNull());
  });
});
