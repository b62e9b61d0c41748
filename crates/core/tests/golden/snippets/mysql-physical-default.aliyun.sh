# Rule mysql-physical: MySQL physical backup of every database (local disk).
# Credentials: the aliyun CLI's own configuration (aliyun configure) or ALIBABA_CLOUD_* variables.
aliyun rds CreateBackup \
  --region cn-hangzhou \
  --DBInstanceId rm-bp1physical01 \
  --BackupMethod Physical
