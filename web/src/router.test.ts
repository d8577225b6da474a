import { describe, expect, it } from 'vitest';
import { href, parseHash, type Route } from './router';

describe('router', () => {
  it('reads and writes the supervision pages', () => {
    const routes: [string, Route][] = [
      ['#/inbox', { page: 'inbox' }],
      ['#/cases', { page: 'cases' }],
      ['#/cases/new', { page: 'case-new' }],
      ['#/cases/7', { page: 'case', caseId: 7, edit: false }],
      ['#/cases/7/edit', { page: 'case', caseId: 7, edit: true }],
      ['#/tasks', { page: 'tasks', taskId: null }],
      ['#/tasks/new', { page: 'tasks', taskId: 'new' }],
      ['#/tasks/3', { page: 'tasks', taskId: 3 }],
      ['#/coordination/incoming', { page: 'coordination', tab: 'incoming', id: null }],
      ['#/coordination/outgoing/9', { page: 'coordination', tab: 'outgoing', id: 9 }],
    ];
    for (const [hash, route] of routes) {
      expect(parseHash(hash), hash).toEqual(route);
      expect(href(route)).toBe(hash);
    }
    expect(parseHash('#/coordination')).toEqual({ page: 'coordination', tab: 'incoming', id: null });
  });

  it('reads and writes the video pages', () => {
    const routes: [string, Route][] = [
      ['#/sites', { page: 'sites', siteId: null }],
      ['#/sites/new', { page: 'sites', siteId: 'new' }],
      ['#/sites/4', { page: 'sites', siteId: 4 }],
      ['#/cameras', { page: 'cameras' }],
      ['#/cameras/new', { page: 'camera-new', siteId: null }],
      ['#/cameras/new/4', { page: 'camera-new', siteId: 4 }],
      ['#/cameras/12', { page: 'camera', cameraId: 12, edit: false }],
      ['#/cameras/12/edit', { page: 'camera', cameraId: 12, edit: true }],
      ['#/camera-outages', { page: 'camera-outages' }],
      ['#/recorder-nodes', { page: 'recorder-nodes', nodeId: null }],
      ['#/recorder-nodes/new', { page: 'recorder-nodes', nodeId: 'new' }],
      ['#/recorder-nodes/2', { page: 'recorder-nodes', nodeId: 2 }],
      ['#/wall', { page: 'wall', viewId: null }],
      ['#/wall/3', { page: 'wall', viewId: 3 }],
    ];
    for (const [hash, route] of routes) {
      expect(parseHash(hash), hash).toEqual(route);
      expect(href(route)).toBe(hash);
    }
    expect(parseHash('#/cameras/')).toEqual({ page: 'cameras' });
    for (const h of ['#/sites/0', '#/sites/x', '#/sites/4/edit', '#/cameras/x', '#/cameras/0', '#/cameras/12/delete', '#/cameras/12/edit/1', '#/cameras/new/x', '#/cameras/new/4/5', '#/camera-outages/1', '#/recorder-nodes/0', '#/recorder-nodes/x', '#/recorder-nodes/2/edit', '#/wall/0', '#/wall/x', '#/wall/3/4'])
      expect(parseHash(h), h).toEqual({ page: 'notfound' });
  });

  it('refuses what is not a page', () => {
    for (const h of ['#/cases/0', '#/cases/x', '#/cases/7/delete', '#/tasks/x', '#/coordination/sideways', '#/coordination/incoming/x', '#/inbox/1'])
      expect(parseHash(h), h).toEqual({ page: 'notfound' });
  });
});
