// Names of people the duty pages mention by id. Shift members arrive with their names; anyone else
// is looked up once (GET /users/{id}, which the server audits) and only by those allowed to read
// people, everyone else sees "User #id".
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api } from './api';
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
  const [tick, setTick] = useState(0);
  const missing = useMemo(
    () => [...new Set(wanted)].filter((id) => id > 0 && !known.has(id) && !cache.has(id)),
    [known, wanted],
  );
  const missingKey = missing.join(',');
  useEffect(() => {
    if (!canLookup || missing.length === 0) return;
    let live = true;
    Promise.all(missing.map(lookup)).then(() => {
      if (live) setTick((n) => n + 1);
    });
    return () => {
      live = false;
    };
    // missingKey stands for `missing`
    // eslint-disable-next-line
  }, [missingKey, canLookup]);
  return useMemo(
    () => (id: number | null | undefined) => {
      if (id === null || id === undefined) return '';
      return known.get(id) ?? cache.get(id) ?? t('duty.unknownUser', { id });
    },
    // tick re-creates the function after lookups
    [known, tick],
  );
}
