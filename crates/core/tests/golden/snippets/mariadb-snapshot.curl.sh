# Rule mariadb-snapshot: MariaDB snapshot backup of every database (the API calls it Physical).
# Through the signing proxy: it holds the credentials and checks the request again.
curl -sS -X POST http://127.0.0.1:8080/api/backups \
  -H 'content-type: application/json' \
  --data-binary '{"RegionId":"ap-southeast-1","DBInstanceId":"rm-t4nmaria01","BackupMethod":"Physical"}'
