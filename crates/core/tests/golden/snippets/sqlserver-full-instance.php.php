<?php
// Rule sqlserver-full-instance: SQL Server full physical backup of the whole instance.
// composer require alibabacloud/rds-20140815 alibabacloud/credentials
// Credentials come from the default chain (ALIBABA_CLOUD_ACCESS_KEY_ID and
// ALIBABA_CLOUD_ACCESS_KEY_SECRET, or ~/.aliyun/config.json), never from this file.
require __DIR__ . '/vendor/autoload.php';

use AlibabaCloud\Credentials\Credential;
use AlibabaCloud\SDK\Rds\V20140815\Models\CreateBackupRequest;
use AlibabaCloud\SDK\Rds\V20140815\Rds;
use Darabonba\OpenApi\Models\Config;

$config = new Config([
    'credential' => new Credential(),
    'regionId' => 'cn-beijing',
]);
$endpoint = getenv('ALIBABA_CLOUD_RDS_ENDPOINT'); // optional, e.g. http://127.0.0.1:18080
if ($endpoint) {
    $parts = explode('://', $endpoint, 2);
    $config->endpoint = count($parts) === 2 ? $parts[1] : $parts[0];
    $config->protocol = count($parts) === 2 ? $parts[0] : 'https';
}
$client = new Rds($config);

$request = new CreateBackupRequest([
    'DBInstanceId' => 'rm-2zemssql02',
    'backupStrategy' => 'instance',
    'backupMethod' => 'Physical',
    'backupType' => 'FullBackup',
]);
$response = $client->createBackup($request);
echo $response->body->backupJobId, PHP_EOL;
