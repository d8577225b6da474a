// Names of people the duty pages mention by id. Shift members arrive with their names; anyone else
// is looked up once (GET /users/{id}, which the server audits) and only by those allowed to read
// people, everyone else sees "User #id".
import { useMemo } from 'preact/hooks';
import { api } from './api';
import { useLoad } from './hooks';
import { t } from './i18n';

const cache = new Map<number, string | null>();
const inflight = new Map<number, Promise<void>>();

function lookup(id: number): Promise<void> {
  let p = inflight.get(id);
  if (!p) {
    p = api.user(id).then(
      (u) => {
        cache.set(id, u.full_name);
      },
      () => {
        cache.set(id, null);
      },
    );
    inflight.set(id, p);
  }
  return p;
}

/** A name function over `known` names, looking up the `wanted` ids it lacks when `canLookup`. */
export function useNames(known: Map<number, string>, wanted: number[], canLookup: boolean): (id: number | null | undefined) => string {
  const missing = useMemo(
    () => [...new Set(wanted)].filter((id) => id > 0 && !known.has(id) && !cache.has(id)),
    [known, wanted],
  );
  const missingKey = missing.join(',');
  // The lookups are shared with other pages through the cache, so they are not aborted; a page that
  // moved on only stops waiting for them. The answer is which ids were looked up.
  const looked = useLoad(
    () => (canLookup && missing.length ? Promise.all(missing.map(lookup)).then(() => missingKey) : Promise.resolve('')),
    [missingKey, canLookup],
  ).data;
  return useMemo(
    () => (id: number | null | undefined) => {
      if (id === null || id === undefined) return '';
      return known.get(id) ?? cache.get(id) ?? t('duty.unknownUser', { id });
    },
    // a new function once lookups have come, so that what uses it shows the names
    [known, looked],
  );
}
