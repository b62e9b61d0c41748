"""One RDS call through the official Python SDK (alibabacloud_rds20140815), as a test peer.

Usage:
  rds_client.py --endpoint HOST:PORT --access-key-id ID --access-key-secret S
                [--security-token T] [--signature-algorithm v2|v3|sm3] [--fixed-nonce N]
                ACTION [--param Name=Value ...]

Prints one JSON line: {"ok": true, "body": {...}} or
{"ok": false, "code", "message", "status", "request_id"}. Exit 2 only when the script
itself fails.
"""

import argparse
import inspect
import json
import sys


ACTIONS = {
    "CreateBackup": ("CreateBackupRequest", "create_backup_with_options"),
    "DescribeBackupTasks": ("DescribeBackupTasksRequest", "describe_backup_tasks_with_options"),
    "DescribeBackups": ("DescribeBackupsRequest", "describe_backups_with_options"),
    "DescribeDBInstances": ("DescribeDBInstancesRequest", "describe_dbinstances_with_options"),
    "DescribeDBInstanceAttribute": ("DescribeDBInstanceAttributeRequest", "describe_dbinstance_attribute_with_options"),
    "DescribeDatabases": ("DescribeDatabasesRequest", "describe_databases_with_options"),
}


def typed(model, api_name, value):
    """The value as the model types the field (BackupRetentionPeriod, BackupJobId, PageSize,
    PageNumber, MaxResults, OwnerId... are int): the field is found through from_map, its type
    in the model's __init__ annotations."""
    probe = object()
    try:
        attrs = [k for k, v in vars(model().from_map({api_name: probe})).items() if v is probe]
    except Exception:  # a nested model field: passed on as given
        return value
    if not attrs:
        return value  # unknown name: refused after from_map
    annotation = str(inspect.signature(model.__init__).parameters[attrs[0]].annotation)
    if annotation in ("int", "<class 'int'>"):
        return int(value)
    if annotation in ("bool", "<class 'bool'>"):
        return value.lower() == "true"
    return value


class ArgumentParser(argparse.ArgumentParser):
    def error(self, message):  # bad arguments: the JSON line and exit 2, not argparse's usage text
        raise ValueError(message)


def emit(obj, code=0):
    print(json.dumps(obj, ensure_ascii=False))
    sys.exit(code)


def main():
    p = ArgumentParser()
    p.add_argument("--endpoint", required=True)
    p.add_argument("--access-key-id", required=True)
    p.add_argument("--access-key-secret", required=True)
    p.add_argument("--security-token")
    p.add_argument("--signature-algorithm", choices=["v2", "v3", "sm3"], default="v3")
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

    model_name, method_name = ACTIONS[args.action]
    model = getattr(rds_models, model_name)
    params = {}
    for item in args.param:
        name, eq, value = item.partition("=")
        if not eq or not name:
            raise ValueError(f"--param takes Name=Value, not {item!r}")
        params[name] = typed(model, name, value)

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
    elif args.signature_algorithm == "sm3":
        config.signature_algorithm = "ACS3-HMAC-SM3"
    client = Client(config)
    request = model().from_map(params)
    # from_map drops names the model does not know: refuse them rather than send less.
    unknown = sorted(set(params) - set(request.to_map()))
    if unknown:
        raise ValueError(f"{model_name} has no field {', '.join(unknown)}")
    try:
        response = getattr(client, method_name)(request, RuntimeOptions(autoretry=False))
    except Exception as e:
        # The service's errors (4xx/5xx with a JSON body) come as the SDK's ClientException /
        # ServerException with code, data (the parsed body) and status_code; anything else
        # (refused connection, unparsable body) is the script's failure.
        code = getattr(e, "code", None)
        data = getattr(e, "data", None)
        if code is None or not isinstance(data, dict):
            raise
        # e.message is the SDK's own sentence ("code: 400, <Message> request id: <id>");
        # report the service's Message as it came (e.data is the parsed error body).
        message = data.get("Message", data.get("message"))
        emit({
            "ok": False,
            "code": code,
            "message": message if message is not None else getattr(e, "message", None),
            "status": getattr(e, "status_code", None) or getattr(e, "statusCode", None) or data.get("statusCode"),
            "request_id": data.get("RequestId") or getattr(e, "request_id", None),
        })
    emit({"ok": True, "body": response.body.to_map()})


if __name__ == "__main__":
    try:
        main()
    except SystemExit:
        raise
    except BaseException as e:  # report, do not crash silently
        emit({"ok": False, "code": "ClientScriptError", "message": f"{type(e).__name__}: {e}"}, 2)
