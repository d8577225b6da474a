import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { countOpen, countUnacknowledged, unitScope, useAlerts } from './alerts';
import { api, ApiError, onProblem, type Session } from './api';
import { useLoad, useUnits } from './hooks';
import { homeRoute } from './home';
import { pick, setHqWords, t } from './i18n';
import { useLang } from './lang';
import { InboxContext, useInbox } from './inbox';
import { AuditPage } from './pages/Audit';
import { CaseDetailPage } from './pages/CaseDetail';
import { CameraDetailPage } from './pages/CameraDetail';
import { CameraOutagesPage } from './pages/CameraOutages';
import { CameraFormPage, CamerasPage } from './pages/Cameras';
import { CaseFormPage, CasesPage } from './pages/Cases';
import { ChangePasswordPage } from './pages/ChangePassword';
import { CoordinationPage } from './pages/Coordination';
import { DataRequestDetailPage } from './pages/DataRequestDetail';
import { DataRequestFormPage, DataRequestsPage } from './pages/DataRequests';
import { DutyPage } from './pages/Duty';
import { EvidenceVerifyPage } from './pages/Evidence';
import { GrantsPage } from './pages/Grants';
import { InboxPage } from './pages/Inbox';
import { LoginPage } from './pages/Login';
import { OrgPage } from './pages/Org';
import { RecorderNodesPage } from './pages/RecorderNodes';
import { RelationshipsPage } from './pages/Relationships';
import { RostersPage } from './pages/Rosters';
import { SitesPage } from './pages/Sites';
import { TasksPage } from './pages/Tasks';
import { UsersPage } from './pages/Users';
import { WallPage } from './pages/Wall';
import { href, parseHash, useRoute, type Route } from './router';
import {
  AppContext,
  canSeeAudit,
  canSeeCameras,
  canSeeCases,
  canSeeDuty,
  canSeeRelationships,
  canSeeUsers,
  canShareData,
  useApp,
  type AppState,
} from './session';
import { Loading, ProblemBox, Topbar } from './ui';

type Phase = 'loading' | 'login' | 'password' | 'ready';

/** The map page and its boundary data load only when the map is opened. */
function LazyMapPage() {
  const { data: Page, error } = useLoad(() => import('./pages/Map').then((m) => m.MapPage), []);
  if (error) return <ProblemBox error={error} />;
  return Page ? <Page /> : <Loading />;
}

export function App() {
  const lang = useLang();
  // Who is signed in: /auth/me at start-up, then whoever signs in; null while nobody is.
  const me = useLoad((signal) => api.me(signal), []);
  const session = me.data;
  const { setData: setSession, reload: reloadSession } = me;
  // A start-up that failed otherwise than "not signed in" is said on the login page.
  const startError = me.error instanceof ApiError && me.error.status !== 401 ? me.error : null;
  // Why the login page came back: the session ended under the console.
  const [loginNotice, setLoginNotice] = useState<unknown>(null);
  const phase: Phase = !session ? (me.loading ? 'loading' : 'login') : session.user.must_change_password ? 'password' : 'ready';

  const enter = useCallback(
    (s: Session) => {
      setSession(() => s);
      setLoginNotice(null);
    },
    [setSession],
  );

  // A session that ends under the console (expiry, deactivation) brings back the login page.
  useEffect(() => {
    onProblem((err, path) => {
      if (path === '/auth/login' || path === '/auth/me') return;
      if (err.status === 401) {
        setSession(() => null);
        setLoginNotice(err);
      } else if (err.slug === 'password-change-required') {
        setSession((s) => s && { ...s, user: { ...s.user, must_change_password: true } });
      }
    });
    return () => onProblem(null);
  }, [setSession]);

  const ready = phase === 'ready';
  const meta = useLoad(
    (signal) =>
      ready
        ? api.meta(signal).then((m) => {
            setHqWords(m.hq);
            return m;
          })
        : Promise.resolve(null),
    [ready],
  ).data;

  useEffect(() => {
    document.title = t('app.name');
  }, [lang]);

  const refreshUser = useCallback(async () => {
    await reloadSession();
  }, [reloadSession]);

  const logout = useCallback(async () => {
    try {
      await api.logout();
    } catch {
      // the session is gone either way for this browser
    }
    setSession(() => null);
  }, [setSession]);

  if (phase === 'loading') return <Loading />;
  if (phase === 'login' || !session)
    return <LoginPage onLoggedIn={enter} initialError={startError ?? loginNotice} />;
  if (phase === 'password')
    return (
      <ChangePasswordPage
        user={session.user}
        onDone={() =>
          void reloadSession().then((s) => {
            if (!s) setSession(() => null);
          })
        }
        onLogout={logout}
      />
    );

  const state: AppState = { user: session.user, meta, lang, refreshUser };
  return (
    <AppContext.Provider value={state}>
      <Shell onLogout={logout} />
    </AppContext.Provider>
  );
}

function Shell({ onLogout }: { onLogout: () => void }) {
  const lang = useLang();
  const route = useRoute();
  const { user } = useApp();
  const ownUnit = useLoad((signal) => api.unit(user.unit_id, signal).catch(() => null), [user.unit_id]).data;

  const duty = canSeeDuty(user) && !ownUnit?.external;
  const cases = canSeeCases(user) && !ownUnit?.external;
  const external = !!ownUnit?.external;
  // The user's notifications about cases and data requests, counted on the inbox's nav item and kept
  // live; outside customs, the decisions on their data requests.
  const inbox = useInbox(cases || (external && canShareData(user)));

  // The open alerts of the user's own unit (and below), counted on the duty board's nav item.
  const units = useUnits(duty);
  const scope = useMemo(() => unitScope(units, user.unit_id), [units, user.unit_id]);
  const { alerts } = useAlerts(duty && ownUnit ? user.unit_id : null, scope);
  const alertCount = countOpen(alerts);
  const unacknowledged = countUnacknowledged(alerts);

  // `#/` (and a login without a page in the address) opens the home page of the user's post; replaced
  // in the history, so that Back does not come here again. Wait for the own unit: outside customs
  // the home is the organisation page.
  const unitKnown = ownUnit !== null;
  // The address is read again when the redirect runs: a page opened meanwhile (a link, a typed
  // address whose hashchange this render has not seen yet) is never replaced by the home page.
  const stillHome = () => parseHash(location.hash).page === 'home';
  useEffect(() => {
    if (route.page !== 'home' || !unitKnown || !stillHome()) return;
    location.replace(href(homeRoute(user, ownUnit?.external ?? false)));
  }, [route.page, unitKnown, user]);
  useEffect(() => {
    // Without the own unit (it failed to load), still leave `#/` after a moment.
    if (route.page !== 'home' || unitKnown) return;
    const h = setTimeout(() => stillHome() && location.replace(href(homeRoute(user))), 3000);
    return () => clearTimeout(h);
  }, [route.page, unitKnown, user]);

  const cameras = canSeeCameras(user) && !ownUnit?.external;
  const isCasePage = route.page === 'case' || route.page === 'case-new';
  const isRequestPage = route.page === 'data-request' || route.page === 'data-request-new';
  // The camera list, one camera, its form, the sites and the recorder nodes are all under "Camera".
  const isVideoPage =
    route.page === 'cameras' || route.page === 'camera' || route.page === 'camera-new' || route.page === 'sites' || route.page === 'recorder-nodes';
  const nav = useMemo(
    () =>
      [
        { page: 'wall' as const, route: { page: 'wall', viewId: null } as Route, label: t('nav.wall'), show: cameras },
        { page: 'duty' as const, route: { page: 'duty', unitId: null } as Route, label: t('nav.duty'), show: duty },
        {
          page: 'rosters' as const,
          route: { page: 'rosters', unitId: null, rosterId: null } as Route,
          label: t('nav.rosters'),
          show: duty,
        },
        {
          page: 'data-requests' as const,
          route: { page: 'data-requests', tab: 'mine' } as Route,
          label: t('nav.dataRequests'),
          show: canShareData(user),
        },
        { page: 'grants' as const, route: { page: 'grants', tab: 'mine', id: null } as Route, label: t('nav.grants'), show: canShareData(user) },
        { page: 'inbox' as const, route: { page: 'inbox' } as Route, label: t('nav.inbox'), show: cases || (external && canShareData(user)) },
        { page: 'cases' as const, route: { page: 'cases' } as Route, label: t('nav.cases'), show: cases },
        { page: 'tasks' as const, route: { page: 'tasks', taskId: null } as Route, label: t('nav.tasks'), show: cases },
        {
          page: 'coordination' as const,
          route: { page: 'coordination', tab: 'incoming', id: null } as Route,
          label: t('nav.coordination'),
          show: cases,
        },
        { page: 'cameras' as const, route: { page: 'cameras' } as Route, label: t('nav.cameras'), show: cameras },
        { page: 'map' as const, route: { page: 'map' } as Route, label: t('nav.map'), show: cameras },
        {
          page: 'camera-outages' as const,
          route: { page: 'camera-outages' } as Route,
          label: t('nav.cameraOutages'),
          show: cameras,
        },
        { page: 'org' as const, route: { page: 'org', unitId: null } as Route, label: t('nav.org'), show: true },
        {
          page: 'working-relationships' as const,
          route: { page: 'working-relationships' } as Route,
          label: t('nav.relationships'),
          show: canSeeRelationships(user) && !external,
        },
        { page: 'users' as const, route: { page: 'users' } as Route, label: t('nav.users'), show: canSeeUsers(user) },
        { page: 'audit' as const, route: { page: 'audit' } as Route, label: t('nav.audit'), show: canSeeAudit(user) },
        { page: 'evidence-verify' as const, route: { page: 'evidence-verify' } as Route, label: t('nav.evidenceVerify'), show: cases },
      ].filter((n) => n.show),
    [user, lang, duty, cases, cameras, external],
  );

  return (
    <div class="shell">
      <a class="skip" href="#main">
        {t('app.skip')}
      </a>
      <Topbar onLogout={onLogout}>
        <div class="whoami" aria-label={t('header.user')}>
          <span class="whoami-name">{user.full_name}</span>
          {ownUnit ? <span class="whoami-unit">{pick(ownUnit.name_vi, ownUnit.name_en)}</span> : null}
        </div>
      </Topbar>
      <div class="body">
        <nav class="sidenav" aria-label={t('nav.label')}>
          <ul>
            {nav.map((n) => (
              <li key={n.page}>
                <a
                  href={href(n.route)}
                  aria-current={
                    route.page === n.page ||
                    (n.page === 'cases' && isCasePage) ||
                    (n.page === 'cameras' && isVideoPage) ||
                    (n.page === 'data-requests' && isRequestPage)
                      ? 'page'
                      : undefined
                  }
                >
                  {n.label}
                  {n.page === 'duty' && alertCount > 0 ? (
                    <span
                      class={`badge nav-count${unacknowledged > 0 ? ' unacknowledged' : ''}`}
                      data-testid="nav-alert-count"
                      title={t('alerts.navCount', { n: alertCount })}
                    >
                      <span aria-hidden="true">{alertCount}</span>
                      <span class="sr-only">{t('alerts.navCount', { n: alertCount })}</span>
                    </span>
                  ) : null}
                  {n.page === 'inbox' && inbox.unread > 0 ? (
                    <span
                      class="badge nav-count unacknowledged"
                      data-testid="nav-inbox-count"
                      title={t('inbox.unread', { n: inbox.unread })}
                    >
                      <span aria-hidden="true">{inbox.unread}</span>
                      <span class="sr-only">{t('inbox.unread', { n: inbox.unread })}</span>
                    </span>
                  ) : null}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" class="content" tabIndex={-1}>
          <InboxContext.Provider value={inbox}>
            {route.page === 'org' ? (
              <OrgPage unitId={route.unitId} />
            ) : route.page === 'users' ? (
              <UsersPage />
            ) : route.page === 'audit' ? (
              <AuditPage />
            ) : route.page === 'duty' ? (
              <DutyPage unitId={route.unitId} />
            ) : route.page === 'rosters' ? (
              <RostersPage unitId={route.unitId} rosterId={route.rosterId} />
            ) : route.page === 'inbox' ? (
              <InboxPage />
            ) : route.page === 'cases' ? (
              <CasesPage />
            ) : route.page === 'case-new' ? (
              <CaseFormPage key="new" caseId={null} />
            ) : route.page === 'case' ? (
              route.edit ? (
                <CaseFormPage key={`edit-${route.caseId}`} caseId={route.caseId} />
              ) : (
                <CaseDetailPage key={route.caseId} caseId={route.caseId} />
              )
            ) : route.page === 'tasks' ? (
              <TasksPage taskId={route.taskId} />
            ) : route.page === 'coordination' ? (
              <CoordinationPage tab={route.tab} id={route.id} />
            ) : route.page === 'sites' ? (
              <SitesPage siteId={route.siteId} />
            ) : route.page === 'cameras' ? (
              <CamerasPage />
            ) : route.page === 'camera-outages' ? (
              <CameraOutagesPage />
            ) : route.page === 'recorder-nodes' ? (
              <RecorderNodesPage nodeId={route.nodeId} />
            ) : route.page === 'map' ? (
              <LazyMapPage />
            ) : route.page === 'wall' ? (
              <WallPage viewId={route.viewId} />
            ) : route.page === 'data-requests' ? (
              <DataRequestsPage key={route.tab} tab={route.tab} />
            ) : route.page === 'data-request-new' ? (
              <DataRequestFormPage />
            ) : route.page === 'data-request' ? (
              <DataRequestDetailPage key={route.id} id={route.id} />
            ) : route.page === 'grants' ? (
              <GrantsPage tab={route.tab} id={route.id} />
            ) : route.page === 'working-relationships' ? (
              <RelationshipsPage />
            ) : route.page === 'evidence-verify' ? (
              <EvidenceVerifyPage />
            ) : route.page === 'home' ? (
              <Loading />
            ) : route.page === 'camera-new' ? (
              <CameraFormPage key={`new-${route.siteId ?? ''}`} cameraId={null} siteId={route.siteId} />
            ) : route.page === 'camera' ? (
              route.edit ? (
                <CameraFormPage key={`edit-${route.cameraId}`} cameraId={route.cameraId} siteId={null} />
              ) : (
                <CameraDetailPage key={route.cameraId} cameraId={route.cameraId} />
              )
            ) : (
              <ProblemBox error={new Error(t('error.notFoundPage'))} />
            )}
          </InboxContext.Provider>
        </main>
      </div>
    </div>
  );
}
