import type { Unit } from './api';

export interface TreeNode {
  unit: Unit;
  depth: number;
  children: TreeNode[];
}

/**
 * Build the unit forest from the flat list, keeping the server's order among siblings.
 * A unit whose parent is missing (e.g. an external requester sees only its own unit) becomes a root;
 * a parent cycle, which the server forbids, cannot loop here because each unit is placed once.
 */
export function buildTree(units: Unit[]): TreeNode[] {
  const nodes = new Map<number, TreeNode>();
  for (const u of units) nodes.set(u.id, { unit: u, depth: 0, children: [] });
  const roots: TreeNode[] = [];
  for (const u of units) {
    const n = nodes.get(u.id)!;
    const parent = u.parent_id !== null ? nodes.get(u.parent_id) : undefined;
    if (parent && parent !== n && !isAncestor(n, parent)) parent.children.push(n);
    else roots.push(n);
  }
  const setDepth = (list: TreeNode[], depth: number) => {
    for (const n of list) {
      n.depth = depth;
      setDepth(n.children, depth + 1);
    }
  };
  setDepth(roots, 0);
  return roots;
}

function isAncestor(candidate: TreeNode, of: TreeNode): boolean {
  const stack = [...candidate.children];
  while (stack.length) {
    const n = stack.pop()!;
    if (n === of) return true;
    stack.push(...n.children);
  }
  return false;
}

/** Depth-first list of the forest, the order used for selects (indented by depth). */
export function flatten(roots: TreeNode[]): TreeNode[] {
  const out: TreeNode[] = [];
  const walk = (list: TreeNode[]) => {
    for (const n of list) {
      out.push(n);
      walk(n.children);
    }
  };
  walk(roots);
  return out;
}

/** Lower-case and strip Vietnamese diacritics so "cuc dieu tra" finds "Cục Điều tra". */
export function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase();
}

export function unitMatches(u: Unit, query: string): boolean {
  const q = fold(query.trim());
  if (!q) return true;
  return [u.code, u.name_vi, u.name_en].some((s) => fold(s ?? '').includes(q));
}

/**
 * Ids of the units to show for `query`: every matching unit and all its ancestors (so the match
 * stays in context). Returns null when the query is empty (show everything).
 */
export function visibleIds(roots: TreeNode[], query: string): Set<number> | null {
  if (!query.trim()) return null;
  const keep = new Set<number>();
  const walk = (n: TreeNode): boolean => {
    let any = unitMatches(n.unit, query);
    for (const c of n.children) if (walk(c)) any = true;
    if (any) keep.add(n.unit.id);
    return any;
  };
  roots.forEach(walk);
  return keep;
}

/** Ids of `id` and its ancestors, root first. */
export function pathTo(units: Unit[], id: number): number[] {
  const byId = new Map(units.map((u) => [u.id, u]));
  const path: number[] = [];
  const seen = new Set<number>();
  let cur = byId.get(id);
  while (cur && !seen.has(cur.id)) {
    seen.add(cur.id);
    path.unshift(cur.id);
    cur = cur.parent_id !== null ? byId.get(cur.parent_id) : undefined;
  }
  return path;
}

/** Ids of `id` and everything below it (a unit cannot be moved under these). */
export function subtreeIds(roots: TreeNode[], id: number): Set<number> {
  const out = new Set<number>();
  const find = (list: TreeNode[]): TreeNode | undefined => {
    for (const n of list) {
      if (n.unit.id === id) return n;
      const f = find(n.children);
      if (f) return f;
    }
    return undefined;
  };
  const start = find(roots);
  if (start) for (const n of flatten([start])) out.add(n.unit.id);
  return out;
}
