# Rule mysql-snapshot: MySQL snapshot backup of every database (cloud disk).
# Through the signing proxy: it holds the credentials and checks the request again.
curl -sS -X POST http://127.0.0.1:8080/api/backups \
  -H 'content-type: application/json' \
  --data-binary '{"RegionId":"ap-southeast-1","DBInstanceId":"rm-t4nsnapshot01","BackupMethod":"Snapshot","BackupRetentionPeriod":7}'
