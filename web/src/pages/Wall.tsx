// Placeholder for the video wall (màn hình giám sát), built in its own branch: the home page of the
// officers who watch the cameras (home.ts) points here. Replaced at merge.
import { t } from '../i18n';

export function WallPage({ viewId }: { viewId: number | null }) {
  return (
    <section class="wall" data-view-id={viewId ?? ''}>
      <div class="page-head">
        <h1>{t('wall.title')}</h1>
      </div>
      <p class="muted">{t('wall.placeholder')}</p>
    </section>
  );
}
