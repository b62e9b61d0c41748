# Rule mysql-snapshot: MySQL snapshot backup of every database (cloud disk).
# Credentials: the aliyun CLI's own configuration (aliyun configure) or ALIBABA_CLOUD_* variables.
aliyun rds CreateBackup \
  --region ap-southeast-1 \
  --DBInstanceId rm-t4nsnapshot01 \
  --BackupMethod Snapshot \
  --BackupRetentionPeriod 7
