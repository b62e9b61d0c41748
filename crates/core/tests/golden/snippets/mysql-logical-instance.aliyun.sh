# Rule mysql-logical-instance: MySQL logical backup of the whole instance (local disk).
# Credentials: the aliyun CLI's own configuration (aliyun configure) or ALIBABA_CLOUD_* variables.
aliyun rds CreateBackup \
  --region cn-shanghai \
  --DBInstanceId rm-bp1logical01 \
  --BackupStrategy instance \
  --BackupMethod Logical
