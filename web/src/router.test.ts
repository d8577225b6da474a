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

  it('refuses what is not a page', () => {
    for (const h of ['#/cases/0', '#/cases/x', '#/cases/7/delete', '#/tasks/x', '#/coordination/sideways', '#/coordination/incoming/x', '#/inbox/1'])
      expect(parseHash(h), h).toEqual({ page: 'notfound' });
  });
});
