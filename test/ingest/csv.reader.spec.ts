import { describe, expect, it } from 'vitest';
import { detectDelimiter, firstInvalidUtf8 } from '../../src/ingest/csv.reader.js';
import { readCsvInChunks } from './helpers.js';

const read = readCsvInChunks;

describe('CSV reader', () => {
  it('chooses the delimiter the header line has more of', () => {
    expect(detectDelimiter('location;package;quantity')).toBe(';');
    expect(detectDelimiter('location,package,quantity')).toBe(',');
    expect(detectDelimiter('a;b,c,d')).toBe(',');
  });

  it('reads quoted fields with delimiters, doubled quotes and line breaks, and names each record by its first line', async () => {
    const text = 'a,b,c\r\n1,"x,y",3\r\n"multi\nline",2,"say ""hi"""\n\n4,5,6';
    const { rows, lines, problems } = await read(Buffer.from(text));
    expect(problems).toEqual([]);
    expect(rows).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x,y', '3'],
      ['multi\nline', '2', 'say "hi"'],
      ['4', '5', '6'],
    ]);
    expect(lines).toEqual([1, 2, 3, 6]);
  });

  it('gives the same records whatever the chunk boundaries (split inside quotes, CRLF and multi-byte letters)', async () => {
    const text =
      '\ufeffplats;förpackning;antal\r\nSE-APO-0001;"Åkerö; ""Ö""";12,5\r\nSE-APO-0002;Ärtsoppa;3\r\n';
    const bytes = Buffer.from(text);
    const whole = await read(bytes);
    expect(whole.rows[0]).toEqual(['plats', 'förpackning', 'antal']); // BOM gone
    expect(whole.rows[1]).toEqual(['SE-APO-0001', 'Åkerö; "Ö"', '12,5']);
    for (let size = 1; size <= 9; size++) expect(await read(bytes, size), `chunks of ${size}`).toEqual(whole);
  });

  it('stops at bytes that are not UTF-8 and names their line', async () => {
    const bytes = Buffer.concat([Buffer.from('a,b\n1,2\n3,'), Buffer.from([0xe4]), Buffer.from('x\n')]);
    const { problems } = await read(bytes);
    expect(problems).toEqual([expect.objectContaining({ at: 3, field: 'encoding', value: '0xe4 78' })]);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc3, 0xa5, 0xff]))).toBe(3);
    expect(firstInvalidUtf8(Buffer.from('åäö'))).toBe(-1);
  });

  it('refuses text after a closing quote and an unclosed quote', async () => {
    expect((await read(Buffer.from('a,b\n"x"y,1\n'))).problems[0]).toMatchObject({
      at: 2,
      message: expect.stringContaining('after a closing quote'),
    });
    expect((await read(Buffer.from('a,b\n"x,1\n'))).problems[0]).toMatchObject({
      at: 2,
      message: expect.stringContaining('not closed'),
    });
  });
});
