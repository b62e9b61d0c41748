# Rule sqlserver-full-instance: SQL Server full physical backup of the whole instance.
# Credentials: the aliyun CLI's own configuration (aliyun configure) or ALIBABA_CLOUD_* variables.
aliyun rds CreateBackup \
  --region cn-beijing \
  --DBInstanceId rm-2zemssql02 \
  --BackupStrategy instance \
  --BackupMethod Physical \
  --BackupType FullBackup
