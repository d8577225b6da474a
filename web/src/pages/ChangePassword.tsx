import { useState } from 'preact/hooks';
import { api, type User } from '../api';
import { useLang } from '../lang';
import { useAction } from '../hooks';
import { t } from '../i18n';
import { Field, fieldError, ProblemBox, Topbar, unclaimedFieldErrors, type FieldAria } from '../ui';

/** A required password input inside a Field (`aria` is what Field passes to its control). */
function PasswordInput({
  aria,
  autocomplete,
  minLength,
  value,
  onValue,
}: {
  aria: FieldAria;
  autocomplete: 'current-password' | 'new-password';
  minLength?: number;
  value: string;
  onValue: (v: string) => void;
}) {
  return (
    <input
      {...aria}
      type="password"
      autocomplete={autocomplete}
      required
      minLength={minLength}
      value={value}
      onInput={(e) => onValue(e.currentTarget.value)}
    />
  );
}

export function ChangePasswordPage({ user, onDone, onLogout }: { user: User; onDone: () => void; onLogout: () => void }) {
  useLang();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const action = useAction();
  const busy = !!action.busy;
  const { error, setError } = action;
  const [mismatch, setMismatch] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    if (next !== confirm) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    await action.run(async () => {
      await api.changePassword(current, next);
      onDone();
    });
  };

  const claimed = ['current_password', 'new_password'];
  return (
    <div class="auth-page">
      <Topbar onLogout={onLogout}>
        <span class="whoami-name">{user.full_name}</span>
      </Topbar>
      <main class="auth-card" id="main">
        <h1>{t('pw.title')}</h1>
        <p>{t('pw.intro')}</p>
        <ProblemBox error={error} extra={unclaimedFieldErrors(error, claimed)} />
        <form onSubmit={submit} class="form" noValidate>
          <Field id="pw-current" label={t('pw.current')} error={fieldError(error, 'current_password')}>
            {(a) => <PasswordInput aria={a} autocomplete="current-password" value={current} onValue={setCurrent} />}
          </Field>
          <Field id="pw-new" label={t('pw.new')} hint={t('pw.policy')} error={fieldError(error, 'new_password')}>
            {(a) => <PasswordInput aria={a} autocomplete="new-password" minLength={12} value={next} onValue={setNext} />}
          </Field>
          <Field id="pw-confirm" label={t('pw.confirm')} error={mismatch ? t('pw.mismatch') : undefined}>
            {(a) => <PasswordInput aria={a} autocomplete="new-password" value={confirm} onValue={setConfirm} />}
          </Field>
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? t('common.saving') : t('pw.submit')}
          </button>
        </form>
      </main>
    </div>
  );
}
