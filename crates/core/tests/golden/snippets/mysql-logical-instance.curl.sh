# Rule mysql-logical-instance: MySQL logical backup of the whole instance (local disk).
# Through the signing proxy: it holds the credentials and checks the request again.
curl -sS -X POST http://127.0.0.1:8080/api/backups \
  -H 'content-type: application/json' \
  --data-binary '{"RegionId":"cn-shanghai","DBInstanceId":"rm-bp1logical01","BackupStrategy":"instance","BackupMethod":"Logical"}'
