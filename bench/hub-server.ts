/**
 * The Hub emulator for `bench/hub.ts`, in its own process: a child's peak RSS (getrusage) starts
 * from the size of the process that spawned it, so the harness must stay small while the
 * emulator holds the dataset in memory. Prints one JSON line (url, sha, bytes, files, warmCache)
 * once ready, and exits when its stdin closes, i.e. when the harness ends.
 */
import { join } from 'node:path';
import { downloadSnapshot } from '../src/hub/download-snapshot.js';
import { startHubEmulator } from '../test/hub/emulator.js';
import { BENCH_REPO, generateFiles } from './hub.js';

const [totalBytes, dir] = [Number(process.argv[2]), process.argv[3]];
const files = generateFiles(totalBytes);
const hub = await startHubEmulator({ repos: [{ id: BENCH_REPO, revisions: { main: files } }] });
const warmCache = join(dir, 'warm-cache');
await downloadSnapshot({ repo: BENCH_REPO, hubUrl: hub.url, cacheDir: warmCache });
process.stdout.write(
  `${JSON.stringify({ url: hub.url, sha: hub.sha(BENCH_REPO), warmCache, bytes: files.reduce((n, f) => n + f.content.length, 0), files: files.map((f) => f.path) })}\n`,
);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
