// The user's inbox (hộp thư): newest first, unread in bold; opening one marks it read.
import { useAlertsMuted } from '../alerts';
import type { Notification } from '../api';
import { notificationKindName } from '../cases';
import { formatDateTime } from '../format';
import { useAction } from '../hooks';
import { pick, t } from '../i18n';
import { notificationHref, useInboxContext, type Inbox } from '../inbox';
import { ListPage } from '../listpage';
import { Loading } from '../ui';
import { SeverityBadge } from './Cases';

export function InboxPage() {
  const inbox = useInboxContext();
  const [muted, setMuted] = useAlertsMuted();
  const action = useAction();
  if (!inbox) return <Loading />;

  return (
    <ListPage
      class="inbox"
      title={t('inbox.title')}
      actions={
        <>
          {inbox.unread > 0 ? <span class="badge alert-count">{t('inbox.unread', { n: inbox.unread })}</span> : null}
          <button
            type="button"
            class="btn btn-small push-right mute-toggle"
            aria-pressed={muted}
            title={t('inbox.muteHint')}
            onClick={() => setMuted(!muted)}
          >
            {t('alerts.mute')}
          </button>
          <button type="button" class="btn" disabled={!!action.busy || inbox.unread === 0} onClick={() => action.run(inbox.markAllRead)}>
            {t('inbox.readAll')}
          </button>
        </>
      }
      list={{ ...inbox, error: inbox.error ?? action.error }}
      empty={t('inbox.empty')}
      view={(items) => (
        <ul class="inbox-list" aria-live="polite" data-testid="inbox-list">
          {items.map((n) => (
            <InboxItem key={n.id} n={n} inbox={inbox} onError={action.setError} />
          ))}
        </ul>
      )}
    />
  );
}

export function InboxItem({ n, inbox, onError }: { n: Notification; inbox: Pick<Inbox, 'markRead'>; onError: (e: unknown) => void }) {
  const target = notificationHref(n);
  const title = pick(n.title_vi, n.title_en);
  const open = () => {
    if (!n.read_at) inbox.markRead(n.id).catch(onError);
  };
  return (
    <li class={`inbox-item sev-${n.severity}${n.read_at ? ' read' : ' unread'}`} data-notification-id={n.id}>
      <SeverityBadge severity={n.severity} />
      <span class="badge kind">{notificationKindName(n.kind)}</span>
      {target ? (
        <a class="inbox-title" href={target} onClick={open}>
          {title}
        </a>
      ) : (
        <span class="inbox-title">{title}</span>
      )}
      <time class="muted small push-right" dateTime={n.created_at}>
        {formatDateTime(n.created_at)}
      </time>
      {n.read_at ? null : (
        <>
          <span class="sr-only">{t('inbox.unreadMark')}</span>
          {target ? null : (
            <button type="button" class="btn btn-small" onClick={open}>
              {t('inbox.markRead')}
            </button>
          )}
        </>
      )}
    </li>
  );
}
