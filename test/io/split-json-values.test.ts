import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { splitJsonValues, type JsonValueSlice } from '../../src/io/split-json-values.js';

/** Splits `text`, fed in chunks of `chunkSize` bytes, into [index, line, text-or-error] rows. */
async function split(text: string | Buffer, chunkSize = 1 << 20): Promise<Array<[number, number, string]>> {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
  const out: Array<[number, number, string]> = [];
  for await (const slice of splitJsonValues(Readable.from(chunks)) as AsyncGenerator<JsonValueSlice>) {
    out.push([slice.index, slice.line, slice.error !== undefined ? `ERROR ${slice.error}` : slice.bytes!.toString('utf8')]);
  }
  return out;
}

describe('splitJsonValues', () => {
  const doc = '[\n  {"a": "x]}\\"y", "b": [1, {"c": 2}]},\n  {"d": "é\\\\"}\n  , 3, "s,]", true, null\n]\n';
  const expected: Array<[number, number, string]> = [
    [0, 2, '{"a": "x]}\\"y", "b": [1, {"c": 2}]}'],
    [1, 3, '{"d": "é\\\\"}'],
    [2, 4, '3'],
    [3, 4, '"s,]"'],
    [4, 4, 'true'],
    [5, 4, 'null'],
  ];

  it('yields each top-level array element with the line it starts on', async () => {
    expect(await split(doc)).toEqual(expected);
  });

  it('gives the same result whatever the chunk boundaries (1-byte chunks)', async () => {
    expect(await split(doc, 1)).toEqual(expected);
    expect(await split(doc, 7)).toEqual(expected);
  });

  it('reads a single top-level object, with a byte-order mark', async () => {
    expect(await split('\ufeff\n{"id": "a",\n "content": []}\n')).toEqual([[0, 2, '{"id": "a",\n "content": []}']]);
  });

  it('hands a malformed element on as bytes so the next elements still come out', async () => {
    const out = await split('[{"a": 1,, }, {"b": 2}]');
    expect(out).toEqual([
      [0, 1, '{"a": 1,, }'],
      [1, 1, '{"b": 2}'],
    ]);
  });

  it('reports a missing comma and reads on', async () => {
    const out = await split('[{"a": 1}\n{"b": 2}]');
    expect(out).toEqual([
      [0, 1, '{"a": 1}'],
      [1, 2, "ERROR expected ',' or ']' after the previous element"],
      [2, 2, '{"b": 2}'],
    ]);
  });

  it('reports a trailing comma, a missing ] and a value cut off by the end of the file', async () => {
    expect(await split('[1,]')).toEqual([
      [0, 1, '1'],
      [1, 1, 'ERROR trailing comma before the closing ]'],
    ]);
    expect(await split('[{"a": 1},\n')).toEqual([
      [0, 1, '{"a": 1}'],
      [1, 2, 'ERROR the file ends before the top-level array is closed with ]'],
    ]);
    expect(await split('[{"a": 1},\n {"b": "unterminated}]\n')).toEqual([
      [0, 1, '{"a": 1}'],
      [1, 2, 'ERROR the file ends inside the value that starts on line 2 (an unclosed string, { or [)'],
    ]);
  });

  it('reports an empty file', async () => {
    expect(await split(' \n')).toEqual([[0, 2, 'ERROR the file is empty: expected a JSON object or array']]);
  });

  it('reports JSON Lines in a .json file once and still yields every object', async () => {
    const out = await split('{"a": 1}\n{"b": 2}\n{"c": 3}\n');
    expect(out).toEqual([
      [0, 1, '{"a": 1}'],
      [1, 2, 'ERROR more than one top-level JSON value (a JSON Lines file named .json? name it .jsonl)'],
      [2, 2, '{"b": 2}'],
      [3, 3, '{"c": 3}'],
    ]);
  });

  it('reports data after the closing bracket', async () => {
    const out = await split('[1]\n[2]');
    expect(out).toEqual([
      [0, 1, '1'],
      [1, 2, 'ERROR unexpected data after the closing ] of the top-level array'],
      [2, 2, '[2]'],
    ]);
  });

  it('passes a stray closing bracket on as a broken element', async () => {
    expect(await split('[1, }]')).toEqual([
      [0, 1, '1'],
      [1, 1, '}'],
    ]);
  });
});
