import { useState } from 'preact/hooks';
import { api, type Session } from '../api';
import { useAction } from '../hooks';
import { t } from '../i18n';
import { useLang } from '../lang';
import { ProblemBox, Topbar } from '../ui';

export function LoginPage({ onLoggedIn, initialError }: { onLoggedIn: (s: Session) => void; initialError?: unknown }) {
  useLang();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction(initialError);
  const busy = !!action.busy;
  const { error } = action;

  const submit = async (e: Event) => {
    e.preventDefault();
    const ok = await action.run(async () => onLoggedIn(await api.login(username.trim(), password)));
    if (!ok) setPassword('');
  };

  return (
    <div class="auth-page">
      <Topbar />
      <main class="auth-card" id="main">
        <h1>{t('login.title')}</h1>
        <p class="muted">{t('login.intro')}</p>
        <ProblemBox error={error} />
        <form onSubmit={submit} class="form">
          <div class="field">
            <label for="login-username">{t('login.username')}</label>
            <input
              id="login-username"
              name="username"
              autocomplete="username"
              required
              autoFocus
              value={username}
              onInput={(e) => setUsername(e.currentTarget.value)}
            />
          </div>
          <div class="field">
            <label for="login-password">{t('login.password')}</label>
            <input
              id="login-password"
              name="password"
              type="password"
              autocomplete="current-password"
              required
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
          </div>
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? t('login.submitting') : t('login.submit')}
          </button>
        </form>
      </main>
    </div>
  );
}
