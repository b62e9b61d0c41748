// Type-checked by tests/packages/types.test.mjs against the generated .d.ts files: the
// shapes a portal developer relies on.
import { choices, validate, preview, snippet, policy, type FieldChoices, type Report, type RulesError } from '../../target/pkg/rds-backup-rules/rds_backup_rules.js';
import { mount, type MountOptions } from '../../target/pkg/rds-backup-console/rds_backup_web.js';

const context = { Engine: 'MySQL', StorageType: 'local_ssd', RegionId: 'cn-hangzhou' } as const;
const fields: FieldChoices[] = choices(context, { BackupMethod: 'Logical' });
const withheld: (string | null)[] = fields.flatMap((f) => f.withheld.map((c) => c.value));
const report: Report = validate(context, { DBInstanceId: 'rm-1abc', DBName: ['orders'], BackupRetentionPeriod: 7 });
const firstCode: string | undefined = report.errors[0]?.code;
const sent: Record<string, string> | null = report.params;
const http: string = preview(context, { DBInstanceId: 'rm-1abc' }).http;
const withOptions: [string, string][] = preview(context, { DBInstanceId: 'rm-1abc' }, { v2: true, method: 'GET' }).headers;
const code: string = snippet(context, { DBInstanceId: 'rm-1abc' }, 'python');
const resource: string = policy(context, { DBInstanceId: 'rm-1abc' }).Statement[0].Resource;
try {
  validate(context, {});
} catch (e) {
  const err = e as RulesError;
  console.log(err.code, err.field, err.errors?.length);
}
const options: MountOptions = { proxyUrl: 'https://backup.example.com', region: 'cn-hangzhou', locale: 'id', engines: ['MySQL'] };
const handle = mount(document.createElement('div'), options);
handle.unmount();
console.log(withheld, firstCode, sent, http, withOptions, code, resource);
