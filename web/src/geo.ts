// Drawing Viet Nam without a map library or a tile server: the province boundaries (GeoJSON shipped
// with the console) projected to SVG coordinates, the archipelagos of Hoàng Sa and Trường Sa, which
// the boundary data leaves out, and the geometry the map page needs (bounds, which province a point
// is in, the union of merged provinces). Plain functions, tested in geo.test.ts.
import polygonClipping from 'polygon-clipping';

export type Position = [number, number]; // [longitude, latitude]
export type Ring = Position[];

export type Geometry = { type: 'Polygon'; coordinates: Ring[] } | { type: 'MultiPolygon'; coordinates: Ring[][] };

export interface Province {
  id: string; // ISO 3166-2 as in the data: VN-HP, VN-09, …
  name: string; // Vietnamese, without the kind: "Hải Phòng"
  nameEn: string;
  /** A centrally-run city (thành phố trực thuộc trung ương), else a province (tỉnh). */
  city: boolean;
  geometry: Geometry;
}

/** The name as an office writes it, with the kind: "Thành phố Hải Phòng" / "Hai Phong City", "Tỉnh Lạng Sơn". */
export function provinceTitle(p: Province): { name: string; nameEn: string } {
  if (!p.city) return { name: `Tỉnh ${p.name}`, nameEn: `${p.nameEn} Province` };
  return { name: `Thành phố ${p.name}`, nameEn: p.nameEn.endsWith(' City') ? p.nameEn : `${p.nameEn} City` };
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

// Equirectangular projection scaled at 16° N, the middle of the country: at this size it is as good
// as Mercator to the eye, and a point is one multiplication away from its coordinates.
const SCALE = 100;
const LON0 = 100;
const LAT0 = 24;
const COS_MID = Math.cos((16 * Math.PI) / 180);

export function project([lon, lat]: Position): [number, number] {
  return [round((lon - LON0) * COS_MID * SCALE), round((LAT0 - lat) * SCALE)];
}

const round = (v: number) => Math.round(v * 10) / 10;

function polygons(g: Geometry): Ring[][] {
  return g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
}

/** An SVG path (`d`) for a polygon or multipolygon. */
export function geometryPath(g: Geometry): string {
  let d = '';
  for (const poly of polygons(g))
    for (const ring of poly) {
      ring.forEach((p, i) => {
        const [x, y] = project(p);
        d += `${i === 0 ? 'M' : 'L'}${x} ${y}`;
      });
      d += 'Z';
    }
  return d;
}

/** The projected bounds of points (an empty box at 0,0 when there are none). */
export function boundsOf(points: Position[]): Box {
  if (points.length === 0) return { x: 0, y: 0, w: 0, h: 0 };
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const p of points) {
    const [x, y] = project(p);
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x);
    y1 = Math.max(y1, y);
  }
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

export function geometryPoints(g: Geometry): Position[] {
  return polygons(g).flatMap((poly) => poly.flat());
}

/** The box grown by `fraction` of its larger side on every side (and at least `min` wide and high). */
export function pad(b: Box, fraction: number, min = 0): Box {
  const m = Math.max(b.w, b.h) * fraction;
  const w = Math.max(b.w + 2 * m, min);
  const h = Math.max(b.h + 2 * m, min);
  return { x: round(b.x + b.w / 2 - w / 2), y: round(b.y + b.h / 2 - h / 2), w: round(w), h: round(h) };
}

export const viewBoxText = (b: Box) => `${b.x} ${b.y} ${b.w} ${b.h}`;

function inRing([lon, lat]: Position, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Whether a point lies inside a polygon (outer ring, minus its holes) of the geometry. */
export function contains(g: Geometry, p: Position): boolean {
  return polygons(g).some((poly) => poly.length > 0 && inRing(p, poly[0]) && !poly.slice(1).some((hole) => inRing(p, hole)));
}

/** The area of a ring in degrees² (shoelace; either winding). */
export function ringArea(ring: Ring): number {
  let s = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) s += ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
  return Math.abs(s) / 2;
}

/** The area of a geometry in degrees²: its outer rings less their holes. */
export function geometryArea(g: Geometry): number {
  return polygons(g).reduce((sum, [outer, ...holes]) => sum + (outer ? ringArea(outer) : 0) - holes.reduce((h, r) => h + ringArea(r), 0), 0);
}

/**
 * Interior rings smaller than this (degrees², about 60 km²) left by a union are speckles, not enclaves:
 * where the low-detail boundaries of two neighbours do not share their vertices exactly, the gap
 * between them becomes a thin hole inside the merged province. No provincial-level unit of Viet Nam
 * has an enclave that small.
 */
export const SLIVER_DEG2 = 0.005;

/**
 * One geometry for the territory of several (provinces merged into one): their true polygon union,
 * so that no former border is drawn inside, with the holes smaller than `minHole` filled.
 */
export function dissolve(members: Geometry[], minHole = SLIVER_DEG2): Geometry {
  if (members.length === 0) return { type: 'MultiPolygon', coordinates: [] };
  const [first, ...rest] = members.map((g) => g.coordinates);
  const union = polygonClipping.union(first, ...rest).map(([outer, ...holes]) => [outer, ...holes.filter((h) => ringArea(h) >= minHole)]);
  return union.length === 1 ? { type: 'Polygon', coordinates: union[0] } : { type: 'MultiPolygon', coordinates: union };
}

/** Distance² in degrees² from p to the segment a–b (flat: good enough over a few kilometres). */
function segmentDistance2([px, py]: Position, [ax, ay]: Position, [bx, by]: Position): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const k = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
  return (px - ax - k * dx) ** 2 + (py - ay - k * dy) ** 2;
}

/**
 * The province a point lies in; else the one whose boundary is nearest within about 15 km (a port on
 * the shore line, which the coarse boundary data may leave just outside).
 */
export function provinceAt(provinces: Province[], p: Position): Province | null {
  const hit = provinces.find((pr) => contains(pr.geometry, p));
  if (hit) return hit;
  let best: Province | null = null;
  let bestD = 0.15 ** 2;
  for (const pr of provinces)
    for (const poly of polygons(pr.geometry))
      for (const ring of poly)
        for (let i = 1; i < ring.length; i++) {
          const d = segmentDistance2(p, ring[i - 1], ring[i]);
          if (d < bestD) {
            bestD = d;
            best = pr;
          }
        }
  return best;
}

interface FeatureLike {
  id?: unknown;
  properties?: Record<string, unknown> | null;
  geometry?: { type?: string; coordinates?: unknown } | null;
}

/**
 * The provinces of a GeoJSON FeatureCollection (amCharts geodata: properties id, name, NAME_ENG, and
 * TYPE_ENG "Municipality" for a centrally-run city).
 */
export function provincesOf(fc: { features?: FeatureLike[] }): Province[] {
  const out: Province[] = [];
  for (const f of fc.features ?? []) {
    const g = f.geometry;
    if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')) continue;
    const props = f.properties ?? {};
    const id = String(props.id ?? f.id ?? '');
    const name = String(props.name ?? id);
    const nameEn = String(props.NAME_ENG ?? name).split('|')[0];
    out.push({ id, name, nameEn, city: props.TYPE_ENG === 'Municipality', geometry: g as Geometry });
  }
  return out;
}

/**
 * The archipelagos of Hoàng Sa (đặc khu Hoàng Sa, thành phố Đà Nẵng) and Trường Sa (đặc khu Trường Sa,
 * tỉnh Khánh Hòa; both huyện until the 2025 reform, in the same city and province), part of Viet Nam.
 * The boundary data has the mainland and the coastal islands only, so the console draws the two
 * archipelagos itself from the positions of their main islands.
 */
export interface Archipelago {
  id: 'hoang-sa' | 'truong-sa';
  name: string;
  nameEn: string;
  provinceId: string; // the province it belongs to (a unit of 2025: src/provinces2025.ts)
  islands: Position[];
}

export const ARCHIPELAGOS: Archipelago[] = [
  {
    id: 'hoang-sa',
    name: 'Quần đảo Hoàng Sa',
    nameEn: 'Hoang Sa (Paracel) Archipelago',
    provinceId: 'VN-DN',
    islands: [
      [112.34, 16.83], // Phú Lâm
      [112.26, 16.98], // đảo Cây
      [112.73, 16.67], // Linh Côn
      [111.6, 16.53], // Hoàng Sa
      [111.58, 16.52], // Hữu Nhật
      [111.71, 16.45], // Quang Hòa
      [111.74, 16.46], // Duy Mộng
      [111.5, 16.45], // Quang Ảnh
      [111.77, 16.05], // Bạch Quy
      [111.2, 15.78], // Tri Tôn
    ],
  },
  {
    id: 'truong-sa',
    name: 'Quần đảo Trường Sa',
    nameEn: 'Truong Sa (Spratly) Archipelago',
    provinceId: 'VN-34',
    islands: [
      [114.33, 11.43], // Song Tử Tây
      [114.35, 11.45], // Song Tử Đông
      [114.28, 11.05], // Thị Tứ
      [114.42, 10.67], // Loại Ta
      [114.36, 10.38], // Ba Bình
      [114.48, 10.38], // Sơn Ca
      [114.36, 10.18], // Nam Yết
      [114.33, 9.88], // Sinh Tồn
      [115.82, 10.81], // Bình Nguyên
      [115.8, 10.73], // Vĩnh Viễn
      [113.69, 8.96], // Phan Vinh
      [112.2, 8.85], // Đá Tây
      [111.92, 8.64], // Trường Sa
      [112.92, 7.87], // An Bang
    ],
  },
];

/** The whole country: the provinces and both archipelagos. */
export function countryBox(provinces: Province[]): Box {
  const pts = [...provinces.flatMap((p) => geometryPoints(p.geometry)), ...ARCHIPELAGOS.flatMap((a) => a.islands)];
  return pad(boundsOf(pts), 0.03);
}

/** A province filling the view (never closer than about 60 km across, so a city keeps its context). */
export function provinceBox(p: Province): Box {
  return pad(boundsOf(geometryPoints(p.geometry)), 0.08, 60);
}
