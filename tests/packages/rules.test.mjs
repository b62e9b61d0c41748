// The rds-backup-rules package (crates/wasm, built by scripts/build-packages.sh) agrees
// with the Rust CLI on the same inputs: the spec's cases (validate), every engine and
// storage with partial requests (choices), the snippet cases (preview and snippet).
//   node --test tests/packages/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pkg = join(root, 'target', 'pkg');
const cli = join(root, 'target', process.env.RDS_PROFILE_DIR || 'debug', 'rds-backup');

async function load(name) {
  const mod = await import(join(pkg, name, 'rds_backup_rules.js'));
  mod.initSync({ module: readFileSync(join(pkg, name, 'rds_backup_rules_bg.wasm')) });
  return mod;
}
const rules = await load('rds-backup-rules');
const lite = await load('rds-backup-rules-lite');

/** Runs the CLI with JSON on stdin; returns its stdout (exit 1 is a refusal, not a failure). */
function run(args, input) {
  const stdin = input === undefined ? { stdio: ['ignore', 'pipe', 'pipe'] } : { input: JSON.stringify(input) };
  try {
    return execFileSync(cli, args, { ...stdin, encoding: 'utf8', env: { ...process.env, HOME: '/nonexistent' } });
  } catch (e) {
    if (e.status === 1 || e.status === 2) return e.stdout;
    throw e;
  }
}

const json = (p) => JSON.parse(readFileSync(join(root, p), 'utf8'));
const split = (input) => {
  const { Engine, StorageType, RegionId, ...request } = input;
  const context = RegionId === undefined ? { Engine, StorageType } : { Engine, StorageType, RegionId };
  return { context, request };
};

test('validate agrees with `rds-backup check` on every spec case', () => {
  const cases = json('crates/core/tests/data/spec_cases.json');
  assert.ok(cases.length >= 60);
  for (const c of cases) {
    const { context, request } = split(c.input);
    const fromCli = JSON.parse(run(['check'], c.input));
    for (const m of [rules, lite]) {
      const report = m.validate(context, request);
      assert.deepEqual(report, fromCli, c.rule);
    }
  }
});

test('choices agree with `rds-backup options` for every engine, storage and partial request', () => {
  const engines = ['MySQL', 'PostgreSQL', 'SQLServer', 'MariaDB'];
  const storages = ['local_ssd', 'ephemeral_ssd', 'cloud_ssd', 'cloud_essd', 'cloud_essd2', 'cloud_essd3', 'general_essd'];
  const partials = [{}, { BackupMethod: 'Logical' }, { BackupMethod: 'Physical' }, { BackupMethod: 'Physical', BackupType: 'FullBackup' }, { BackupMethod: 'Snapshot', BackupStrategy: 'db' }];
  let n = 0;
  for (const Engine of engines) {
    for (const StorageType of storages) {
      for (const partial of partials) {
        const args = ['options', '--engine', Engine, '--storage', StorageType];
        for (const [k, v] of Object.entries(partial)) args.push('--set', `${k}=${v}`);
        const fromCli = JSON.parse(run(args));
        assert.deepEqual(lite.choices({ Engine, StorageType }, partial), fromCli.fields, `${Engine} ${StorageType} ${JSON.stringify(partial)}`);
        n++;
      }
    }
  }
  assert.equal(n, 140);
});

test('preview and snippet agree with `rds-backup preview` and `rds-backup snippet`', () => {
  const cases = json('crates/core/tests/data/snippet_cases.json');
  const langs = ['aliyun', 'python', 'node', 'typescript', 'java', 'go', 'php', 'csharp', 'curl', 'http'];
  for (const c of cases) {
    const { context, request } = split(c.input);
    const fixed = ['--timestamp', '2024-01-02T03:04:05Z', '--nonce', 'n0nce'];
    const fromCli = JSON.parse(run(['preview', '--format', 'json', ...fixed], c.input));
    const p = rules.preview(context, request, { timestamp: '2024-01-02T03:04:05Z', nonce: 'n0nce' });
    assert.equal(p.url, fromCli.url, c.name);
    assert.deepEqual(p.headers, fromCli.headers, c.name);
    assert.equal(p.canonical, fromCli.canonical, c.name);
    assert.equal(p.stringToSign, fromCli.string_to_sign, c.name);
    for (const lang of langs) {
      const args = ['snippet', '--lang', lang];
      if (c.profile) args.push('--profile', c.profile);
      if (c.proxy_token) args.push('--token');
      const options = { profile: c.profile, token: c.proxy_token };
      assert.equal(rules.snippet(context, request, lang, options).trimEnd(), run(args, c.input).trimEnd(), `${c.name} ${lang}`);
    }
  }
});

test('policy names one action on one instance', () => {
  const p = rules.policy({ Engine: 'MySQL', StorageType: 'cloud_essd', RegionId: 'cn-shanghai' }, { DBInstanceId: 'rm-uf6wjk5xxxxxxx', BackupMethod: 'Snapshot' });
  assert.deepEqual(p, { Version: '1', Statement: [{ Effect: 'Allow', Action: 'rds:CreateBackup', Resource: 'acs:rds:cn-shanghai:*:dbinstance/rm-uf6wjk5xxxxxxx' }] });
});

test('unusable input and refusals are Errors with code and field', () => {
  const ctx = { Engine: 'MySQL', StorageType: 'local_ssd' };
  const throwsWith = (fn, code, field) => assert.throws(fn, (e) => e instanceof Error && e.code === code && e.field === field);
  throwsWith(() => rules.validate(ctx, { DBInstanceId: 'rm-1abc', Foo: 1 }), 'InvalidInput.UnknownField', 'Foo');
  throwsWith(() => rules.validate({ Engine: 'Oracle', StorageType: 'local_ssd' }, {}), 'InvalidInput.UnknownValue', 'Engine');
  throwsWith(() => rules.validate(ctx, { BackupRetentionPeriod: '7' }), 'InvalidInput.WrongType', 'BackupRetentionPeriod');
  throwsWith(() => rules.validate(ctx, 'not an object'), 'InvalidInput.NotJson', '');
  throwsWith(() => rules.preview({ ...ctx, RegionId: 'cn-hangzhou' }, { DBInstanceId: 'rm-1abc', BackupMethod: 'Snapshot' }), 'InvalidBackupMethod.ValueNotSupport', 'BackupMethod');
  throwsWith(() => rules.snippet(ctx, { DBInstanceId: 'rm-1abc' }, 'python'), 'InvalidInput.Missing', 'RegionId');
  throwsWith(() => rules.snippet({ ...ctx, RegionId: 'cn-hangzhou' }, { DBInstanceId: 'rm-1abc' }, 'cobol'), 'InvalidInput.UnknownValue', 'lang');
  const refused = rules.validate(ctx, { DBInstanceId: 'rm-1abc', BackupMethod: 'Logical' });
  assert.equal(refused.ok, false);
  assert.equal(refused.errors[0].code, 'RequiredParam.NotFound');
  assert.equal(lite.preview, undefined, 'the lite package has the rules only');
});
