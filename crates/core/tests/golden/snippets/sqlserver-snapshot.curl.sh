# Rule sqlserver-snapshot: SQL Server snapshot backup of every database.
# Through the signing proxy: it holds the credentials and checks the request again.
curl -sS -X POST http://127.0.0.1:8080/api/backups \
  -H 'content-type: application/json' \
  --data-binary '{"RegionId":"cn-hangzhou","DBInstanceId":"rm-bp1mssql01","BackupMethod":"Snapshot"}'
