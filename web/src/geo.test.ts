import vietnam from '@amcharts/amcharts5-geodata/vietnamLow';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { provinces2025Json } from '../scripts/provinces2025';
import {
  ARCHIPELAGOS,
  boundsOf,
  contains,
  countryBox,
  dissolve,
  geometryArea,
  geometryPath,
  pad,
  project,
  provinceAt,
  provinceBox,
  provincesOf,
  provinceTitle,
  ringArea,
  SLIVER_DEG2,
  type Geometry,
} from './geo';
import provinces2025 from './provinces2025.json';
import { UNITS_2025 } from './provinces2025';

type Collection = Parameters<typeof provincesOf>[0];
/** The amCharts geodata as shipped: the 64 units before 2008. */
const old = provincesOf(vietnam as unknown as Collection);
/** What the map draws: the 34 units since 1 July 2025. */
const provinces = provincesOf(provinces2025 as unknown as Collection);
const byId = (id: string) => provinces.find((p) => p.id === id)!;
const oldById = (id: string) => old.find((p) => p.id === id)!;
const parts = (g: Geometry) => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates);

describe('map geometry', () => {
  it('reads the boundary data with Vietnamese and English names and which units are cities', () => {
    expect(old).toHaveLength(64);
    expect(oldById('VN-15').name).toBe('Hà Tây'); // merged into Hà Nội in 2008: why the data needs merging
    expect(oldById('VN-HP').nameEn).toBe('Haiphong');
    expect(oldById('VN-33').nameEn).toBe('Dak Lak'); // "Dak Lak|Dac Lac": the first spelling
    expect(old.filter((p) => p.city).map((p) => p.id).sort()).toEqual(['VN-CT', 'VN-DN', 'VN-HN', 'VN-HP', 'VN-SG']);
  });

  it('draws the 34 provincial-level units of Nghị quyết 202/2025/QH15, 6 of them centrally-run cities', () => {
    expect(provinces).toHaveLength(34);
    expect(new Set(provinces.map((p) => p.id)).size).toBe(34);
    expect(provinces.filter((p) => p.city).map((p) => p.name)).toEqual(['Hà Nội', 'Huế', 'Hải Phòng', 'Đà Nẵng', 'Hồ Chí Minh', 'Cần Thơ']);
    expect(byId('VN-HP')).toMatchObject({ name: 'Hải Phòng', nameEn: 'Hai Phong', city: true });
    expect(byId('VN-26')).toMatchObject({ name: 'Huế', nameEn: 'Hue', city: true }); // Thừa Thiên–Huế until 2025
    expect(provinces.map((p) => p.name)).not.toContain('Hải Dương');
    // Every old unit is in exactly one new one, and a new one keeps its first member's code.
    expect(UNITS_2025.flatMap((u) => u.members).sort()).toEqual(old.map((p) => p.id).sort());
    for (const u of UNITS_2025) expect(u.members[0]).toBe(u.id);
  });

  it('names a unit as an office writes it, with its kind', () => {
    expect(provinceTitle(byId('VN-HP'))).toEqual({ name: 'Thành phố Hải Phòng', nameEn: 'Hai Phong City' });
    expect(provinceTitle(byId('VN-SG'))).toEqual({ name: 'Thành phố Hồ Chí Minh', nameEn: 'Ho Chi Minh City' });
    expect(provinceTitle(byId('VN-09'))).toEqual({ name: 'Tỉnh Lạng Sơn', nameEn: 'Lang Son Province' });
  });

  it('ships the merged boundaries exactly as web/scripts/provinces2025.ts makes them (npm run provinces2025)', () => {
    expect(readFileSync(new URL('./provinces2025.json', import.meta.url), 'utf8')).toBe(provinces2025Json());
  });

  it('draws a merged province as one territory: no former border, no speckle inside, the area of its members', () => {
    for (const u of UNITS_2025.filter((x) => x.members.length > 1)) {
      const merged = byId(u.id).geometry;
      const members = u.members.map((id) => oldById(id).geometry);
      // The members touch: a true union has fewer pieces than they have together (no border drawn between).
      expect(parts(merged).length, u.name).toBeLessThan(members.reduce((n, g) => n + parts(g).length, 0));
      // No hole left inside, above or below the speckle threshold (no unit of 2025 encloses another).
      expect(parts(merged).flatMap((poly) => poly.slice(1)), u.name).toEqual([]);
      const sum = members.reduce((a, g) => a + geometryArea(g), 0);
      expect(Math.abs(geometryArea(merged) - sum) / sum, u.name).toBeLessThan(0.001);
    }
  });

  it('fills a speckle left between neighbours that do not share their vertices, and keeps a real hole', () => {
    // Two squares whose common side is drawn differently: the right one bulges 0.01° away for 0.2°.
    const left: Geometry = { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]] };
    const right: Geometry = { type: 'Polygon', coordinates: [[[1, 0], [2, 0], [2, 1], [1, 1], [1, 0.6], [1.01, 0.5], [1, 0.4], [1, 0]]] };
    const kept = dissolve([left, right], 0);
    expect(parts(kept)[0]).toHaveLength(2); // the union alone leaves the gap as a hole
    expect(ringArea(parts(kept)[0][1])).toBeCloseTo(0.001, 6);
    expect(ringArea(parts(kept)[0][1])).toBeLessThan(SLIVER_DEG2);
    const merged = dissolve([left, right]);
    expect(merged.type).toBe('Polygon');
    expect(parts(merged)[0]).toHaveLength(1);
    expect(contains(merged, [1.005, 0.5])).toBe(true);
    expect(geometryArea(merged)).toBeCloseTo(2, 2);
    // A ring of four 1° squares around an empty one: the 1° hole is no speckle and stays.
    const sq = (x: number, y: number, w: number, h: number): Geometry => ({
      type: 'Polygon',
      coordinates: [[[x, y], [x + w, y], [x + w, y + h], [x, y + h], [x, y]]],
    });
    const donut = dissolve([sq(0, 0, 3, 1), sq(0, 2, 3, 1), sq(0, 1, 1, 1), sq(2, 1, 1, 1)]);
    expect(parts(donut)[0]).toHaveLength(2);
    expect(contains(donut, [1.5, 1.5])).toBe(false);
    expect(contains(donut, [0.5, 1.5])).toBe(true);
  });

  it('puts a point of a former province in the province it was merged into', () => {
    expect(provinceAt(provinces, [106.33, 20.94])?.id).toBe('VN-HP'); // old Hải Dương
    expect(provinceAt(provinces, [105.6, 20.9])?.id).toBe('VN-HN'); // old Hà Tây
    expect(provinceAt(provinces, [106.65, 10.98])?.id).toBe('VN-SG'); // Thủ Dầu Một, old Bình Dương
    expect(provinceAt(provinces, [108.0, 14.35])?.id).toBe('VN-29'); // Kon Tum, now Quảng Ngãi
    // And the same points in the old data, which is why the map needed today's boundaries.
    expect(provinceAt(old, [106.33, 20.94])?.id).toBe('VN-61');
    expect(provinceAt(old, [105.6, 20.9])?.id).toBe('VN-15');
  });

  it('projects north up and east right', () => {
    const [xHanoi, yHanoi] = project([105.85, 21.03]);
    const [xSaigon, ySaigon] = project([106.7, 10.78]);
    expect(ySaigon).toBeGreaterThan(yHanoi);
    expect(xSaigon).toBeGreaterThan(xHanoi);
  });

  it('draws a polygon as a closed SVG path', () => {
    const square: Geometry = { type: 'Polygon', coordinates: [[[105, 21], [106, 21], [106, 20], [105, 21]]] };
    expect(geometryPath(square)).toMatch(/^M[\d.]+ [\d.]+(L[\d.]+ [\d.]+){3}Z$/);
    const two: Geometry = { type: 'MultiPolygon', coordinates: [square.coordinates, square.coordinates] };
    expect(geometryPath(two).split('Z').filter(Boolean)).toHaveLength(2);
  });

  it('finds the province of the demo sites, a port on the shore included', () => {
    expect(provinceAt(provinces, [106.7695, 20.8355])?.id).toBe('VN-HP'); // Cảng Tân Vũ
    expect(provinceAt(provinces, [106.782, 20.832])?.id).toBe('VN-HP'); // Kho ngoại quan Đình Vũ
    expect(provinceAt(provinces, [106.7058, 21.9756])?.id).toBe('VN-09'); // Cửa khẩu Hữu Nghị, Lạng Sơn
    // Just off the coarse shore line of Hải Phòng (in the sea east of Cát Hải): the nearest boundary.
    expect(provinceAt(provinces, [106.93, 20.72])?.id).toBe('VN-HP');
    expect(provinceAt(provinces, [100, 0])).toBeNull();
  });

  it('tells inside from outside and respects holes', () => {
    const holed: Geometry = {
      type: 'Polygon',
      coordinates: [
        [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]],
        [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]],
      ],
    };
    expect(contains(holed, [1, 1])).toBe(true);
    expect(contains(holed, [5, 5])).toBe(false);
    expect(contains(holed, [11, 5])).toBe(false);
  });

  it('includes Hoàng Sa and Trường Sa, which the boundary data leaves out, in the country', () => {
    const all = provinces.flatMap((p) => (p.geometry.type === 'Polygon' ? [p.geometry.coordinates] : p.geometry.coordinates)).flat(2);
    expect(Math.max(...all.map((p) => p[0]))).toBeLessThan(110); // so the data really lacks them
    expect(ARCHIPELAGOS.map((a) => a.name)).toEqual(['Quần đảo Hoàng Sa', 'Quần đảo Trường Sa']);
    // Hoàng Sa belongs to Đà Nẵng, Trường Sa to Khánh Hòa, in 2025 as before.
    expect(ARCHIPELAGOS.map((a) => provinceTitle(byId(a.provinceId)).name)).toEqual(['Thành phố Đà Nẵng', 'Tỉnh Khánh Hòa']);
    const country = countryBox(provinces);
    for (const a of ARCHIPELAGOS)
      for (const p of a.islands) {
        const [x, y] = project(p);
        expect(x).toBeGreaterThan(country.x);
        expect(x).toBeLessThan(country.x + country.w);
        expect(y).toBeGreaterThan(country.y);
        expect(y).toBeLessThan(country.y + country.h);
      }
  });

  it('zooms to a province: its box lies inside the country and holds the province', () => {
    const country = countryBox(provinces);
    const hp = provinceBox(byId('VN-HP'));
    expect(hp.w).toBeLessThan(country.w / 5);
    const [x, y] = project([106.7695, 20.8355]);
    expect(x).toBeGreaterThan(hp.x);
    expect(x).toBeLessThan(hp.x + hp.w);
    expect(y).toBeGreaterThan(hp.y);
    expect(y).toBeLessThan(hp.y + hp.h);
  });

  it('pads a box and keeps a minimum size', () => {
    expect(pad({ x: 0, y: 0, w: 10, h: 10 }, 0.1)).toEqual({ x: -1, y: -1, w: 12, h: 12 });
    expect(pad({ x: 0, y: 0, w: 0, h: 0 }, 0.1, 60)).toEqual({ x: -30, y: -30, w: 60, h: 60 });
    expect(boundsOf([])).toEqual({ x: 0, y: 0, w: 0, h: 0 });
  });
});
