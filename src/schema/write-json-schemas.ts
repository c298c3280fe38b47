import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { renderJsonSchemaFiles } from './json-schema.js';

/**
 * Writes `schemas/*.schema.json` from the zod models (`npm run schemas`), each atomically.
 * With `check`, writes nothing and returns the files that differ from what is on disk.
 */
export async function writeJsonSchemas(options: { dir: string; check?: boolean }): Promise<string[]> {
  await mkdir(options.dir, { recursive: true });
  const changed: string[] = [];
  for (const [file, text] of renderJsonSchemaFiles()) {
    const path = join(options.dir, file);
    const current = await readFile(path, 'utf8').catch(() => undefined);
    if (current === text) continue;
    changed.push(file);
    if (options.check) continue;
    const temp = `${path}.${process.pid}.tmp`;
    await writeFile(temp, text);
    await rename(temp, path);
  }
  return changed;
}

// Run as a script: this file is dist/src/schema/write-json-schemas.js, the package root 3 up.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = fileURLToPath(new URL('../../../schemas/', import.meta.url));
  const check = process.argv.includes('--check');
  const changed = await writeJsonSchemas({ dir, check });
  if (check && changed.length > 0) {
    process.stderr.write(`schemas/ is out of date (${changed.join(', ')}); run npm run schemas\n`);
    process.exitCode = 1;
  } else {
    process.stderr.write(changed.length === 0 ? 'schemas/ is up to date\n' : `wrote ${changed.join(', ')}\n`);
  }
}
