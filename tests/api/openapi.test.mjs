// docs/openapi.yaml documents every route the server registers (`watchfloor routes`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { REPO, run } from './server.mjs';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Normalises path parameters so that /units/{id} and /units/{unitId} compare equal. */
function norm(p) {
  return p.replace(/\{[^}]+\}/g, '{}').replace(/\/+$/, '') || '/';
}

/** Minimal reader of the `paths:` section: returns Map(normalised path -> Set(methods)). */
export function openapiPaths(text) {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => /^paths:\s*(#.*)?$/.test(l));
  assert.ok(start >= 0, 'docs/openapi.yaml has a top-level paths: key');
  const out = new Map();
  let current = null;
  let pathIndent = null;
  for (const line of lines.slice(start + 1)) {
    if (/^\S/.test(line)) break; // next top-level key
    if (/^\s*(#.*)?$/.test(line)) continue;
    const indent = line.match(/^ */)[0].length;
    const pm = line.match(/^(\s+)["']?(\/[^"':]*)["']?:\s*(#.*)?$/);
    if (pm && (pathIndent === null || indent === pathIndent)) {
      pathIndent = indent;
      current = norm(pm[2]);
      if (!out.has(current)) out.set(current, new Set());
      continue;
    }
    if (current && pathIndent !== null && indent > pathIndent) {
      const mm = line.match(/^\s+([a-z]+):/);
      if (mm && METHODS.includes(mm[1])) {
        // A method key sits exactly one level below the path.
        const methodIndent = out.get(`${current}#indent`);
        if (methodIndent === undefined) out.set(`${current}#indent`, indent);
        if (methodIndent === undefined || methodIndent === indent) out.get(current).add(mm[1]);
      }
    }
  }
  for (const k of [...out.keys()]) if (k.endsWith('#indent')) out.delete(k);
  return out;
}

function registeredRoutes() {
  const r = run(['routes']);
  assert.equal(r.status, 0, `watchfloor routes: ${r.stdout}${r.stderr}`);
  const routes = [];
  for (const line of r.stdout.split('\n')) {
    const m = line.trim().match(/^([A-Z]+)\s+(\/\S*)$/);
    if (m) routes.push({ method: m[1], path: m[2] });
  }
  return { routes, stdout: r.stdout };
}

test('watchfloor routes lists the foundation routes', () => {
  const { routes, stdout } = registeredRoutes();
  const has = (method, p) => routes.some((r) => r.method === method && norm(r.path) === norm(p));
  for (const [method, p] of [
    ['GET', '/healthz'], ['GET', '/readyz'], ['GET', '/metrics'],
    ['POST', '/api/v1/auth/login'], ['POST', '/api/v1/auth/logout'], ['GET', '/api/v1/auth/me'],
    ['POST', '/api/v1/auth/password'], ['GET', '/api/v1/meta'],
    ['GET', '/api/v1/units'], ['POST', '/api/v1/units'], ['GET', '/api/v1/units/{id}'],
    ['PATCH', '/api/v1/units/{id}'], ['DELETE', '/api/v1/units/{id}'],
    ['GET', '/api/v1/users'], ['POST', '/api/v1/users'], ['GET', '/api/v1/users/{id}'], ['PATCH', '/api/v1/users/{id}'],
    ['GET', '/api/v1/audit'], ['GET', '/api/v1/audit/verify'],
  ]) {
    assert.ok(has(method, p), `routes prints ${method} ${p}; got:\n${stdout}`);
  }
});

test('every registered route is documented in docs/openapi.yaml with its method', () => {
  const file = path.join(REPO, 'docs', 'openapi.yaml');
  assert.ok(fs.existsSync(file), 'docs/openapi.yaml exists');
  const doc = openapiPaths(fs.readFileSync(file, 'utf8'));
  const { routes } = registeredRoutes();
  assert.ok(routes.length > 0, 'routes printed something');
  const missing = [];
  for (const r of routes) {
    // The console's static files and SPA fallback are not API.
    if (r.path === '/' || r.path.includes('*')) continue;
    if (r.method === 'HEAD' || r.method === 'OPTIONS') continue;
    const methods = doc.get(norm(r.path));
    if (!methods || !methods.has(r.method.toLowerCase())) missing.push(`${r.method} ${r.path}`);
  }
  assert.deepEqual(missing, [], 'routes missing from docs/openapi.yaml');
});

test('the minimal YAML reader understands the layout it is used on', () => {
  const sample = [
    'openapi: 3.1.0',
    'paths:',
    '  /healthz:',
    '    get:',
    '      responses:',
    "        '200':",
    '          description: ok',
    '  "/api/v1/units/{unitId}":',
    '    parameters:',
    '      - name: unitId',
    '    get:',
    '      summary: x',
    '    patch:',
    '      requestBody:',
    '        content:',
    '          application/json:',
    '            schema:',
    '              properties:',
    '                delete:',
    '                  type: string',
    'components:',
    '  schemas:',
    '    /notapath:',
    '      get: {}',
  ].join('\n');
  const m = openapiPaths(sample);
  assert.deepEqual([...m.get('/healthz')], ['get']);
  assert.deepEqual([...m.get('/api/v1/units/{}')].sort(), ['get', 'patch']);
  assert.ok(!m.has('/notapath'));
});
