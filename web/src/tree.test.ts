import { describe, expect, it } from 'vitest';
import type { Unit } from './api';
import { buildTree, flatten, fold, pathTo, subtreeIds, visibleIds } from './tree';

function unit(id: number, parent_id: number | null, code: string, name_vi: string, name_en = ''): Unit {
  return {
    id,
    parent_id,
    code,
    kind: 'division',
    name_vi,
    name_en,
    time_zone: 'Asia/Ho_Chi_Minh',
    place: '',
    has_camera_room: false,
    must_run_24x7: false,
    external: false,
    designations: {},
  };
}

const units = [
  unit(1, null, 'TCHQ', 'Tổng cục Hải quan', 'General Department of Vietnam Customs'),
  unit(2, 1, 'TCHQ-DTCBL', 'Cục Điều tra chống buôn lậu', 'Anti-Smuggling Investigation Department'),
  unit(3, 2, 'TCHQ-DTCBL-GSTT', 'Phòng Giám sát hải quan trực tuyến', 'Online Customs Supervision Division'),
  unit(4, 1, 'TCHQ-VP', 'Văn phòng Tổng cục', 'GDC Office'),
  unit(5, 99, 'EXT', 'Công an tỉnh', 'Provincial police'),
];

describe('buildTree', () => {
  it('nests by parent_id and keeps the server order', () => {
    const roots = buildTree(units);
    expect(roots.map((r) => r.unit.code)).toEqual(['TCHQ', 'EXT']);
    expect(roots[0].children.map((c) => c.unit.code)).toEqual(['TCHQ-DTCBL', 'TCHQ-VP']);
    expect(roots[0].children[0].children[0].depth).toBe(2);
    expect(flatten(roots).map((n) => n.unit.id)).toEqual([1, 2, 3, 4, 5]);
  });

  it('survives a parent cycle', () => {
    const roots = buildTree([unit(1, 2, 'A', 'A'), unit(2, 1, 'B', 'B')]);
    expect(flatten(roots)).toHaveLength(2);
  });
});

describe('search', () => {
  const roots = buildTree(units);
  it('ignores case and Vietnamese diacritics', () => {
    expect(fold('Cục Điều tra')).toBe('cuc dieu tra');
    expect([...visibleIds(roots, 'dieu tra')!].sort()).toEqual([1, 2]);
  });
  it('keeps the ancestors of a match and matches codes and English names', () => {
    expect([...visibleIds(roots, 'gstt')!].sort()).toEqual([1, 2, 3]);
    expect([...visibleIds(roots, 'office')!].sort()).toEqual([1, 4]);
    expect(visibleIds(roots, 'không có')!.size).toBe(0);
    expect(visibleIds(roots, '  ')).toBeNull();
  });
});

describe('paths', () => {
  it('finds the path from the root and the subtree', () => {
    expect(pathTo(units, 3)).toEqual([1, 2, 3]);
    expect([...subtreeIds(buildTree(units), 2)].sort()).toEqual([2, 3]);
  });
});
