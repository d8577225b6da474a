import { describe, expect, it } from 'vitest';
import type { User } from './api';
import { ROLES } from './api';
import { canPlayVideo, canWriteHolds } from './session';

const as = (...roles: string[]) => ({ id: 1, username: 'u', full_name: 'U', unit_id: 1, roles: roles.map((role) => ({ role, unit_id: 1 })) }) as unknown as User;
const allowed = (can: (u: User) => boolean) => ROLES.filter((r) => can(as(r)));

// The role lists of src/auth/policy.cpp, written out: the buttons a role cannot use are not shown.
describe('camera buttons by role', () => {
  it('plays back and takes snapshots only for the roles of video_playback', () => {
    expect(allowed(canPlayVideo)).toEqual(['admin', 'hq_leader', 'unit_leader', 'shift_leader', 'duty_officer', 'supervision_officer', 'camera_admin']);
  });

  it('places and releases holds only for the roles of hold_write', () => {
    expect(allowed(canWriteHolds)).toEqual(['admin', 'hq_leader', 'unit_leader', 'shift_leader', 'supervision_officer']);
  });

  it('counts any one of several roles', () => {
    expect(canWriteHolds(as('auditor', 'shift_leader'))).toBe(true);
    expect(canPlayVideo(as('auditor', 'office_officer'))).toBe(false);
  });
});
