# Rule sqlserver-full-db: SQL Server full physical backup of the databases in DBName.
# Credentials: the aliyun CLI's own configuration (aliyun configure) or ALIBABA_CLOUD_* variables.
aliyun rds CreateBackup \
  --region cn-hangzhou \
  --DBInstanceId rm-bp1mssql01 \
  --DBName crm,sales \
  --BackupStrategy db \
  --BackupMethod Physical \
  --BackupType FullBackup
