import vietnam from '@amcharts/amcharts5-geodata/vietnamLow';
import { describe, expect, it } from 'vitest';
import { ARCHIPELAGOS, boundsOf, contains, countryBox, geometryPath, pad, project, provinceAt, provinceBox, provincesOf, type Geometry } from './geo';

const provinces = provincesOf(vietnam as unknown as { features: [] });
const byId = (id: string) => provinces.find((p) => p.id === id)!;

describe('map geometry', () => {
  it('reads the provinces of the shipped boundary data with their Vietnamese and English names', () => {
    expect(provinces.length).toBeGreaterThanOrEqual(60);
    expect(byId('VN-HP').name).toBe('Hải Phòng');
    expect(byId('VN-HP').nameEn).toBe('Haiphong');
    expect(byId('VN-33').nameEn).toBe('Dak Lak'); // "Dak Lak|Dac Lac": the first spelling
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
    expect(ARCHIPELAGOS.map((a) => a.provinceId)).toEqual(['VN-DN', 'VN-34']);
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
