// The packages' TypeScript definitions describe the real shapes: tests/packages/usage.ts
// compiles against them with the pinned typescript (tests/sdk/node).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('usage.ts type-checks against the generated .d.ts files', () => {
  const tsc = join(root, 'tests', 'sdk', 'node', 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync('node', [tsc, '--noEmit', '--strict', '--target', 'es2022', '--module', 'es2022', '--moduleResolution', 'bundler', '--lib', 'esnext,dom', '--skipLibCheck', 'false', join(root, 'tests', 'packages', 'usage.ts')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
