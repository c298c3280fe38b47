import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { configResolver, defaultLintConfig, findLintConfig, resolveLintConfig } from '../../src/lint/config.js';
import { InputError } from '../../src/errors.js';

const root = mkdtempSync(join(tmpdir(), 'trajkit-lint-config-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(path: string, value: unknown) {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), typeof value === 'string' ? value : JSON.stringify(value));
}

describe('resolveLintConfig', () => {
  test('defaults: every rule at its registry severity, 32 KiB blob limit, built-in mappings', () => {
    expect(defaultLintConfig.rules['promoted-key']).toBe('error');
    expect(defaultLintConfig.rules['large-value']).toBe('warn');
    expect(defaultLintConfig.largeValueBytes).toBe(32 * 1024);
    expect(defaultLintConfig.route('split')?.target.field).toBe('provenance.split');
    expect(defaultLintConfig.route('run_id')).toBeUndefined();
  });

  test('mappings add keys, re-route built-ins, or keep a key in details', () => {
    const config = resolveLintConfig({ mappings: { run_id: 'provenance.upstream_id', answer: 'artifacts:answer', source: 'details' } });
    expect(config.route('run_id')).toMatchObject({ target: { field: 'provenance.upstream_id' }, mapped: true });
    expect(config.route('answer')).toMatchObject({ target: { field: 'artifacts[answer]', artifactKind: 'answer' } });
    expect(config.route('source')).toBeUndefined();
    expect(config.route('dataset_source')?.target.field).toBe('provenance.source');
  });

  test('bad config contents are one-line errors naming the file and the entry', () => {
    expect(() => resolveLintConfig({ rules: { 'no-such-rule': 'off' } }, 'x/trajkit.config.json')).toThrow(
      /^x\/trajkit\.config\.json: rules: unknown rule "no-such-rule" \(known: promoted-key, /,
    );
    expect(() => resolveLintConfig({ rules: { 'promoted-key': 'loud' } }, 'c.json')).toThrow(InputError);
    expect(() => resolveLintConfig({ mappings: { run_id: 'provenance.nope' } }, 'c.json')).toThrow(
      /^c\.json: mappings\.run_id: "provenance\.nope" is not a typed field; use "details" or one of provenance\.source, /,
    );
    expect(() => resolveLintConfig({ extends: 'x' }, 'c.json')).toThrow(/^c\.json: \(root\): /);
    expect(() => resolveLintConfig({ largeValueBytes: -1 }, 'c.json')).toThrow(/^c\.json: largeValueBytes: /);
  });
});

describe('finding the config', () => {
  test('nearest trajkit.config.json above the file, else a package.json with a "trajkit" key, else none', async () => {
    write('a/trajkit.config.json', { rules: { 'large-value': 'off' } });
    write('a/b/c/data.jsonl', '');
    write('p/package.json', { name: 'x', trajkit: { rules: { 'quoted-string': 'error' } } });
    write('p/q/data.jsonl', '');
    write('n/package.json', { name: 'no-trajkit-key' });
    write('n/data.jsonl', '');

    expect((await findLintConfig(join(root, 'a/b/c')))?.source).toBe(join(root, 'a/trajkit.config.json'));
    const pkg = await findLintConfig(join(root, 'p/q'));
    expect(pkg?.source).toBe(`${join(root, 'p/package.json')} ("trajkit" key)`);
    expect(pkg?.rules['quoted-string']).toBe('error');

    // Nothing above n/ (the package.json has no trajkit key): fall back to the cwd's config.
    const resolve = configResolver({ cwd: join(root, 'a') });
    expect((await resolve(join(root, 'n/data.jsonl'))).source).toBe(join(root, 'a/trajkit.config.json'));
    expect(await configResolver({ cwd: join(root, 'n') })(join(root, 'n/data.jsonl'))).toBe(defaultLintConfig);
    const explicit = resolveLintConfig({}, 'explicit');
    expect(await configResolver({ explicit })(join(root, 'a/b/c/data.jsonl'))).toBe(explicit);
  });

  test('a config file that is not JSON is an input error', async () => {
    write('bad/trajkit.config.json', '{ rules: ');
    await expect(findLintConfig(join(root, 'bad'))).rejects.toThrow(/trajkit\.config\.json: not valid JSON/);
  });
});
