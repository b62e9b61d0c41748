// Rule sqlserver-full-instance: SQL Server full physical backup of the whole instance.
// npm install @alicloud/rds20140815 @alicloud/openapi-core @alicloud/credentials
// Credentials come from the default chain (ALIBABA_CLOUD_ACCESS_KEY_ID and
// ALIBABA_CLOUD_ACCESS_KEY_SECRET, or ~/.aliyun/config.json), never from this file.
import Rds, { CreateBackupRequest } from '@alicloud/rds20140815';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import Credential from '@alicloud/credentials';

async function main(): Promise<void> {
  const config = new $OpenApiUtil.Config({ credential: new Credential(), regionId: 'cn-beijing' });
  const endpoint = process.env.ALIBABA_CLOUD_RDS_ENDPOINT; // optional, e.g. http://127.0.0.1:18080
  if (endpoint) {
    const url = new URL(endpoint.includes('://') ? endpoint : `https://${endpoint}`);
    config.endpoint = url.host;
    config.protocol = url.protocol.replace(':', '');
  }
  const client = new Rds(config);

  const request = new CreateBackupRequest({
    DBInstanceId: 'rm-2zemssql02',
    backupStrategy: 'instance',
    backupMethod: 'Physical',
    backupType: 'FullBackup',
  });
  const response = await client.createBackup(request);
  console.log(response.body?.backupJobId);
}

main().catch((err) => {
  console.error(err.code ?? err.name, err.message);
  process.exit(1);
});
