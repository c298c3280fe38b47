#!/usr/bin/env node
// The CLI lives in src/cli.ts and is compiled to dist/ by `npm install` (the prepare script).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/cli.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('trajkit: dist/ is missing; run `npm install` (or `npm run build`) in the trajkit folder first\n');
  process.exit(2);
}
// A reader that stops early (`trajkit … | head`) closes the pipe: stop quietly, as Unix tools do.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
