# Rule sqlserver-auto: SQL Server physical backup, full or incremental as the service chooses.
# Credentials: the aliyun CLI's own configuration (aliyun configure) or ALIBABA_CLOUD_* variables.
aliyun rds CreateBackup \
  --region cn-hangzhou \
  --DBInstanceId rm-bp1mssql01 \
  --BackupMethod Physical \
  --BackupType Auto
