// The enumerations the server defines (supervision methods, case statuses, roles, unit kinds, …) as the
// console's constants and types, made from docs/openapi.yaml: every schema under components.schemas that
// is a string with an `enum` becomes `export const <PLURAL> = [...] as const` and `export type <Name>`.
// One source for both sides: a value the server adds is added to openapi.yaml, `npm run enums` writes
// src/enums.generated.ts again, and i18n.ts fails to compile until the value has its labels.
// enums.test.ts fails while the committed file differs from what this produces.
import { parse } from 'yaml';

interface Schema {
  type?: string;
  enum?: unknown[];
}

/** CaseStatus → CASE_STATUSES, Severity → SEVERITIES, Position → POSITIONS. */
export function pluralConstant(name: string): string {
  const snake = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
  if (/[^AEIOU]Y$/.test(snake)) return `${snake.slice(0, -1)}IES`;
  if (/(S|X|CH|SH)$/.test(snake)) return `${snake}ES`;
  return `${snake}S`;
}

/** The text of src/enums.generated.ts for the OpenAPI document `yamlText`. */
export function enumsSource(yamlText: string): string {
  const doc = parse(yamlText) as { components?: { schemas?: Record<string, Schema> } };
  const out = [
    '// Generated from docs/openapi.yaml by web/scripts/enums.ts (`npm run enums`): do not edit by hand.',
    '// The enumerations the server defines; their labels are in i18n.ts, checked against these types.',
  ];
  for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) {
    if (schema.type !== 'string' || !Array.isArray(schema.enum)) continue;
    const values = schema.enum.map((v) => {
      if (typeof v !== 'string') throw new Error(`${name}: the value ${JSON.stringify(v)} is not a string`);
      return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    });
    const constant = pluralConstant(name);
    out.push(
      '',
      `/** #/components/schemas/${name} */`,
      `export const ${constant} = [${values.join(', ')}] as const;`,
      `export type ${name} = (typeof ${constant})[number];`,
    );
  }
  return `${out.join('\n')}\n`;
}
