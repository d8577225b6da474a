import { describe, expect, it } from 'vitest';
import type { Camera, Unit } from './api';
import {
  cameraTree,
  camerasOfEvent,
  defaultViewFor,
  fitSlots,
  isNewCase,
  LAYOUTS,
  layoutGrid,
  placeCamera,
  placeMany,
  slotCount,
  tilesToSave,
  tileStream,
  tourStep,
  type WallView,
} from './wall';

const unit = (id: number, parent: number | null, name: string) => ({ id, parent_id: parent, name_vi: name, name_en: name }) as Unit;
const cam = (id: number, site: number, name: string, sub = false) =>
  ({ id, site_id: site, unit_id: 0, name, sub_url: sub ? 'rtsp://x/sub' : null, state: 'online' }) as Camera;

describe('layouts', () => {
  it('has 1, 4, 9, 16, 25 and 1+5, 1+7 tiles', () => {
    expect(LAYOUTS.map(slotCount)).toEqual([1, 4, 9, 16, 25, 6, 8]);
  });

  it('puts the big tile of 1+5 over 2×2 of a 3×3 grid and tiles the rest without overlap', () => {
    for (const l of LAYOUTS) {
      const g = layoutGrid(l);
      const covered = new Set<string>();
      for (const c of g.cells)
        for (let r = c.row; r < c.row + c.rowSpan; r++)
          for (let k = c.col; k < c.col + c.colSpan; k++) {
            const key = `${r},${k}`;
            expect(covered.has(key), `${l} overlaps at ${key}`).toBe(false);
            covered.add(key);
          }
      expect(covered.size, l).toBe(g.cols * g.rows); // no hole either
    }
    expect(layoutGrid('1+5').cells[0]).toEqual({ col: 1, row: 1, colSpan: 2, rowSpan: 2 });
    expect(layoutGrid('1+7').cells[0]).toEqual({ col: 1, row: 1, colSpan: 3, rowSpan: 3 });
  });

  it('keeps what fits when the layout changes', () => {
    expect(fitSlots([1, 2, 3, 4], '1')).toEqual([1]);
    expect(fitSlots([1, 2], '4')).toEqual([1, 2, null, null]);
  });
});

describe('placing cameras', () => {
  it('moves a camera already on the wall instead of showing it twice', () => {
    expect(placeCamera([5, null, null, null], 2, 5)).toEqual([null, null, 5, null]);
    expect(placeCamera([5, 6, null, null], 1, 7)).toEqual([5, 7, null, null]);
  });

  it('places a whole site from the tile dropped on, empty tiles first, skipping cameras already shown', () => {
    expect(placeMany([9, null, 3, null], 1, [1, 2, 3])).toEqual([9, 1, 3, 2]);
    // more cameras than empty tiles: the following tiles are replaced
    expect(placeMany([9, 8, null, null], 2, [1, 2, 4])).toEqual([4, 8, 1, 2]);
  });

  it('asks the sub stream for small tiles of cameras that have one, main when the tile fills the wall', () => {
    expect(tileStream('16', 3, false, true)).toBe('sub');
    expect(tileStream('16', 3, true, true)).toBe('main');
    expect(tileStream('16', 3, false, false)).toBe('main');
    expect(tileStream('1', 0, false, true)).toBe('main');
    expect(tileStream('1+7', 0, false, true)).toBe('main');
    expect(tileStream('1+7', 1, false, true)).toBe('sub');
  });

  it('saves without trailing empty tiles', () => {
    expect(tilesToSave([1, null, 2, null, null])).toEqual([1, null, 2]);
  });
});

describe('tours', () => {
  it('cycles the camera sets every dwell seconds', () => {
    const tour = { dwell_seconds: 10, sets: [[1], [2], [3]] };
    expect([0, 9_999, 10_000, 25_000, 30_000].map((ms) => tourStep(tour, ms))).toEqual([0, 0, 1, 2, 0]);
  });

  it('never dwells less than 5 s', () => {
    expect(tourStep({ dwell_seconds: 1, sets: [[1], [2]] }, 4_000)).toBe(0);
  });
});

describe('the camera tree', () => {
  const units = [unit(1, null, 'Cục Hải quan Hải Phòng'), unit(2, 1, 'Chi cục Đình Vũ'), unit(3, null, 'Cục Hải quan Lạng Sơn')];
  const sites = [
    { id: 10, name: 'Cảng Đình Vũ', unit_id: 2 },
    { id: 11, name: 'Cửa khẩu Hữu Nghị', unit_id: 3 },
    { id: 12, name: 'Kho trống', unit_id: 3 },
  ];
  const cameras = [cam(100, 10, 'Cổng B'), cam(101, 10, 'Bãi container'), cam(102, 11, 'Làn xe tải')];

  it('groups cameras by unit and site, leaving out what has no camera', () => {
    const t = cameraTree(units, sites, cameras);
    expect(t.map((u) => [u.unit.id, u.depth, u.sites.map((s) => [s.site.id, s.cameras.map((c) => c.name)])])).toEqual([
      [2, 1, [[10, ['Bãi container', 'Cổng B']]]],
      [3, 0, [[11, ['Làn xe tải']]]],
    ]);
  });

  it('finds cameras without diacritics, and all of a site found by name', () => {
    expect(cameraTree(units, sites, cameras, 'cong b').flatMap((u) => u.sites.flatMap((s) => s.cameras.map((c) => c.id)))).toEqual([100]);
    expect(cameraTree(units, sites, cameras, 'dinh vu').flatMap((u) => u.sites.flatMap((s) => s.cameras.map((c) => c.id)))).toEqual([101, 100]);
    expect(cameraTree(units, sites, cameras, 'lang son')[0].sites[0].cameras[0].id).toBe(102);
    expect(cameraTree(units, sites, cameras, 'không có')).toEqual([]);
  });
});

describe('alerts and cases on the wall', () => {
  const cameras = [cam(100, 10, 'HP-TV-CB-03'), cam(101, 10, 'Bãi container')];

  it("finds the camera of a recorder alert and of a case's camera windows", () => {
    expect(camerasOfEvent('alert.raised', { kind: 'camera.offline', subject: 'camera:101', details: { camera_id: 101 } }, cameras)).toEqual([101]);
    expect(camerasOfEvent('alert.raised', { subject: 'camera:100:operator', details: {} }, cameras)).toEqual([100]);
    expect(camerasOfEvent('alert.raised', { subject: 'shift:1:user:2', details: {} }, cameras)).toEqual([]);
    expect(camerasOfEvent('case.changed', { id: 1, cameras: [{ camera: 'hp-tv-cb-03', from: '', to: '' }] }, cameras)).toEqual([100]);
    expect(camerasOfEvent('case.changed', { id: 1, cameras: [] }, cameras)).toEqual([]);
  });

  it('flashes a case once, when it is reported, not on each later change or while a draft', () => {
    const seen = new Set<number>();
    expect(isNewCase({ id: 5, status: 'draft' }, seen)).toBe(false);
    expect(isNewCase({ id: 5, status: 'reported' }, seen)).toBe(true);
    expect(isNewCase({ id: 5, status: 'acknowledged' }, seen)).toBe(false);
  });
});

describe('the default view', () => {
  const units = [
    { id: 1, parent_id: null },
    { id: 2, parent_id: 1 },
    { id: 3, parent_id: 2 },
  ];
  const v = (id: number, unit_id: number, is_default: boolean) => ({ id, unit_id, is_default, shared: true }) as WallView;

  it("opens the user's unit's default view, else the nearest above", () => {
    expect(defaultViewFor([v(1, 1, true), v(2, 2, true)], units, 3)?.id).toBe(2);
    expect(defaultViewFor([v(1, 1, true), v(2, 2, false)], units, 3)?.id).toBe(1);
    expect(defaultViewFor([v(2, 2, false)], units, 3)).toBeNull();
  });
});
