import { useEffect, useState } from 'preact/hooks';

// A hash router is enough: the server's SPA fallback is then never needed for deep links, and
// a reload keeps the page and the selected unit.
export type Route =
  | { page: 'org'; unitId: number | null }
  | { page: 'users' }
  | { page: 'audit' }
  | { page: 'duty'; unitId: number | null }
  | { page: 'rosters'; unitId: number | null; rosterId: number | null }
  | { page: 'notfound' };

const positiveInt = (s: string | undefined) => {
  const n = Number(s);
  return s !== undefined && Number.isInteger(n) && n > 0 ? n : null;
};

export function parseHash(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/\/+$/, '') || '/org';
  const parts = path.split('/').filter(Boolean);
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
