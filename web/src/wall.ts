// The video wall's rules (màn hình giám sát), apart from the page: layouts and where each tile sits,
// placing a camera or a whole site, tours, which tile an alert or case concerns, and the saved views.
import type { Camera, Site, Unit } from './api';
import { buildTree, fold, type TreeNode } from './tree';

export const LAYOUTS = ['1', '4', '9', '16', '25', '1+5', '1+7'] as const;
export type Layout = (typeof LAYOUTS)[number];

export function isLayout(x: unknown): x is Layout {
  return typeof x === 'string' && (LAYOUTS as readonly string[]).includes(x);
}

export interface Cell {
  col: number; // 1-based grid line
  row: number;
  colSpan: number;
  rowSpan: number;
}

export interface Grid {
  cols: number;
  rows: number;
  cells: Cell[];
}

/**
 * The grid of a layout: N×N squares, or one big tile with small ones around it — "1+5" is a 3×3 grid
 * with a 2×2 tile top left, "1+7" a 4×4 grid with a 3×3 tile top left. Tile 0 is the big one.
 */
export function layoutGrid(layout: Layout): Grid {
  if (layout === '1+5' || layout === '1+7') {
    const n = layout === '1+5' ? 3 : 4;
    const big = n - 1;
    const cells: Cell[] = [{ col: 1, row: 1, colSpan: big, rowSpan: big }];
    for (let r = 1; r <= big; r++) cells.push({ col: n, row: r, colSpan: 1, rowSpan: 1 });
    for (let c = 1; c <= n; c++) cells.push({ col: c, row: n, colSpan: 1, rowSpan: 1 });
    return { cols: n, rows: n, cells };
  }
  const n = Math.round(Math.sqrt(Number(layout)));
  const cells: Cell[] = [];
  for (let r = 1; r <= n; r++) for (let c = 1; c <= n; c++) cells.push({ col: c, row: r, colSpan: 1, rowSpan: 1 });
  return { cols: n, rows: n, cells };
}

export const slotCount = (layout: Layout) => layoutGrid(layout).cells.length;

export type Slots = (number | null)[];

/** The tiles resized to a layout: what fits keeps its place, the rest is dropped. */
export function fitSlots(slots: Slots, layout: Layout): Slots {
  const n = slotCount(layout);
  return Array.from({ length: n }, (_, i) => slots[i] ?? null);
}

/** Put a camera on tile `at`; a camera already on another tile moves (one tile per camera). */
export function placeCamera(slots: Slots, at: number, cameraId: number): Slots {
  if (at < 0 || at >= slots.length) return slots;
  const out = slots.map((c) => (c === cameraId ? null : c));
  out[at] = cameraId;
  return out;
}

/**
 * Put a site's cameras on the wall from tile `at` on: first the empty tiles from there, then the
 * following ones; a camera already on the wall stays where it is. Returns the new tiles.
 */
export function placeMany(slots: Slots, at: number, cameraIds: number[]): Slots {
  const out = [...slots];
  const todo = cameraIds.filter((id) => !out.includes(id));
  const order = [...out.keys()].slice(Math.max(0, at)).concat([...out.keys()].slice(0, Math.max(0, at)));
  const free = order.filter((i) => out[i] === null);
  const taken = order.filter((i) => out[i] !== null);
  for (const i of [...free, ...taken]) {
    const next = todo.shift();
    if (next === undefined) break;
    out[i] = next;
  }
  return out;
}

export const clearSlot = (slots: Slots, at: number): Slots => slots.map((c, i) => (i === at ? null : c));

/**
 * Which stream a tile asks for: the sub stream when the tile is small and the camera has one, the
 * main stream when it fills the wall (layout 1, the big tile of 1+5 / 1+7, or maximised).
 */
export function tileStream(layout: Layout, index: number, maximised: boolean, hasSub: boolean): 'main' | 'sub' {
  if (!hasSub) return 'main';
  if (maximised || layout === '1') return 'main';
  if ((layout === '1+5' || layout === '1+7') && index === 0) return 'main';
  return 'sub';
}

// ---- tours ----------------------------------------------------------------------------------------

export interface Tour {
  dwell_seconds: number;
  sets: Slots[];
}

export const MIN_DWELL_S = 5;

/** The camera set shown at `elapsedMs` into a tour. */
export function tourStep(tour: Tour, elapsedMs: number): number {
  if (!tour.sets.length) return 0;
  const step = Math.floor(elapsedMs / (Math.max(MIN_DWELL_S, tour.dwell_seconds) * 1000));
  return step % tour.sets.length;
}

// ---- the camera tree ------------------------------------------------------------------------------

export interface SiteBranch {
  site: Pick<Site, 'id' | 'name' | 'unit_id'>;
  cameras: Camera[];
}

export interface UnitBranch {
  unit: Unit;
  depth: number;
  sites: SiteBranch[];
}

/**
 * Units (in tree order) with their sites and cameras, keeping only what has cameras matching the
 * search (diacritics ignored; a match on the site or unit name keeps all its cameras).
 */
export function cameraTree(units: Unit[], sites: Pick<Site, 'id' | 'name' | 'unit_id'>[], cameras: Camera[], search = ''): UnitBranch[] {
  const q = fold(search.trim());
  const bySite = new Map<number, Camera[]>();
  for (const c of cameras) {
    const list = bySite.get(c.site_id) ?? [];
    list.push(c);
    bySite.set(c.site_id, list);
  }
  const known = new Set(units.map((u) => u.id));
  const out: UnitBranch[] = [];
  const walk = (nodes: TreeNode[]) => {
    for (const n of nodes) {
      const unitHit = q !== '' && fold(n.unit.name_vi + ' ' + (n.unit.name_en ?? '')).includes(q);
      const siteBranches: SiteBranch[] = [];
      for (const s of sites.filter((x) => x.unit_id === n.unit.id)) {
        const cams = (bySite.get(s.id) ?? []).slice().sort((a, b) => a.name.localeCompare(b.name, 'vi'));
        const siteHit = unitHit || q === '' || fold(s.name).includes(q);
        const shown = siteHit ? cams : cams.filter((c) => fold(c.name).includes(q));
        if (shown.length) siteBranches.push({ site: s, cameras: shown });
      }
      if (siteBranches.length) out.push({ unit: n.unit, depth: n.depth, sites: siteBranches });
      walk(n.children);
    }
  };
  walk(buildTree(units));
  // Sites of units the user cannot list (rare): at the end, under no unit.
  const orphans = sites.filter((s) => !known.has(s.unit_id));
  if (orphans.length) {
    const branches = orphans
      .map((s) => ({ site: s, cameras: (bySite.get(s.id) ?? []).filter((c) => q === '' || fold(c.name + ' ' + s.name).includes(q)) }))
      .filter((b) => b.cameras.length);
    if (branches.length)
      out.push({
        unit: { id: 0, name_vi: '—', name_en: '—', parent_id: null } as unknown as Unit,
        depth: 0,
        sites: branches,
      });
  }
  return out;
}

// ---- alerts and cases on a camera -----------------------------------------------------------------

/**
 * The cameras an alert or case event concerns: an alert's `details.camera_id` or `camera:<id>`
 * subject; a case's cameras named (by name, as the report form takes them) in its `cameras`.
 */
export function camerasOfEvent(topic: string, payload: unknown, cameras: Pick<Camera, 'id' | 'name'>[]): number[] {
  if (!payload || typeof payload !== 'object') return [];
  const p = payload as Record<string, unknown>;
  if (topic === 'alert.raised') {
    const d = p.details as Record<string, unknown> | undefined;
    if (d && typeof d.camera_id === 'number') return [d.camera_id];
    const m = typeof p.subject === 'string' ? /^camera:(\d+)/.exec(p.subject) : null;
    return m ? [Number(m[1])] : [];
  }
  if (topic === 'case.changed') {
    const list = Array.isArray(p.cameras) ? (p.cameras as { camera?: unknown; camera_id?: unknown }[]) : [];
    const out: number[] = [];
    for (const w of list) {
      if (typeof w.camera_id === 'number') out.push(w.camera_id);
      const name = typeof w.camera === 'string' ? fold(w.camera.trim()) : '';
      if (!name) continue;
      for (const c of cameras) if (fold(c.name) === name || String(c.id) === name) out.push(c.id);
    }
    return [...new Set(out)];
  }
  return [];
}

/** A case event that is news on the wall: just reported (not a later edit of an old case). */
export function isNewCase(payload: unknown, seen: Set<number>): boolean {
  if (!payload || typeof payload !== 'object') return false;
  const p = payload as { id?: unknown; status?: unknown };
  if (typeof p.id !== 'number' || p.status === 'draft') return false;
  if (seen.has(p.id)) return false;
  seen.add(p.id);
  return true;
}

// ---- saved views ----------------------------------------------------------------------------------

export interface WallView {
  id: number;
  name: string;
  layout: Layout;
  tiles: Slots;
  unit_id: number;
  shared: boolean;
  is_default: boolean;
  owner_id: number;
  owner_name?: string;
  tour: Tour | null;
  can_edit?: boolean;
  created_at?: string;
  updated_at?: string;
}

export interface WallViewInput {
  /** On creation: the unit a shared view is shared with (the owner's own unit when absent). */
  unit_id?: number;
  name?: string;
  layout?: Layout;
  tiles?: Slots;
  shared?: boolean;
  is_default?: boolean;
  tour?: Tour | null;
}

/**
 * The view the wall opens with no id: the default of the user's own unit, else of the nearest unit
 * above it, else none.
 */
export function defaultViewFor(views: WallView[], units: Pick<Unit, 'id' | 'parent_id'>[], unitId: number): WallView | null {
  const parent = new Map(units.map((u) => [u.id, u.parent_id]));
  let at: number | null | undefined = unitId;
  const seen = new Set<number>();
  while (at !== null && at !== undefined && !seen.has(at)) {
    seen.add(at);
    const v = views.find((x) => x.is_default && x.unit_id === at);
    if (v) return v;
    at = parent.get(at);
  }
  return null;
}

/** Trailing empty tiles are not worth saving; the layout says how many there are. */
export function tilesToSave(slots: Slots): Slots {
  const out = [...slots];
  while (out.length && out[out.length - 1] === null) out.pop();
  return out;
}
