// Recorder nodes (máy ghi hình, issue 16): the machines that record the cameras assigned to them, with their health
// as their heart-beats tell it. Camera administrators see the list; the administrator registers nodes, changes
// them, issues new keys and revokes them. A node's key is shown once, when it is made: the server keeps it sealed.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ALERT_TOPICS } from '../alerts';
import { videoApi, type RecorderNode } from '../api';
import { unitTimeZone } from '../cases';
import { formatDateTime } from '../format';
import { useAction, useCustomsUnits, useNow, usePagedList } from '../hooks';
import { t } from '../i18n';
import { ListPage } from '../listpage';
import { useLiveTopic, type LiveEvent } from '../live';
import {
  capacityUse,
  diskText,
  heartbeatAgo,
  nodeForm,
  nodePatch,
  nodePayload,
  nodeRowClass,
  nodeStateClass,
  nodeStateName,
  sortNodes,
  standbyChoices,
  standbyName,
  type NodeForm,
} from '../nodes';
import { navigate } from '../router';
import { isAdmin, roleUnit, useApp } from '../session';
import { Field, fieldError, FormButtons, Notice, ProblemBox, unclaimedFieldErrors } from '../ui';
import { VideoTabs } from './Sites';

/** Heart-beats (every 5 s) do not travel the live channel: the list is asked again this often. */
const REFRESH_MS = 10_000;
/** What changes a row at once: the registry's event, and the recorder.down alert raised, seen and closed. */
const TOPICS = ['recorder.changed', ...ALERT_TOPICS];

const isRecorderEvent = (e: LiveEvent) => e.topic.startsWith('recorder.') || String(e.payload?.kind ?? '').startsWith('recorder.');

/** A key just issued: shown until the administrator closes it, then gone for good. */
interface Issued {
  name: string;
  key: string;
}

export function RecorderNodesPage({ nodeId }: { nodeId: number | 'new' | null }) {
  const { user } = useApp();
  const units = useCustomsUnits();
  // Nodes belong to no unit: their times are read in the user's own unit's zone.
  const tz = unitTimeZone(units, roleUnit(user));
  const admin = isAdmin(user);
  const now = useNow(5_000);
  const [notice, setNotice] = useState<string | null>(null);
  const [issued, setIssued] = useState<Issued | null>(null);
  const list = usePagedList<RecorderNode, { store: string }>(
    (_, signal) => videoApi.recorderNodes(signal).then((r) => ({ items: r.items, next: null, store: r.store })),
    [],
    { everyMs: REFRESH_MS, live: true, order: sortNodes },
  );
  const { reload, setItems } = list;
  const onEvent = useCallback((e: LiveEvent) => (isRecorderEvent(e) ? reload() : undefined), [reload]);
  for (const topic of TOPICS) useLiveTopic(topic, onEvent); // a fixed list: the hooks run in the same order

  const nodes = list.items;
  const sqlite = list.data?.store === 'sqlite';
  const editing = typeof nodeId === 'number' ? (nodes ?? []).find((n) => n.id === nodeId) ?? null : null;
  const toList = () => navigate({ page: 'recorder-nodes', nodeId: null });
  const showKey = (k: Issued) => {
    setNotice(null);
    setIssued(k);
  };
  const changed = (n: RecorderNode, text: string) => {
    setItems((prev) => sortNodes(prev.map((x) => (x.id === n.id ? n : x))));
    setNotice(text);
    reload();
  };

  return (
    <ListPage
      class="recorder-nodes"
      title={t('node.title')}
      actions={
        <>
          {nodes ? <span class="muted">{t('node.count', { n: nodes.length })}</span> : null}
          {admin && list.data && !sqlite ? (
            <a class="btn btn-primary push-right" href="#/recorder-nodes/new" onClick={() => setNotice(null)}>
              {t('node.new')}
            </a>
          ) : null}
        </>
      }
      top={
        <>
          <VideoTabs current="nodes" />
          <p class="hint">{t('node.intro')}</p>
          {sqlite ? (
            <p class="alert alert-warn" data-testid="nodes-sqlite">
              {t('node.sqlite')}
            </p>
          ) : null}
          {issued ? <KeyPanel name={issued.name} secret={issued.key} onClose={() => setIssued(null)} /> : null}
          {notice ? <Notice>{notice}</Notice> : null}
          {admin && nodes && !sqlite && nodeId === 'new' ? (
            <NodeFormView
              key="new"
              node={null}
              nodes={nodes}
              onCancel={toList}
              onSaved={(n, key) => {
                if (key) showKey({ name: n.name, key });
                setNotice(t('node.created', { name: n.name }));
                reload();
                toList();
              }}
            />
          ) : null}
          {admin && nodes && typeof nodeId === 'number' ? (
            editing ? (
              <NodeFormView
                key={editing.id}
                node={editing}
                nodes={nodes}
                onCancel={toList}
                onSaved={(n) => {
                  changed(n, t('common.saved'));
                  toList();
                }}
              />
            ) : (
              <ProblemBox error={new Error(t('node.notFound'))} />
            )
          ) : null}
        </>
      }
      list={list}
      empty={t('node.empty')}
      testId="node-list"
      columns={[
        { head: t('node.name') },
        { head: t('node.address') },
        { head: t('node.state') },
        { head: t('node.lastSeen') },
        { head: t('node.cameras') },
        { head: t('node.disk') },
        { head: t('node.standby') },
        ...(admin ? [{ head: t('node.actions') }] : []),
      ]}
      rows={(n) => (
        <NodeRow
          key={n.id}
          node={n}
          all={nodes ?? []}
          now={now}
          tz={tz}
          admin={admin}
          selected={n.id === nodeId}
          onRevoked={(r) => changed(r, t('node.revokedDone', { name: r.name }))}
          onKey={(key) => showKey({ name: n.name, key })}
        />
      )}
    />
  );
}

function NodeRow({
  node: n,
  all,
  now,
  tz,
  admin,
  selected,
  onRevoked,
  onKey,
}: {
  node: RecorderNode;
  all: RecorderNode[];
  now: number;
  tz: string;
  admin: boolean;
  selected: boolean;
  onRevoked: (n: RecorderNode) => void;
  onKey: (key: string) => void;
}) {
  const [confirming, setConfirming] = useState<'revoke' | 'rekey' | null>(null);
  const action = useAction();
  const { error, setError } = action;
  const busy = !!action.busy;
  const ask = (what: 'revoke' | 'rekey') => {
    setError(null);
    setConfirming(what);
  };
  const confirm = () =>
    action.run(async () => {
      try {
        if (confirming === 'revoke') onRevoked(await videoApi.revokeRecorderNode(n.id));
        else onKey((await videoApi.rekeyRecorderNode(n.id)).key);
      } finally {
        setConfirming(null);
      }
    });
  const revoked = n.state === 'revoked';
  const standby = standbyName(n, all);
  const disk = diskText(n);
  return (
    <>
      <tr data-node-id={n.id} data-state={n.state} class={[nodeRowClass(n), selected ? 'selected' : ''].filter(Boolean).join(' ')}>
        <td>
          <strong>{n.name}</strong>
          {n.version ? <div class="muted small">{t('node.version', { version: n.version })}</div> : null}
        </td>
        <td class="code small">{n.address}</td>
        <td>
          <span class={nodeStateClass(n.state)} data-testid="node-state">
            {nodeStateName(n.state)}
          </span>
          {revoked && n.revoked_at ? (
            <div class="muted small">{t('node.revokedAt', { time: formatDateTime(n.revoked_at, { timeZone: tz }) })}</div>
          ) : n.state === 'down' && n.down_since ? (
            <div class="small node-down-since">{t('node.downSince', { time: formatDateTime(n.down_since, { seconds: true, timeZone: tz }) })}</div>
          ) : null}
        </td>
        <td data-testid="heartbeat">
          {n.last_seen_at ? (
            <>
              <time dateTime={n.last_seen_at}>{heartbeatAgo(n.last_seen_at, now)}</time>
              <div class="muted small">{formatDateTime(n.last_seen_at, { seconds: true, timeZone: tz })}</div>
            </>
          ) : (
            <span class="muted">{t('node.never')}</span>
          )}
        </td>
        <td>
          <CapacityBar node={n} />
        </td>
        <td class="num" data-testid="disk" title={n.sample_dirs.join('\n') || undefined}>
          {disk || <span class="muted">—</span>}
        </td>
        <td>{standby || <span class="muted">—</span>}</td>
        {admin ? (
          <td class="row-actions">
            {revoked ? null : (
              <>
                <a class="btn btn-small" href={`#/recorder-nodes/${n.id}`} aria-label={`${t('common.edit')}: ${n.name}`}>
                  {t('common.edit')}
                </a>
                <button type="button" class="btn btn-small" disabled={!!confirming} onClick={() => ask('rekey')} aria-label={`${t('node.rekey')}: ${n.name}`}>
                  {t('node.rekey')}
                </button>
                <button
                  type="button"
                  class="btn btn-small btn-danger"
                  disabled={!!confirming}
                  onClick={() => ask('revoke')}
                  aria-label={`${t('node.revoke')}: ${n.name}`}
                >
                  {t('node.revoke')}
                </button>
              </>
            )}
          </td>
        ) : null}
      </tr>
      {confirming || error ? (
        <tr class="detail-row">
          <td colSpan={admin ? 8 : 7}>
            {confirming ? (
              <div class="alert alert-warn" role="alertdialog" aria-labelledby={`node-confirm-${n.id}`}>
                <p id={`node-confirm-${n.id}`}>
                  {confirming === 'revoke' ? t('node.revokeConfirm', { name: n.name, n: n.cameras }) : t('node.rekeyConfirm', { name: n.name })}
                </p>
                <button type="button" class="btn btn-danger" onClick={confirm} disabled={busy}>
                  {confirming === 'revoke' ? t('node.confirmRevoke') : t('node.confirmRekey')}
                </button>{' '}
                <button type="button" class="btn" onClick={() => setConfirming(null)}>
                  {t('common.cancel')}
                </button>
              </div>
            ) : null}
            <ProblemBox error={error} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

/** "12/64" over a bar of how full the node is; "Đã đủ" when no camera may be added. */
export function CapacityBar({ node }: { node: Pick<RecorderNode, 'cameras' | 'capacity' | 'recording'> }) {
  const u = capacityUse(node);
  return (
    <div class="capacity" data-level={u.level}>
      <span class="cap-text">{t('node.capacityText', { n: u.used, max: u.capacity })}</span>
      {u.level === 'full' ? <span class="badge cap-full-mark">{t('node.full')}</span> : null}
      <span
        class={`cap-bar cap-${u.level}`}
        role="meter"
        aria-label={t('node.cameras')}
        aria-valuemin={0}
        aria-valuemax={u.capacity}
        aria-valuenow={u.used}
        aria-valuetext={t('node.capacityLabel', { n: u.used, max: u.capacity })}
      >
        <span class="cap-fill" style={{ width: `${Math.round(u.fraction * 100)}%` }} />
      </span>
      {/* More while it stands in for a node that is down; fewer while its own are with a standby. */}
      {node.recording !== node.cameras ? <div class="muted small">{t('node.recording', { n: node.recording })}</div> : null}
    </div>
  );
}

/**
 * A node's key, this once: with a copy button and where it goes. Nothing keeps it once closed (nor once the page
 * is left); a lost key is replaced by a new one.
 */
export function KeyPanel({ name, secret, onClose }: { name: string; secret: string; onClose: () => void }) {
  const [copied, setCopied] = useState<boolean | null>(null);
  const panel = useRef<HTMLDivElement>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => panel.current?.focus(), []);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      // Served over plain http (a centre's own network) the browser offers no Clipboard API: select the key so
      // that the older copy command, or the administrator's own Ctrl+C, takes it.
      input.current?.select();
      let ok = false;
      try {
        ok = document.execCommand('copy');
      } catch {
        ok = false;
      }
      setCopied(ok);
    }
  };
  return (
    <div class="panel key-panel" role="dialog" aria-labelledby="node-key-h" tabIndex={-1} ref={panel} data-testid="node-key">
      <h2 id="node-key-h">{t('node.keyTitle', { name })}</h2>
      <p class="alert alert-warn">{t('node.keyOnce')}</p>
      <Field id="node-key-value" label={t('node.key')}>
        {(a) => <input {...a} ref={input} class="code" readOnly spellcheck={false} value={secret} onFocus={(e) => e.currentTarget.select()} />}
      </Field>
      <div class="toolbar">
        <button type="button" class="btn" onClick={copy}>
          {t('node.copy')}
        </button>
        <span role="status" data-testid="copy-state">
          {copied === true ? t('node.copied') : copied === false ? t('node.copyFailed') : ''}
        </span>
      </div>
      <p>{t('node.keyIntro')}</p>
      <pre class="code key-snippet">{`[node]\nkey = "${secret}"`}</pre>
      <div class="toolbar">
        <button type="button" class="btn btn-primary" onClick={onClose}>
          {t('node.keyDone')}
        </button>
      </div>
    </div>
  );
}

const CLAIMED = ['name', 'address', 'capacity', 'standby_node_id'];

export function NodeFormView({
  node,
  nodes,
  onCancel,
  onSaved,
}: {
  node: RecorderNode | null;
  nodes: RecorderNode[];
  onCancel: () => void;
  /** The node as saved, and its key when it was just registered. */
  onSaved: (n: RecorderNode, key: string | null) => void;
}) {
  const [form, setForm] = useState<NodeForm>(() => nodeForm(node));
  const [local, setLocal] = useState<Record<string, string>>({});
  const save = useAction();
  const { error } = save;
  const set = (k: keyof NodeForm, v: string) => setForm((f) => ({ ...f, [k]: v }));
  const submit = (e: Event) => {
    e.preventDefault();
    const { body, errors } = nodePayload(form, !node);
    setLocal(errors);
    if (Object.keys(errors).length) return;
    void save.run(async () => {
      if (node) {
        const patch = nodePatch(body, node);
        onSaved(Object.keys(patch).length ? await videoApi.updateRecorderNode(node.id, patch) : node, null);
      } else {
        const r = await videoApi.createRecorderNode(body);
        onSaved(r.node, r.key);
      }
    });
  };
  const fe = (f: string) => local[f] ?? fieldError(error, f);
  const choices = standbyChoices(nodes, node?.id ?? null);
  const title = node ? t('node.editTitle', { name: node.name }) : t('node.newTitle');
  return (
    <form class="form panel" onSubmit={submit} aria-label={title} noValidate>
      <h2>{title}</h2>
      <ProblemBox error={error} extra={unclaimedFieldErrors(error, CLAIMED)} />
      <div class="grid2">
        <Field id="nodef-name" label={t('node.name')} error={fe('name')} hint={t('node.nameHint')} required={!node}>
          {(a) => (
            <input
              {...a}
              class="code"
              disabled={!!node}
              maxLength={63}
              autocomplete="off"
              spellcheck={false}
              placeholder="hp-node-1"
              value={form.name}
              onInput={(e) => set('name', e.currentTarget.value)}
            />
          )}
        </Field>
        <Field id="nodef-address" label={t('node.address')} error={fe('address')} hint={t('node.addressHint')} required>
          {(a) => (
            <input
              {...a}
              class="code"
              autocomplete="off"
              spellcheck={false}
              placeholder="10.0.3.11:8443"
              value={form.address}
              onInput={(e) => set('address', e.currentTarget.value)}
            />
          )}
        </Field>
        <Field id="nodef-capacity" label={t('node.capacity')} error={fe('capacity')} required>
          {(a) => <input {...a} inputMode="numeric" value={form.capacity} onInput={(e) => set('capacity', e.currentTarget.value)} />}
        </Field>
        <Field id="nodef-standby" label={t('node.standby')} error={fe('standby_node_id')} hint={t('node.standbyHint')}>
          {(a) => (
            <select {...a} value={form.standby} onChange={(e) => set('standby', e.currentTarget.value)}>
              <option value="">{t('common.none')}</option>
              {node && form.standby && !choices.some((n) => String(n.id) === form.standby) ? (
                <option value={form.standby}>{standbyName(node, nodes)}</option>
              ) : null}
              {choices.map((n) => (
                <option key={n.id} value={String(n.id)}>
                  {n.name} ({nodeStateName(n.state)})
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <FormButtons busy={!!save.busy} onCancel={onCancel} label={node ? undefined : t('node.new')} />
    </form>
  );
}
