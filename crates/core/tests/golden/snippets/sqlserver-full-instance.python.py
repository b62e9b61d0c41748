# Rule sqlserver-full-instance: SQL Server full physical backup of the whole instance.
# pip install alibabacloud_rds20140815 alibabacloud_credentials
# Credentials come from the default chain (ALIBABA_CLOUD_ACCESS_KEY_ID and
# ALIBABA_CLOUD_ACCESS_KEY_SECRET, or ~/.aliyun/config.json), never from this file.
import os

from alibabacloud_credentials.client import Client as CredentialClient
from alibabacloud_rds20140815 import models as rds_models
from alibabacloud_rds20140815.client import Client
from alibabacloud_tea_openapi import models as open_api_models

config = open_api_models.Config(credential=CredentialClient(), region_id="cn-beijing")
endpoint = os.environ.get("ALIBABA_CLOUD_RDS_ENDPOINT")  # optional, e.g. http://127.0.0.1:18080
if endpoint:
    scheme, _, host = endpoint.rpartition("://")
    config.endpoint, config.protocol = host, scheme or "https"
client = Client(config)

request = rds_models.CreateBackupRequest(
    dbinstance_id="rm-2zemssql02",
    backup_strategy="instance",
    backup_method="Physical",
    backup_type="FullBackup",
)
response = client.create_backup(request)
print(response.body.backup_job_id)
