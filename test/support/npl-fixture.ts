import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import JSZip from 'jszip';

/*
 * The NPL fixture records (test/fixtures/npl: two real records and the constructed ones, see
 * docs/master-data.md) as Läkemedelsverket publishes an export: one zip file. Shared by the API tests
 * and the browser tests of the register's screens.
 */

export const NPL_FIXTURES = fileURLToPath(new URL('../fixtures/npl/', import.meta.url));

/** The constructed product whose package 99100000000011 {@link changedNplZip} changes. */
const CHANGED_PRODUCT = 'constructed/Productdata/99000000000011.xml';

/** Every fixture record and lexicon, in one zip file. */
export async function fixtureNplZip(): Promise<Buffer> {
  const zip = new JSZip();
  for (const name of await readdir(NPL_FIXTURES, { recursive: true })) {
    if (name.endsWith('.xml')) zip.file(name, await readFile(join(NPL_FIXTURES, name)));
  }
  return zip.generateAsync({ type: 'nodebuffer' });
}

/**
 * A later delta export: Paracetamol Testfarma's blister package 99100000000011 now holds 30 tablets
 * (pack text and size) and is under a sales stop; the lexicons come along. Everything else as the
 * fixture.
 */
export async function changedNplZip(): Promise<Buffer> {
  const text = await readFile(join(NPL_FIXTURES, CHANGED_PRODUCT), 'utf8');
  const changed = text
    .replace('<mpa:v>20 tablett(er) blister</mpa:v>', '<mpa:v>30 tablett(er) blister</mpa:v>')
    .replace(
      '<mpa:pack-size>20</mpa:pack-size>',
      '<mpa:pack-size>30</mpa:pack-size>\n      <npl:flags>\n        <mpa:salesstopped v="Y" lexicon="yesno-lx" />\n      </npl:flags>',
    );
  if (changed === text || !changed.includes('30 tablett')) throw new Error(`${CHANGED_PRODUCT} has changed`);
  const zip = new JSZip();
  zip.file(CHANGED_PRODUCT, changed);
  for (const name of await readdir(join(NPL_FIXTURES, 'constructed/Lexicondata'))) {
    zip.file(
      `constructed/Lexicondata/${name}`,
      await readFile(join(NPL_FIXTURES, 'constructed/Lexicondata', name)),
    );
  }
  return zip.generateAsync({ type: 'nodebuffer' });
}
