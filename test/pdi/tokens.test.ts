import { describe, expect, it } from 'vitest';
import { compareCodePoints, tokenCounts, tokens } from '../../src/pdi/tokens.js';
import { failedTests, pyStrip, section } from '../../src/pdi/sections.js';

describe('tokens (spec §6.2)', () => {
  it('lowercases with full Unicode default casing before splitting', () => {
    // İ lowercases to i + U+0307; the combining dot separates tokens
    expect(tokens('İstanbul')).toEqual(['i', 'stanbul']);
    // final sigma is context dependent in toLowerCase (and in Python's str.lower)
    expect(tokens('ΟΔΟΣ ΣΑ')).toEqual(['οδος', 'σα']);
    expect(tokens('Straße STRASSE')).toEqual(['straße', 'strasse']);
  });

  it('keeps letters, numbers of any script and _, and splits on the rest', () => {
    expect(tokens('x² ½ ⅻ 四 ٣ snake_case')).toEqual(['x²', '½', 'ⅻ', '四', '٣', 'snake_case']);
    expect(tokens('café\u0301 e\u0301')).toEqual(['café', 'e']);
    expect(tokens('a\u0000b\u0085c\u200bd')).toEqual(['a', 'b', 'c', 'd']);
    expect(tokens('pd.read_csv("out.csv")')).toEqual(['pd', 'read_csv', 'out', 'csv']);
    expect(tokens('âœ— mojibake')).toEqual(['âœ', 'mojibake']);
    expect(tokens('😀emoji😀')).toEqual(['emoji']);
    expect(tokens('')).toEqual([]);
  });

  it('counts the multiset', () => {
    expect([...tokenCounts('a b a A')]).toEqual([['a', 3], ['b', 1]]);
  });

  it('orders by code point, not UTF-16 unit', () => {
    const words = ['\uffff', '𝟘', 'z', 'é'];
    expect(words.sort(compareCodePoints)).toEqual(['z', 'é', '\uffff', '𝟘']);
  });
});

describe('section (spec §6.2)', () => {
  const memo = '## Exploration Memo (2 failed attempts)\n### Verified Facts\n  - a\n#### Detail\n- b\n### Next Strategy\nplan\n';
  it('reads the body up to the next "\\n### ", keeping #### sub-headings', () => {
    expect(section(memo, 'Verified Facts')).toBe('- a\n#### Detail\n- b');
    expect(section(memo, 'Next Strategy')).toBe('plan');
  });
  it('matches a #### heading too, takes the first occurrence, and is empty when absent', () => {
    expect(section('#### Verified Facts\nx\n### Verified Facts\ny', 'Verified Facts')).toBe('x');
    expect(section(memo, 'Current Error Pattern')).toBe('');
    expect(section('### Verified Facts', 'Verified Facts')).toBe('');
  });
  it('yields "" for a \\r\\n memo', () => {
    expect(section(memo.replaceAll('\n', '\r\n'), 'Verified Facts')).toBe('');
  });
  it('strips like Python, not like JS trim', () => {
    expect(pyStrip('\x1c\x85 x \u3000')).toBe('x');
    expect(pyStrip('\ufeffx')).toBe('\ufeffx');
  });
});

describe('failed (spec §6.2)', () => {
  it('collects ✗ lines across every Python line break', () => {
    const summary = 'PASSED:\n  ✓ ok\nFAILED (fix these):\r\n  ✗ a: x\r  ✗ b\x0b✗ c\u2028 ✗  d  \x1c✗ a: x\n✗';
    expect([...failedTests(summary)].sort()).toEqual(['', 'a: x', 'b', 'c', 'd']);
  });
  it('is empty for summaries without failures', () => {
    expect(failedTests('')).toEqual(new Set());
    expect(failedTests('Execution failed: boom')).toEqual(new Set());
  });
});
