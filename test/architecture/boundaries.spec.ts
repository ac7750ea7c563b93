import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * Architectural checks (docs/architecture.md, STYLE "Boundaries"): the rules and the dashboard do not
 * depend on the storage module. The vocabulary of kinds and roles is the domain's.
 */

const root = join(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|tsx)$/.test(name)) out.push(path);
  }
  return out;
}

/** Every `import … from '…'` / `export … from '…'` specifier of a file. */
function importsOf(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  return [...text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]!);
}

function importsOfStore(folder: string): string[] {
  const offenders: string[] = [];
  for (const file of sourceFiles(join(root, 'src', folder))) {
    for (const spec of importsOf(file)) {
      if (/(^|\/)store(\/|$)/.test(spec)) offenders.push(`${relative(root, file)} imports ${spec}`);
    }
  }
  return offenders;
}

describe('module boundaries', () => {
  it('the domain imports nothing from the store', () => {
    expect(importsOfStore('domain')).toEqual([]);
  });

  it('the dashboard imports nothing from the store', () => {
    expect(importsOfStore('web')).toEqual([]);
  });

  it('kinds and roles are defined in the domain, and the store takes them from there', () => {
    const schema = readFileSync(join(root, 'src', 'store', 'schema.ts'), 'utf8');
    expect(schema).not.toMatch(/export const (ORGANISATION_KINDS|LOCATION_KINDS|ROLES)\s*=/);
    expect(importsOf(join(root, 'src', 'store', 'schema.ts'))).toContain('../domain/vocabulary.js');
  });
});
