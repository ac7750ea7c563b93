import { readdir, readFile } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import JSZip from 'jszip';
import { AppError } from '../../domain/errors.js';

/**
 * Where an NPL export is read from: a directory as unpacked from Läkemedelsverket's zip file
 * (`Productdata/*.xml` and `Lexicondata/*.xml`), or the zip file itself (the API). Either way a list
 * of XML files, each read when asked for.
 */
export interface NplFile {
  /** The path within the export, with '/' separators, e.g. 'Productdata/20010101000011.xml'. */
  name: string;
  kind: 'product' | 'lexicon';
  /** The lexicon's name (the file name without `.xml`), for lexicon files. */
  lexicon?: string;
  read(): Promise<Uint8Array>;
}

export interface NplSource {
  /** What the sender called it: the directory or the zip file. */
  name: string;
  files: NplFile[];
}

/**
 * A lexicon file: any XML in a `Lexicondata` folder, or one named like a lexicon (`…-lx.xml`,
 * `organization.xml`) wherever it is. Every other XML file is a product.
 */
function classify(path: string): Pick<NplFile, 'kind' | 'lexicon'> {
  const parts = path.split('/');
  const file = parts[parts.length - 1] ?? path;
  const lexicon = file.replace(/\.xml$/i, '');
  const inLexicons = parts.slice(0, -1).some((p) => p.toLowerCase() === 'lexicondata');
  if (inLexicons || /-lx$/i.test(lexicon) || /^organi[sz]ations?$/i.test(lexicon))
    return { kind: 'lexicon', lexicon: /^organi[sz]ations?$/i.test(lexicon) ? 'organization' : lexicon };
  return { kind: 'product' };
}

/** Every `.xml` file under `dir`, in name order. */
export async function directorySource(dir: string): Promise<NplSource> {
  let entries: string[];
  try {
    entries = await readdir(dir, { recursive: true });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw AppError.invalid(`the NPL export ${dir} cannot be read: ${reason}`, [
      { at: dir, expected: 'a directory holding the NPL export', message: reason },
    ]);
  }
  const files = entries
    .filter((e) => e.toLowerCase().endsWith('.xml'))
    .map((e) => e.split(sep).join('/'))
    .sort()
    .map((name): NplFile => ({ name, ...classify(name), read: () => readFile(join(dir, name)) }));
  return { name: basename(relative(process.cwd(), dir) || dir) || dir, files };
}

/** The XML files of a zip file (as Läkemedelsverket publishes the export), in name order. */
export async function zipSource(name: string, zip: Uint8Array): Promise<NplSource> {
  let archive: JSZip;
  try {
    archive = await JSZip.loadAsync(zip);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw AppError.invalid(`${name} is not a zip file: ${reason}`, [
      { at: name, field: 'body', expected: 'the NPL export as a zip file', message: reason },
    ]);
  }
  const files = Object.values(archive.files)
    .filter((f) => !f.dir && f.name.toLowerCase().endsWith('.xml'))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((f): NplFile => ({ name: f.name, ...classify(f.name), read: () => f.async('uint8array') }));
  return { name, files };
}
