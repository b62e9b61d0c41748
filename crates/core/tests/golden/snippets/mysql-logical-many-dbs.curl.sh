# Rule mysql-logical-db: MySQL logical backup of the databases in DBName (local disk).
# Through the signing proxy: it holds the credentials and checks the request again.
curl -sS -X POST http://127.0.0.1:8080/api/backups \
  -H 'content-type: application/json' \
  --data-binary '{"RegionId":"cn-hangzhou","DBInstanceId":"rm-uf6wjk5xxxxxxx","DBName":"orders,users,audit_log","BackupStrategy":"db","BackupMethod":"Logical","BackupRetentionPeriod":-1}'
