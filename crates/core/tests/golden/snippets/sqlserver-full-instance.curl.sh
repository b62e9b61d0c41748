# Rule sqlserver-full-instance: SQL Server full physical backup of the whole instance.
# Through the signing proxy: it holds the credentials and checks the request again.
curl -sS -X POST http://127.0.0.1:8080/api/backups \
  -H 'content-type: application/json' \
  --data-binary '{"RegionId":"cn-beijing","DBInstanceId":"rm-2zemssql02","BackupStrategy":"instance","BackupMethod":"Physical","BackupType":"FullBackup"}'
