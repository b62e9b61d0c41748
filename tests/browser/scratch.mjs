// A fresh directory `rds-<name>-…` under the system's temporary directory, removed with
// everything in it when the test file's process exits: a test run leaves nothing behind.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made = [];
process.on('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

export function scratch(name) {
  const dir = mkdtempSync(join(tmpdir(), `rds-${name}-`));
  made.push(dir);
  return dir;
}
