import { useEffect, useState } from 'preact/hooks';

// A hash router is enough: the server's SPA fallback is then never needed for deep links, and
// a reload keeps the page and the selected unit.
export type Route =
  | { page: 'org'; unitId: number | null }
  | { page: 'users' }
  | { page: 'audit' }
  | { page: 'duty'; unitId: number | null }
  | { page: 'rosters'; unitId: number | null; rosterId: number | null }
  | { page: 'inbox' }
  | { page: 'cases' }
  | { page: 'case-new' }
  | { page: 'case'; caseId: number; edit: boolean }
  | { page: 'tasks'; taskId: number | 'new' | null }
  | { page: 'coordination'; tab: 'incoming' | 'outgoing'; id: number | null }
  | { page: 'sites'; siteId: number | 'new' | null }
  | { page: 'cameras' }
  | { page: 'camera-outages' }
  | { page: 'recorder-nodes'; nodeId: number | 'new' | null }
  | { page: 'camera-new'; siteId: number | null }
  | { page: 'camera'; cameraId: number; edit: boolean }
  | { page: 'map' }
  | { page: 'wall'; viewId: number | null }
  | { page: 'data-requests'; tab: 'mine' | 'to_decide' | 'all' }
  | { page: 'data-request-new' }
  | { page: 'data-request'; id: number }
  | { page: 'grants'; tab: 'mine' | 'issued' | 'all'; id: number | null }
  | { page: 'working-relationships' }
  | { page: 'evidence-verify' }
  // `#/` and no hash: the console sends the user to their post's home page (home.ts).
  | { page: 'home' }
  | { page: 'notfound' };

const positiveInt = (s: string | undefined) => {
  const n = Number(s);
  return s !== undefined && Number.isInteger(n) && n > 0 ? n : null;
};

export function parseHash(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/\/+$/, '');
  const parts = path.split('/').filter(Boolean);
  if (parts.length === 0) return { page: 'home' };
  switch (parts[0]) {
    case 'org': {
      if (parts.length === 1) return { page: 'org', unitId: null };
      const id = Number(parts[1]);
      return parts.length === 2 && Number.isInteger(id) && id > 0 ? { page: 'org', unitId: id } : { page: 'notfound' };
    }
    case 'users':
      return parts.length === 1 ? { page: 'users' } : { page: 'notfound' };
    case 'audit':
      return parts.length === 1 ? { page: 'audit' } : { page: 'notfound' };
    case 'duty': {
      if (parts.length === 1) return { page: 'duty', unitId: null };
      const id = positiveInt(parts[1]);
      return parts.length === 2 && id ? { page: 'duty', unitId: id } : { page: 'notfound' };
    }
    case 'rosters': {
      if (parts.length === 1) return { page: 'rosters', unitId: null, rosterId: null };
      const unitId = positiveInt(parts[1]);
      const rosterId = parts.length === 3 ? positiveInt(parts[2]) : null;
      if (!unitId || parts.length > 3 || (parts.length === 3 && !rosterId)) return { page: 'notfound' };
      return { page: 'rosters', unitId, rosterId };
    }
    case 'inbox':
      return parts.length === 1 ? { page: 'inbox' } : { page: 'notfound' };
    case 'cases': {
      if (parts.length === 1) return { page: 'cases' };
      if (parts.length === 2 && parts[1] === 'new') return { page: 'case-new' };
      const id = positiveInt(parts[1]);
      if (!id || parts.length > 3 || (parts.length === 3 && parts[2] !== 'edit')) return { page: 'notfound' };
      return { page: 'case', caseId: id, edit: parts.length === 3 };
    }
    case 'tasks': {
      if (parts.length === 1) return { page: 'tasks', taskId: null };
      const id = parts[1] === 'new' ? 'new' : positiveInt(parts[1]);
      return parts.length === 2 && id ? { page: 'tasks', taskId: id } : { page: 'notfound' };
    }
    case 'coordination': {
      if (parts.length === 1) return { page: 'coordination', tab: 'incoming', id: null };
      const tab = parts[1] === 'incoming' || parts[1] === 'outgoing' ? parts[1] : null;
      if (!tab || parts.length > 3) return { page: 'notfound' };
      const id = parts.length === 3 ? positiveInt(parts[2]) : null;
      if (parts.length === 3 && !id) return { page: 'notfound' };
      return { page: 'coordination', tab, id };
    }
    case 'sites': {
      if (parts.length === 1) return { page: 'sites', siteId: null };
      const id = parts[1] === 'new' ? 'new' : positiveInt(parts[1]);
      return parts.length === 2 && id ? { page: 'sites', siteId: id } : { page: 'notfound' };
    }
    case 'cameras': {
      if (parts.length === 1) return { page: 'cameras' };
      if (parts[1] === 'new') {
        // #/cameras/new/{site}: a camera to add at that site.
        const siteId = parts.length === 3 ? positiveInt(parts[2]) : null;
        if (parts.length > 3 || (parts.length === 3 && !siteId)) return { page: 'notfound' };
        return { page: 'camera-new', siteId };
      }
      const id = positiveInt(parts[1]);
      if (!id || parts.length > 3 || (parts.length === 3 && parts[2] !== 'edit')) return { page: 'notfound' };
      return { page: 'camera', cameraId: id, edit: parts.length === 3 };
    }
    case 'camera-outages':
      return parts.length === 1 ? { page: 'camera-outages' } : { page: 'notfound' };
    case 'recorder-nodes': {
      if (parts.length === 1) return { page: 'recorder-nodes', nodeId: null };
      const id = parts[1] === 'new' ? 'new' : positiveInt(parts[1]);
      return parts.length === 2 && id ? { page: 'recorder-nodes', nodeId: id } : { page: 'notfound' };
    }
    case 'map':
      return parts.length === 1 ? { page: 'map' } : { page: 'notfound' };
    case 'wall': {
      if (parts.length === 1) return { page: 'wall', viewId: null };
      const id = positiveInt(parts[1]);
      return parts.length === 2 && id ? { page: 'wall', viewId: id } : { page: 'notfound' };
    }
    case 'data-requests': {
      if (parts.length === 1) return { page: 'data-requests', tab: 'mine' };
      if (parts.length > 2) return { page: 'notfound' };
      if (parts[1] === 'new') return { page: 'data-request-new' };
      if (parts[1] === 'mine' || parts[1] === 'to_decide' || parts[1] === 'all') return { page: 'data-requests', tab: parts[1] };
      const id = positiveInt(parts[1]);
      return id ? { page: 'data-request', id } : { page: 'notfound' };
    }
    case 'grants': {
      if (parts.length === 1) return { page: 'grants', tab: 'mine', id: null };
      if (parts.length > 2) return { page: 'notfound' };
      if (parts[1] === 'mine' || parts[1] === 'issued' || parts[1] === 'all') return { page: 'grants', tab: parts[1], id: null };
      const id = positiveInt(parts[1]);
      return id ? { page: 'grants', tab: 'mine', id } : { page: 'notfound' };
    }
    case 'working-relationships':
      return parts.length === 1 ? { page: 'working-relationships' } : { page: 'notfound' };
    case 'evidence':
      return parts.length === 2 && parts[1] === 'verify' ? { page: 'evidence-verify' } : { page: 'notfound' };
    default:
      return { page: 'notfound' };
  }
}

export function href(route: Route): string {
  switch (route.page) {
    case 'org':
      return route.unitId ? `#/org/${route.unitId}` : '#/org';
    case 'users':
      return '#/users';
    case 'audit':
      return '#/audit';
    case 'duty':
      return route.unitId ? `#/duty/${route.unitId}` : '#/duty';
    case 'rosters':
      if (!route.unitId) return '#/rosters';
      return route.rosterId ? `#/rosters/${route.unitId}/${route.rosterId}` : `#/rosters/${route.unitId}`;
    case 'inbox':
      return '#/inbox';
    case 'cases':
      return '#/cases';
    case 'case-new':
      return '#/cases/new';
    case 'case':
      return route.edit ? `#/cases/${route.caseId}/edit` : `#/cases/${route.caseId}`;
    case 'tasks':
      return route.taskId ? `#/tasks/${route.taskId}` : '#/tasks';
    case 'coordination':
      return route.id ? `#/coordination/${route.tab}/${route.id}` : `#/coordination/${route.tab}`;
    case 'sites':
      return route.siteId ? `#/sites/${route.siteId}` : '#/sites';
    case 'cameras':
      return '#/cameras';
    case 'camera-outages':
      return '#/camera-outages';
    case 'recorder-nodes':
      return route.nodeId ? `#/recorder-nodes/${route.nodeId}` : '#/recorder-nodes';
    case 'camera-new':
      return route.siteId ? `#/cameras/new/${route.siteId}` : '#/cameras/new';
    case 'camera':
      return route.edit ? `#/cameras/${route.cameraId}/edit` : `#/cameras/${route.cameraId}`;
    case 'map':
      return '#/map';
    case 'wall':
      return route.viewId ? `#/wall/${route.viewId}` : '#/wall';
    case 'data-requests':
      return route.tab === 'mine' ? '#/data-requests' : `#/data-requests/${route.tab}`;
    case 'data-request-new':
      return '#/data-requests/new';
    case 'data-request':
      return `#/data-requests/${route.id}`;
    case 'grants':
      return route.id ? `#/grants/${route.id}` : route.tab === 'mine' ? '#/grants' : `#/grants/${route.tab}`;
    case 'working-relationships':
      return '#/working-relationships';
    case 'evidence-verify':
      return '#/evidence/verify';
    case 'home':
      return '#/';
    default:
      return '#/org';
  }
}

export function navigate(route: Route): void {
  const h = href(route);
  if (location.hash !== h) location.hash = h;
}

export function useRoute(): Route {
  const [route, setRoute] = useState<Route>(() => parseHash(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseHash(location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}
