import { describe, expect, test } from 'vitest';
import { convertValue } from '../../src/lint/convert-value.js';
import { adpRequiresNumber, exceedsBytes, jsonByteSize, unquote, valueShape } from '../../src/lint/stringified.js';

describe('valueShape', () => {
  test.each([
    ['True', 'string:boolean'],
    ['false', 'string:boolean'],
    ['1.0', 'string:number'],
    ['-3', 'string:number'],
    ['1e-5', 'string:number'],
    ['None', 'string:null'],
    ['null', 'string:null'],
    ['{"a": 1}', 'string:object'],
    ['[1, 2]', 'string:array'],
    ["'human'", 'string:quoted'],
    ['"x"', 'string:quoted'],
    ['{not json}', 'string'],
    ['', 'string'],
    ['train', 'string'],
    ['12 apples', 'string'],
    [1, 'number'],
    [true, 'boolean'],
    [null, 'null'],
    [{}, 'object'],
    [[], 'array'],
  ] as const)('%j is %s', (value, shape) => {
    expect(valueShape(value)).toBe(shape);
  });

  test('a long text is never a number, even when it is all digits', () => {
    expect(valueShape('1'.repeat(100))).toBe('string');
  });
});

describe('unquote', () => {
  test('removes exactly one layer of Python repr or JSON quotes', () => {
    expect(unquote("'human'")).toBe('human');
    expect(unquote("'it\\'s'")).toBe("it's");
    expect(unquote("'a\\nb\\x41\\u00e9'")).toBe('a\nbAé');
    expect(unquote('"say \\"hi\\""')).toBe('say "hi"');
    expect(unquote("''")).toBe('');
  });
  test('leaves anything ambiguous alone', () => {
    for (const text of ["'", "'a'b'", "'a\\q'", 'plain', "'open", '"bad \\x"']) expect(unquote(text), text).toBeUndefined();
  });
});

describe('ADP numeric key names (spec §8)', () => {
  test.each(['reward', 'score', 'step', 'pred_passes_gen_tests', 'tests_correct', 'turn_count', 'row_index', 'pass_rate', 'x_success', 'hit_percent'])(
    '%s must be a number',
    (key) => expect(adpRequiresNumber(key)).toBe(true),
  );
  test.each(['rewards', 'run_id', 'indexer', 'success', 'steps'])('%s is free', (key) => expect(adpRequiresNumber(key)).toBe(false));
});

describe('sizes', () => {
  test('exceedsBytes agrees with the real JSON size around the limit', () => {
    const values = ['x'.repeat(50), 'é'.repeat(30), { a: 'x'.repeat(40) }, [1, 2, 3, 'abc'], { nested: { list: ['aa', 'bb'] } }];
    for (const value of values) {
      const size = jsonByteSize(value);
      expect(exceedsBytes(value, size + 20), JSON.stringify(value)).toBe(false);
      expect(exceedsBytes(value, Math.floor(size / 2)), JSON.stringify(value)).toBe(true);
    }
  });
});

describe('convertValue', () => {
  test('keeps the original when it already fits', () => {
    expect(convertValue('train', 'text')).toEqual({ ok: true, value: 'train', changed: false, how: 'as-is' });
    expect(convertValue(3, 'int')).toEqual({ ok: true, value: 3, changed: false, how: 'as-is' });
    // null leaves the field absent; the receipt keeps the null.
    expect(convertValue(null, 'number')).toEqual({ ok: true, value: undefined, changed: true, how: 'as-is' });
  });
  test('parses stringified values and says it changed them', () => {
    expect(convertValue('True', 'boolean')).toMatchObject({ ok: true, value: true, changed: true, how: 'parsed' });
    expect(convertValue('0', 'boolean')).toMatchObject({ ok: true, value: false, changed: true });
    expect(convertValue(' 7 ', 'int')).toMatchObject({ ok: true, value: 7, changed: true });
    expect(convertValue('1.0', 'number')).toMatchObject({ ok: true, value: 1, changed: true });
    expect(convertValue('None', 'number')).toMatchObject({ ok: true, value: undefined, changed: true });
    expect(convertValue('["a","b"]', 'string-list')).toMatchObject({ ok: true, value: ['a', 'b'], how: 'parsed' });
    expect(convertValue('a, b,,c', 'keywords')).toMatchObject({ ok: true, value: ['a', 'b', 'c'], how: 'split' });
    expect(convertValue('{"k": [1]}', 'json')).toMatchObject({ ok: true, value: { k: [1] }, how: 'parsed' });
    expect(convertValue("'x'", 'text')).toMatchObject({ ok: true, value: 'x', how: 'unquoted' });
    expect(convertValue(12, 'text')).toMatchObject({ ok: true, value: '12', how: 'stringified' });
    expect(convertValue('pass', 'outcome-status')).toMatchObject({ ok: true, value: 'PASS', how: 'normalised' });
    expect(convertValue({ a: 1 }, 'artifact')).toMatchObject({ ok: true, value: '{\n  "a": 1\n}', how: 'stringified' });
  });
  test('tool specs: JSON strings are parsed, null optional members dropped, non-specs refused', () => {
    const spec = { type: 'function', function: { name: 'finish', description: 'Stop.', parameters: null } };
    const conv = convertValue(JSON.stringify([spec]), 'tool-specs');
    expect(conv).toMatchObject({ ok: true, changed: true, value: [{ type: 'function', function: { name: 'finish', description: 'Stop.' } }] });
    expect(convertValue([{ type: 'function', function: { name: 'f' } }], 'tool-specs')).toMatchObject({ ok: true, changed: false });
    expect(convertValue([{ name: 'f' }], 'tool-specs')).toMatchObject({ ok: false });
    expect(convertValue('{', 'tool-specs')).toMatchObject({ ok: false });
  });
  test('never guesses', () => {
    for (const [value, kind] of [
      ['maybe', 'boolean'],
      ['3.5', 'int'],
      ['-1', 'nonneg-int'],
      ['0', 'pos-int'],
      ['seven', 'number'],
      [{ a: 1 }, 'text'],
      ['done', 'outcome-status'],
      ['a,b', 'string-list'],
      [[1], 'string-list'],
      ['', 'system-prompt'],
    ] as const) {
      expect(convertValue(value, kind), `${JSON.stringify(value)} as ${kind}`).toMatchObject({ ok: false });
    }
  });
});
