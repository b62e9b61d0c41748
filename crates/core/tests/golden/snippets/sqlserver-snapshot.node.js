// Rule sqlserver-snapshot: SQL Server snapshot backup of every database.
// npm install @alicloud/rds20140815 @alicloud/openapi-core @alicloud/credentials
// Credentials come from the default chain (ALIBABA_CLOUD_ACCESS_KEY_ID and
// ALIBABA_CLOUD_ACCESS_KEY_SECRET, or ~/.aliyun/config.json), never from this file.
const Rds = require('@alicloud/rds20140815');
const { $OpenApiUtil } = require('@alicloud/openapi-core');
const Credential = require('@alicloud/credentials').default;

async function main() {
  const config = new $OpenApiUtil.Config({ credential: new Credential(), regionId: 'cn-hangzhou' });
  const endpoint = process.env.ALIBABA_CLOUD_RDS_ENDPOINT; // optional, e.g. http://127.0.0.1:18080
  if (endpoint) {
    const url = new URL(endpoint.includes('://') ? endpoint : `https://${endpoint}`);
    config.endpoint = url.host;
    config.protocol = url.protocol.replace(':', '');
  }
  const client = new Rds.default(config);

  const request = new Rds.CreateBackupRequest({
    DBInstanceId: 'rm-bp1mssql01',
    backupMethod: 'Snapshot',
  });
  const response = await client.createBackup(request);
  console.log(response.body.backupJobId);
}

main().catch((err) => {
  console.error(err.code || err.name, err.message);
  process.exit(1);
});
