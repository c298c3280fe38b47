import { HubError } from './hub-error.js';
import { parseDatasetId } from './parse-dataset-id.js';

/** The parts of an `hf://datasets/<owner>/<name>[@rev]/<path-or-glob>` URI. */
export interface HfUri {
  /** `owner/name` */
  repo: string;
  /** Branch, tag or sha after `@`, percent-decoded; undefined means `main`. */
  revision?: string;
  /** Repo-relative path or glob; `''` for the whole dataset. */
  path: string;
}

/** True for strings trajkit reads from the Hub rather than the local disk. */
export function isHfUri(value: string): boolean {
  return value.startsWith('hf://');
}

/**
 * Parses an `hf://` URI the way `huggingface_hub`'s `HfFileSystem` writes them:
 * `hf://datasets/owner/name/data/train.jsonl`, `hf://datasets/owner/name@v1.0/**\/*.jsonl`,
 * `hf://datasets/owner/name@refs%2Fconvert%2Fparquet/default` (a revision with `/` is
 * percent-encoded, or written `@refs/convert/parquet` / `@refs/pr/3`). Only datasets are
 * supported.
 */
export function parseHfUri(uri: string): HfUri {
  if (!isHfUri(uri)) throw new HubError('TK_HUB_CONFIG', `not an hf:// URI: ${JSON.stringify(uri)}`);
  const rest = uri.slice('hf://'.length);
  if (!rest.startsWith('datasets/')) {
    throw new HubError('TK_HUB_CONFIG', `${uri}: only datasets are supported; write hf://datasets/<owner>/<name>[@revision]/<path>`);
  }
  const parts = rest.slice('datasets/'.length).split('/');
  if (parts.length < 2 || parts[0] === '' || parts[1] === '') {
    throw new HubError('TK_HUB_CONFIG', `${uri}: expected hf://datasets/<owner>/<name>[@revision]/<path>`);
  }
  const [owner, nameAndRevision, ...pathParts] = parts;
  const at = nameAndRevision.indexOf('@');
  const name = at < 0 ? nameAndRevision : nameAndRevision.slice(0, at);
  let revision: string | undefined;
  if (at >= 0) {
    try {
      revision = decodeURIComponent(nameAndRevision.slice(at + 1));
    } catch {
      throw new HubError('TK_HUB_CONFIG', `${uri}: the revision is not valid percent-encoding`);
    }
    if (revision === '') throw new HubError('TK_HUB_CONFIG', `${uri}: empty revision after "@"`);
    if (revision === 'refs' && (pathParts[0] === 'convert' || pathParts[0] === 'pr') && pathParts.length >= 2) {
      revision = `refs/${pathParts.shift()}/${pathParts.shift()}`;
    }
  }
  const repo = parseDatasetId(`${owner}/${name}`);
  return { repo, ...(revision === undefined ? {} : { revision }), path: pathParts.filter((p) => p !== '').join('/') };
}
