import { useEffect, useState } from 'preact/hooks';
import { getLang, onLangChange, setLang, t, type Lang } from './i18n';

/** Re-render the calling component when the language changes. */
export function useLang(): Lang {
  const [lang, set] = useState<Lang>(getLang());
  useEffect(() => onLangChange(set), []);
  return lang;
}

export function LangSwitch() {
  const lang = useLang();
  return (
    <div class="lang-switch" role="group" aria-label={t('lang.label')}>
      {(['vi', 'en'] as const).map((l) => (
        <button
          key={l}
          type="button"
          lang={l}
          title={t(l === 'vi' ? 'lang.vi' : 'lang.en')}
          aria-label={t(l === 'vi' ? 'lang.vi' : 'lang.en')}
          aria-pressed={lang === l}
          onClick={() => setLang(l)}
        >
          {l.toUpperCase()}
        </button>
      ))}
    </div>
  );
}
