import { describe, expect, it } from 'vitest';
import { createPathFilter, HubError, isHfUri, parseDatasetId, parseHfUri } from '../../src/hub/index.js';

describe('parseHfUri', () => {
  it.each([
    ['hf://datasets/o/n', { repo: 'o/n', path: '' }],
    ['hf://datasets/o/n/', { repo: 'o/n', path: '' }],
    ['hf://datasets/o/n/data/train.jsonl', { repo: 'o/n', path: 'data/train.jsonl' }],
    ['hf://datasets/o/n@v1.0/**/*.jsonl', { repo: 'o/n', revision: 'v1.0', path: '**/*.jsonl' }],
    ['hf://datasets/o/n@refs%2Fconvert%2Fparquet/default', { repo: 'o/n', revision: 'refs/convert/parquet', path: 'default' }],
    ['hf://datasets/o/n@refs/convert/parquet/default/train', { repo: 'o/n', revision: 'refs/convert/parquet', path: 'default/train' }],
    ['hf://datasets/o/n@refs/pr/3', { repo: 'o/n', revision: 'refs/pr/3', path: '' }],
  ])('%s', (uri, expected) => {
    expect(parseHfUri(uri)).toEqual(expected);
  });

  it.each([
    ['hf://o/n/file.jsonl', /only datasets/],
    ['hf://spaces/o/n', /only datasets/],
    ['hf://datasets/o', /expected hf:\/\/datasets/],
    ['hf://datasets/o/n@/x', /empty revision/],
    ['hf://datasets/../n/x', /not a dataset id/],
    ['hf://datasets/o/n@%E0%A4%A/x', /percent-encoding/],
  ])('refuses %s', (uri, message) => {
    expect(() => parseHfUri(uri)).toThrow(HubError);
    expect(() => parseHfUri(uri)).toThrow(message);
  });

  it('tells hf:// URIs from local paths', () => {
    expect(isHfUri('hf://datasets/o/n')).toBe(true);
    expect(isHfUri('./hf:/x')).toBe(false);
    expect(isHfUri('data/x.jsonl')).toBe(false);
  });
});

describe('parseDatasetId', () => {
  it('accepts owner/name, datasets/owner/name and legacy single names', () => {
    expect(parseDatasetId('EtaYang10th/SPARK_PDI_Trajectory')).toBe('EtaYang10th/SPARK_PDI_Trajectory');
    expect(parseDatasetId('datasets/o/n')).toBe('o/n');
    expect(parseDatasetId('squad')).toBe('squad');
  });
  it.each(['', 'a/b/c', 'o/..', 'o/n--x', '-o/n', 'o/n.', 'o/n m'])('refuses %j', (id) => {
    expect(() => parseDatasetId(id)).toThrow(/not a dataset id/);
  });
});

describe('createPathFilter (huggingface-cli --include/--exclude semantics)', () => {
  const paths = ['README.md', 'data/train.jsonl', 'data/test.jsonl', 'data/sub/x.parquet', 'x.json'];
  const pick = (include?: string[], exclude?: string[]) => paths.filter(createPathFilter({ include, exclude }));
  it('keeps everything without patterns', () => expect(pick()).toEqual(paths));
  it('lets * cross folders, like fnmatch', () => expect(pick(['*.jsonl'])).toEqual(['data/train.jsonl', 'data/test.jsonl']));
  it('treats a trailing / as a folder', () => expect(pick(['data/'])).toEqual(paths.slice(1, 4)));
  it('applies excludes after includes', () => expect(pick(['data/*'], ['*test*'])).toEqual(['data/train.jsonl', 'data/sub/x.parquet']));
  it('supports ? and [] sets, with [!] negation', () => {
    expect(pick(['data/t[er]*.jsonl'])).toEqual(['data/train.jsonl', 'data/test.jsonl']);
    expect(pick(['data/[!t]*'])).toEqual(['data/sub/x.parquet']);
    expect(pick(['x.jso?'])).toEqual(['x.json']);
  });
  it('matches dots literally', () => expect(pick(['x.json'])).toEqual(['x.json']));
});
