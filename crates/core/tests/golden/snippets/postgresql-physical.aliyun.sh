# Rule postgresql-physical: PostgreSQL physical backup of every database.
# Credentials: the aliyun CLI's own configuration (aliyun configure) or ALIBABA_CLOUD_* variables.
aliyun rds CreateBackup \
  --region eu-central-1 \
  --DBInstanceId pgm-gw8pg0001 \
  --BackupMethod Physical
