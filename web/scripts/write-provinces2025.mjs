// Writes src/provinces2025.json (see provinces2025.ts): `npm run provinces2025`.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const { module } = await runnerImport(fileURLToPath(new URL('./provinces2025.ts', import.meta.url)));
writeFileSync(new URL('../src/provinces2025.json', import.meta.url), module.provinces2025Json());
