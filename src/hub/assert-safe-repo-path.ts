import { HubError } from './hub-error.js';

/**
 * Refuses a path from a Hub listing that could land outside the folder it is written under:
 * absolute paths, drive letters, backslashes, `.`/`..`/empty segments, control characters.
 * The listing is remote input; a hostile or broken server must not choose where we write.
 */
export function assertSafeRepoPath(path: unknown, where: string): asserts path is string {
  const reason = unsafeReason(path);
  if (reason !== undefined) {
    throw new HubError('TK_HUB_UNSAFE_PATH', `${where}: refusing unsafe path ${JSON.stringify(path)} from the Hub listing: ${reason}`, {
      exitCode: 1,
    });
  }
}

function unsafeReason(path: unknown): string | undefined {
  if (typeof path !== 'string' || path === '') return 'not a non-empty string';
  if (path.length > 4096) return 'too long';
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'control character';
  if (path.includes('\\')) return 'backslash';
  if (path.startsWith('/')) return 'absolute path';
  if (/^[A-Za-z]:/.test(path)) return 'drive letter';
  for (const segment of path.split('/')) {
    if (segment === '') return 'empty segment';
    if (segment === '.' || segment === '..') return `"${segment}" segment`;
  }
  return undefined;
}
