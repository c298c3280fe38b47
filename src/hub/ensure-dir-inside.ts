import { lstat, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { HubError } from './hub-error.js';

/**
 * Creates `root/<relDir>` one segment at a time and returns it, refusing any existing segment
 * that is a symlink or not a directory. `mkdir -p` would follow a planted symlink
 * (`snapshots/<sha>/data -> /etc`) and write outside the target; this never does.
 * `relDir` uses `/` and has passed `assertSafeRepoPath` (or is empty).
 */
export async function ensureDirInside(root: string, relDir: string): Promise<string> {
  await mkdir(root, { recursive: true });
  let current = root;
  for (const segment of relDir.split('/').filter((s) => s !== '')) {
    current = join(current, segment);
    let info;
    try {
      info = await lstat(current);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      try {
        await mkdir(current);
      } catch (raced) {
        // Another download of the same run may have created it in between.
        if ((raced as NodeJS.ErrnoException).code !== 'EEXIST') throw raced;
      }
      info = await lstat(current);
    }
    if (info.isSymbolicLink() || !info.isDirectory()) {
      throw new HubError(
        'TK_HUB_UNSAFE_PATH',
        `refusing to write under ${current}: it is ${info.isSymbolicLink() ? 'a symlink' : 'not a directory'}`,
        { exitCode: 1 },
      );
    }
  }
  return current;
}
