import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = join(import.meta.dirname, '../../bin/trajkit.js');

describe('trajkit writing into a closed pipe', () => {
  it('stops quietly when the reader goes away (`trajkit … | head`)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-pipe-'));
    const file = join(dir, 'many.jsonl');
    writeFileSync(file, '{"id": 1}\n'.repeat(50_000));
    const child = spawn(process.execPath, [bin, 'validate', file, '--json', '--max-errors', '50000'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    // Read one chunk, then close our end, like `head -c` does.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|Unhandled|at .*\.js/);
    expect([0, 1]).toContain(code); // 1 once validation has finished, 0 if the pipe closed first
  });
});
