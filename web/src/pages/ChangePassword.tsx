import { useState } from 'preact/hooks';
import { api, type User } from '../api';
import { LangSwitch, useLang } from '../lang';
import { t } from '../i18n';
import { Field, fieldError, ProblemBox, unclaimedFieldErrors } from '../ui';

export function ChangePasswordPage({ user, onDone, onLogout }: { user: User; onDone: () => void; onLogout: () => void }) {
  useLang();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [mismatch, setMismatch] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    if (next !== confirm) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    setBusy(true);
    try {
      await api.changePassword(current, next);
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const claimed = ['current_password', 'new_password'];
  return (
    <div class="auth-page">
      <header class="topbar">
        <div class="brand">{t('app.name')}</div>
        <div class="topbar-right">
          <span class="whoami-name">{user.full_name}</span>
          <LangSwitch />
          <button type="button" class="btn btn-dark" onClick={onLogout}>
            {t('header.logout')}
          </button>
        </div>
      </header>
      <main class="auth-card" id="main">
        <h1>{t('pw.title')}</h1>
        <p>{t('pw.intro')}</p>
        <ProblemBox error={error} extra={unclaimedFieldErrors(error, claimed)} />
        <form onSubmit={submit} class="form" noValidate>
          <Field id="pw-current" label={t('pw.current')} error={fieldError(error, 'current_password')}>
            {(a) => (
              <input
                {...a}
                type="password"
                autocomplete="current-password"
                required
                value={current}
                onInput={(e) => setCurrent(e.currentTarget.value)}
              />
            )}
          </Field>
          <Field id="pw-new" label={t('pw.new')} hint={t('pw.policy')} error={fieldError(error, 'new_password')}>
            {(a) => (
              <input
                {...a}
                type="password"
                autocomplete="new-password"
                required
                minLength={12}
                value={next}
                onInput={(e) => setNext(e.currentTarget.value)}
              />
            )}
          </Field>
          <Field id="pw-confirm" label={t('pw.confirm')} error={mismatch ? t('pw.mismatch') : undefined}>
            {(a) => (
              <input
                {...a}
                type="password"
                autocomplete="new-password"
                required
                value={confirm}
                onInput={(e) => setConfirm(e.currentTarget.value)}
              />
            )}
          </Field>
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? t('common.saving') : t('pw.submit')}
          </button>
        </form>
      </main>
    </div>
  );
}
