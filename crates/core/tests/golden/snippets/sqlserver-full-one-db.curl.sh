# Rule sqlserver-full-db: SQL Server full physical backup of the databases in DBName.
# Through the signing proxy: it holds the credentials and checks the request again.
curl -sS -X POST http://127.0.0.1:8080/api/backups \
  -H 'content-type: application/json' \
  -H "authorization: Bearer ${RDS_BACKUP_TOKEN}" \
  --data-binary '{"RegionId":"cn-hangzhou","DBInstanceId":"rm-bp1mssql01","DBName":"crm","BackupStrategy":"db","BackupMethod":"Physical","BackupType":"FullBackup","BackupRetentionPeriod":365}'
