# Rule mysql-logical-db: MySQL logical backup of the databases in DBName (local disk).
# Credentials: the aliyun CLI's own configuration (aliyun configure) or ALIBABA_CLOUD_* variables.
aliyun rds CreateBackup \
  --region cn-hangzhou \
  --profile prod \
  --DBInstanceId rm-uf6wjk5xxxxxxx \
  --DBName orders \
  --BackupStrategy db \
  --BackupMethod Logical \
  --BackupRetentionPeriod 30
