# Rule mariadb-snapshot: MariaDB snapshot backup of every database (the API calls it Physical).
# Credentials: the aliyun CLI's own configuration (aliyun configure) or ALIBABA_CLOUD_* variables.
aliyun rds CreateBackup \
  --region ap-southeast-1 \
  --DBInstanceId rm-t4nmaria01 \
  --BackupMethod Physical
