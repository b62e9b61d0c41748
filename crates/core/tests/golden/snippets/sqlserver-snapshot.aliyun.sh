# Rule sqlserver-snapshot: SQL Server snapshot backup of every database.
# Credentials: the aliyun CLI's own configuration (aliyun configure) or ALIBABA_CLOUD_* variables.
aliyun rds CreateBackup \
  --region cn-hangzhou \
  --DBInstanceId rm-bp1mssql01 \
  --BackupMethod Snapshot
