// Browser parts of the console tests: the built console, playwright-core and a headless
// Chromium. The server itself is started with startServer from ../api/server.mjs.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The server serves the console from web/dist: fail clearly when it was not built. */
export function assertConsoleBuilt() {
  const index = join(repoRoot, 'web', 'dist', 'index.html');
  if (!existsSync(index)) throw new Error(`${index} is missing: run "npm ci && npm run build" in web/ first`);
}

/** playwright-core as installed in web/node_modules (the repository root has no package.json). */
export function loadPlaywright() {
  const require = createRequire(new URL('../../web/package.json', import.meta.url));
  return require('playwright-core');
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchBrowser() {
  const { chromium } = loadPlaywright();
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}
