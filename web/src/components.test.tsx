// @vitest-environment happy-dom
import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { Unit, User } from './api';
import { setLang } from './i18n';
import { TreeList, unitPatch } from './pages/Org';
import { AppContext, type AppState } from './session';
import { buildTree } from './tree';

function unit(id: number, parent_id: number | null, code: string, kind: string, name_vi: string, name_en: string): Unit {
  return {
    id,
    parent_id,
    code,
    kind,
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
  unit(1, null, 'TCHQ', 'headquarters', 'Tổng cục Hải quan', 'General Department of Vietnam Customs'),
  unit(2, 1, 'TCHQ-DTCBL', 'department', 'Cục Điều tra chống buôn lậu', 'Anti-Smuggling Investigation Department'),
  unit(3, 2, 'TCHQ-DTCBL-GSTT', 'division', 'Phòng Giám sát hải quan trực tuyến', 'Online Customs Supervision Division'),
];

const user = { id: 1, username: 'u', full_name: 'U', unit_id: 1, roles: [] } as unknown as User;
const state: AppState = { user, meta: null, lang: 'vi', refreshUser: async () => undefined };

function mount(expanded: number[], visible: Set<number> | null = null) {
  const root = document.createElement('div');
  document.body.appendChild(root);
  render(
    <AppContext.Provider value={state}>
      <TreeList nodes={buildTree(units)} expanded={new Set(expanded)} visible={visible} selectedId={2} onToggle={() => undefined} />
    </AppContext.Provider>,
    root,
  );
  return root;
}

afterEach(() => {
  document.body.innerHTML = '';
  setLang('vi');
});

describe('TreeList', () => {
  it('shows only the open branches, with kind badges', () => {
    const root = mount([1]);
    expect(root.textContent).toContain('Cục Điều tra chống buôn lậu');
    expect([...root.querySelectorAll('.badge')].map((b) => b.textContent)).toEqual(['Tổng cục', 'Cục / Vụ']);
    expect(root.textContent).not.toContain('Phòng Giám sát hải quan trực tuyến');
    const toggle = root.querySelector('button.twisty')!;
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(root.querySelector('a[aria-current="true"]')!.getAttribute('href')).toBe('#/org/2');
  });

  it('opens every branch leading to a search match', () => {
    const root = mount([], new Set([1, 2, 3]));
    expect(root.textContent).toContain('Phòng Giám sát hải quan trực tuyến');
  });

  it('shows English names after switching language', () => {
    setLang('en');
    const root = mount([1]);
    expect(root.textContent).toContain('Anti-Smuggling Investigation Department');
    expect([...root.querySelectorAll('.badge')].map((b) => b.textContent)).toEqual(['General Department', 'Department']);
  });
});

describe('unitPatch', () => {
  const base = {
    parent_id: 1,
    code: 'A',
    kind: 'division',
    name_vi: 'Phòng A',
    name_en: 'Division A',
    time_zone: 'Asia/Ho_Chi_Minh',
    place: '',
    has_camera_room: false,
    must_run_24x7: false,
    external: false,
    designations: {
      lead_supervision_unit: null,
      system_operator: null,
      supervision_section: null,
      duty_watch: null,
      leadership: null,
      leadership_focal_point: null,
    },
  };
  it('sends only what changed, the designations whole', () => {
    expect(unitPatch(base, { ...base })).toEqual({});
    expect(unitPatch(base, { ...base, name_vi: 'Phòng B', must_run_24x7: true })).toEqual({ name_vi: 'Phòng B', must_run_24x7: true });
    const d = { ...base.designations, leadership: 7 };
    expect(unitPatch(base, { ...base, designations: d })).toEqual({ designations: d });
  });
});
