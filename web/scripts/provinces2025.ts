// The boundaries of Viet Nam's 34 provincial-level units of 2025 (src/provinces2025.json), made from the
// 64 of the amCharts geodata the console ships and the merge table of src/provinces2025.ts (Nghị quyết
// 202/2025/QH15): each unit is the polygon union of its members (geo.ts `dissolve`).
//
// Generated ahead and committed rather than computed in the browser: the 24 unions take about 145 ms
// on a cold start (measured in vitest on the 2-core development machine; 15 ms once warm), too long to
// add to the opening of the map page. `npm run provinces2025` writes the file again (after a change of the table or of the
// amCharts data); geo.test.ts fails while the committed file differs from what this produces.
import vietnam from '@amcharts/amcharts5-geodata/vietnamLow';
import { dissolve, provincesOf, type Geometry, type Position } from '../src/geo';
import { UNITS_2025 } from '../src/provinces2025';

/** The file's text: GeoJSON in the amCharts layout (properties id, name, NAME_ENG, TYPE, TYPE_ENG), a feature a line. */
export function provinces2025Json(): string {
  const old = new Map(provincesOf(vietnam as unknown as Parameters<typeof provincesOf>[0]).map((p) => [p.id, p]));
  const unused = new Set(old.keys());
  const features = UNITS_2025.map((u) => {
    const members = u.members.map((id) => {
      const p = old.get(id);
      if (!p || !unused.delete(id)) throw new Error(`${u.name}: ${id} is not in the boundary data or is in two units`);
      return p.geometry;
    });
    const properties = {
      id: u.id,
      name: u.name,
      NAME_ENG: u.nameEn,
      TYPE: u.city ? 'Thành phố trực thuộc trung ương' : 'Tỉnh',
      TYPE_ENG: u.city ? 'Municipality' : 'Province',
      members: u.members,
    };
    return { type: 'Feature', id: u.id, properties, geometry: rounded(dissolve(members)) };
  });
  if (unused.size > 0) throw new Error(`not in any unit of 2025: ${[...unused].join(', ')}`);
  const head = {
    type: 'FeatureCollection',
    source:
      'amCharts geodata vietnamLow (64 units before 2008, amCharts free licence), merged into the 34 units of Nghị quyết 202/2025/QH15 by web/scripts/provinces2025.ts',
  };
  const lines = features.map((f) => JSON.stringify(f));
  return `${JSON.stringify(head).slice(0, -1)},"features":[\n${lines.join(',\n')}\n]}\n`;
}

/** To the 4 decimals of the source (about 10 m): a new vertex where two boundaries cross carries no more. */
function rounded(g: Geometry): Geometry {
  const r = (p: Position): Position => [Math.round(p[0] * 1e4) / 1e4, Math.round(p[1] * 1e4) / 1e4];
  return g.type === 'Polygon'
    ? { type: 'Polygon', coordinates: g.coordinates.map((ring) => ring.map(r)) }
    : { type: 'MultiPolygon', coordinates: g.coordinates.map((poly) => poly.map((ring) => ring.map(r))) };
}
