import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandInputs } from '../../src/io/inputs.js';
import { InputError, UsageError } from '../../src/errors.js';

async function paths(args: string[], options = {}): Promise<string[]> {
  const out: string[] = [];
  for await (const file of expandInputs(args, options)) out.push(file.path);
  return out;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tk-inputs-'));
  for (const sub of ['b', 'a/deep', '.hidden', 'empty']) mkdirSync(join(dir, 'tree', sub), { recursive: true });
  const files = ['b/2.jsonl', 'b/10.json', 'b/B.parquet', 'a/deep/x.ndjson.gz', 'a/readme.md', 'a/z.JSONL', '.hidden/h.jsonl', 'top.json.gz', 'notes.txt'];
  for (const f of files) writeFileSync(join(dir, 'tree', f), '{}\n');
  symlinkSync(join(dir, 'tree'), join(dir, 'tree', 'b', 'loop'));
  symlinkSync(join(dir, 'tree', 'missing.jsonl'), join(dir, 'tree', 'dangling.jsonl'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('expandInputs', () => {
  it('lists record files below a directory recursively, in code-point order, skipping hidden entries and loops', async () => {
    const tree = join(dir, 'tree');
    expect(await paths([tree])).toEqual(
      ['a/deep/x.ndjson.gz', 'a/z.JSONL', 'b/10.json', 'b/2.jsonl', 'b/B.parquet', 'top.json.gz'].map((f) => join(tree, f)),
    );
  });

  it('keeps argument order, takes named files as they are, and reads a file named twice once', async () => {
    const tree = join(dir, 'tree');
    const top = join(tree, 'top.json.gz');
    // b/loop links back to tree: followed once (so a/ is found through it), never in circles,
    // and top.json.gz, already named, is not read again.
    expect(await paths([top, join(tree, 'b'), top])).toEqual([
      top,
      ...['10.json', '2.jsonl', 'B.parquet', 'loop/a/deep/x.ndjson.gz', 'loop/a/z.JSONL'].map((f) => join(tree, 'b', f)),
    ]);
  });

  it('reports sizes', async () => {
    const files = [];
    for await (const f of expandInputs([join(dir, 'tree', 'b', '2.jsonl')])) files.push(f);
    expect(files).toEqual([{ path: join(dir, 'tree', 'b', '2.jsonl'), size: 3 }]);
  });

  it('fails before yielding anything when any path is missing, not a record file, or an empty directory', async () => {
    const good = join(dir, 'tree', 'top.json.gz');
    const seen: string[] = [];
    const run = async (args: string[]) => {
      for await (const f of expandInputs(args)) seen.push(f.path);
    };
    await expect(run([good, join(dir, 'nope')])).rejects.toThrow(InputError);
    await expect(run([good, join(dir, 'nope')])).rejects.toThrow(`${join(dir, 'nope')}: no such file or directory`);
    await expect(run([join(dir, 'tree', 'notes.txt')])).rejects.toThrow(/notes\.txt: not one of the record files \(\.jsonl\.gz/);
    await expect(run([join(dir, 'tree', 'empty')])).rejects.toThrow(/empty: the directory holds no record files/);
    await expect(run([])).rejects.toThrow(UsageError);
    expect(seen).toEqual([]);
  });

  it('takes a custom filter', async () => {
    const tree = join(dir, 'tree');
    expect(await paths([tree], { accept: (p: string) => p.endsWith('.md'), describeAccepted: 'Markdown files' })).toEqual([join(tree, 'a', 'readme.md')]);
  });
});
