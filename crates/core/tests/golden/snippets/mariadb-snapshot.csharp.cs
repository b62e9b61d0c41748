// Rule mariadb-snapshot: MariaDB snapshot backup of every database (the API calls it Physical).
// dotnet add package AlibabaCloud.SDK.Rds20140815; dotnet add package Aliyun.Credentials
// Credentials come from the default chain (ALIBABA_CLOUD_ACCESS_KEY_ID and
// ALIBABA_CLOUD_ACCESS_KEY_SECRET, or ~/.aliyun/config.json), never from this file.
using System;
using AlibabaCloud.SDK.Rds20140815;
using AlibabaCloud.SDK.Rds20140815.Models;

var config = new AlibabaCloud.OpenApiClient.Models.Config
{
    Credential = new Aliyun.Credentials.Client(),
    RegionId = "ap-southeast-1",
};
var endpoint = Environment.GetEnvironmentVariable("ALIBABA_CLOUD_RDS_ENDPOINT"); // optional, e.g. http://127.0.0.1:18080
if (!string.IsNullOrEmpty(endpoint))
{
    var parts = endpoint.Split("://", 2);
    config.Endpoint = parts.Length == 2 ? parts[1] : parts[0];
    config.Protocol = parts.Length == 2 ? parts[0] : "https";
}
var client = new Client(config);

var request = new CreateBackupRequest
{
    DBInstanceId = "rm-t4nmaria01",
    BackupMethod = "Physical",
};
var response = client.CreateBackup(request);
Console.WriteLine(response.Body.BackupJobId);
