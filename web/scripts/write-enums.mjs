// Writes src/enums.generated.ts from docs/openapi.yaml (see enums.ts): `npm run enums`.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const { module } = await runnerImport(fileURLToPath(new URL('./enums.ts', import.meta.url)));
const yaml = readFileSync(new URL('../../docs/openapi.yaml', import.meta.url), 'utf8');
writeFileSync(new URL('../src/enums.generated.ts', import.meta.url), module.enumsSource(yaml));
