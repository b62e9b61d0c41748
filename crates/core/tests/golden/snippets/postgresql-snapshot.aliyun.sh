# Rule postgresql-snapshot: PostgreSQL snapshot backup of every database.
# Credentials: the aliyun CLI's own configuration (aliyun configure) or ALIBABA_CLOUD_* variables.
aliyun rds CreateBackup \
  --region cn-hangzhou \
  --DBInstanceId pgm-bp1pg0002 \
  --BackupMethod Snapshot
