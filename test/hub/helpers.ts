import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A fresh temp folder; `cleanup` removes it. */
export async function tempDir(prefix = 'trajkit-hub-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Every path under `dir` (files, folders and symlinks), relative, sorted. */
export async function listTree(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (current: string) => {
    let entries;
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(current, entry.name);
      out.push(relative(dir, path));
      if (entry.isDirectory()) await walk(path);
    }
  };
  await walk(dir);
  return out.sort();
}

/** Fast retries for tests; the real defaults wait half a second and more. */
export const FAST_RETRY = { attempts: 4, baseDelayMs: 1, maxDelayMs: 5 };

/** A 127.0.0.1 URL where nothing listens (a port just released by the OS). */
export async function deadEndpoint(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

/** What a CLI run printed and how it ended. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

const BIN = fileURLToPath(new URL('../../bin/trajkit.js', import.meta.url));

/**
 * Runs the built CLI (`npm test` builds first; `npx tsc -p .` by hand) with a clean environment
 * pointed at a Hub emulator: `HOME` and `HF_HOME` under `home`, `HF_ENDPOINT` = `endpoint`.
 */
export function runTrajkit(args: string[], settings: { home: string; endpoint: string; env?: Record<string, string | undefined> }): Promise<CliRun> {
  const env = { PATH: process.env.PATH, HOME: settings.home, HF_HOME: join(settings.home, 'hf'), HF_ENDPOINT: settings.endpoint, ...settings.env };
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? -1) : 0, stdout, stderr });
    });
  });
}
