"""One RDS call through the official Python SDK (alibabacloud_rds20140815), as a test peer.

Usage:
  rds_client.py --endpoint HOST:PORT --access-key-id ID --access-key-secret S
                [--security-token T] [--signature-algorithm v2|v3] [--fixed-nonce N]
                ACTION [--param Name=Value ...]

Prints one JSON line: {"ok": true, "body": {...}} or
{"ok": false, "code", "message", "status", "request_id"}. Exit 2 only when the script
itself fails.
"""

import argparse
import json
import sys

# Request fields the SDK types as integers.
INTEGER_FIELDS = {"BackupRetentionPeriod", "BackupJobId", "PageSize", "PageNumber", "MaxResults"}

ACTIONS = {
    "CreateBackup": ("CreateBackupRequest", "create_backup_with_options"),
    "DescribeBackupTasks": ("DescribeBackupTasksRequest", "describe_backup_tasks_with_options"),
    "DescribeBackups": ("DescribeBackupsRequest", "describe_backups_with_options"),
    "DescribeDBInstances": ("DescribeDBInstancesRequest", "describe_dbinstances_with_options"),
    "DescribeDBInstanceAttribute": ("DescribeDBInstanceAttributeRequest", "describe_dbinstance_attribute_with_options"),
    "DescribeDatabases": ("DescribeDatabasesRequest", "describe_databases_with_options"),
}


def emit(obj, code=0):
    print(json.dumps(obj, ensure_ascii=False))
    sys.exit(code)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--endpoint", required=True)
    p.add_argument("--access-key-id", required=True)
    p.add_argument("--access-key-secret", required=True)
    p.add_argument("--security-token")
    p.add_argument("--signature-algorithm", choices=["v2", "v3"], default="v3")
    p.add_argument("--fixed-nonce")
    p.add_argument("action", choices=sorted(ACTIONS))
    p.add_argument("--param", action="append", default=[])
    args = p.parse_args()

    from alibabacloud_rds20140815 import models as rds_models
    from alibabacloud_rds20140815.client import Client
    from alibabacloud_tea_openapi import models as open_api_models
    from alibabacloud_tea_openapi.utils import Utils
    from darabonba.runtime import RuntimeOptions

    if args.fixed_nonce:
        # The SDK asks Utils.get_nonce() for every request's nonce (V3 header, V2 parameter).
        Utils.get_nonce = staticmethod(lambda: args.fixed_nonce)

    params = {}
    for item in args.param:
        name, _, value = item.partition("=")
        params[name] = int(value) if name in INTEGER_FIELDS else value

    config = open_api_models.Config(
        access_key_id=args.access_key_id,
        access_key_secret=args.access_key_secret,
        security_token=args.security_token,
        region_id="cn-hangzhou",
        endpoint=args.endpoint,
        protocol="http",
    )
    if args.signature_algorithm == "v2":
        config.signature_algorithm = "v2"
    client = Client(config)
    model_name, method_name = ACTIONS[args.action]
    request = getattr(rds_models, model_name)().from_map(params)
    try:
        response = getattr(client, method_name)(request, RuntimeOptions(autoretry=False))
    except Exception as e:  # the SDK's exceptions carry the service's error
        code = getattr(e, "code", None)
        if code is None:
            raise
        data = getattr(e, "data", None) or {}
        emit({
            "ok": False,
            "code": code,
            "message": getattr(e, "message", None),
            "status": getattr(e, "status_code", None) or getattr(e, "statusCode", None) or data.get("statusCode"),
            "request_id": getattr(e, "request_id", None) or data.get("RequestId"),
        })
    emit({"ok": True, "body": response.body.to_map()})


if __name__ == "__main__":
    try:
        main()
    except SystemExit:
        raise
    except BaseException as e:  # report, do not crash silently
        emit({"ok": False, "code": "ClientScriptError", "message": f"{type(e).__name__}: {e}"}, 2)
