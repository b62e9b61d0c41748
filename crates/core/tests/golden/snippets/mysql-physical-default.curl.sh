# Rule mysql-physical: MySQL physical backup of every database (local disk).
# Through the signing proxy: it holds the credentials and checks the request again.
curl -sS -X POST http://127.0.0.1:8080/api/backups \
  -H 'content-type: application/json' \
  --data-binary '{"RegionId":"cn-hangzhou","DBInstanceId":"rm-bp1physical01","BackupMethod":"Physical"}'
