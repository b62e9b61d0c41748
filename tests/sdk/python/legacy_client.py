"""One RDS call through the legacy Python SDK (aliyun-python-sdk-core, V2 only), as a test peer.

Usage:
  legacy_client.py --endpoint HOST:PORT --access-key-id ID --access-key-secret S
                   [--method GET|POST] ACTION [--param Name=Value ...]

Same output contract as rds_client.py.
"""

import argparse
import json
import sys


def emit(obj, code=0):
    print(json.dumps(obj, ensure_ascii=False))
    sys.exit(code)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--endpoint", required=True)
    p.add_argument("--access-key-id", required=True)
    p.add_argument("--access-key-secret", required=True)
    p.add_argument("--method", choices=["GET", "POST"], default="POST")
    p.add_argument("action")
    p.add_argument("--param", action="append", default=[])
    args = p.parse_args()

    from aliyunsdkcore.acs_exception.exceptions import ServerException
    from aliyunsdkcore.client import AcsClient
    from aliyunsdkcore.request import CommonRequest

    client = AcsClient(args.access_key_id, args.access_key_secret, "cn-hangzhou", auto_retry=False)
    request = CommonRequest()
    request.set_domain(args.endpoint)
    request.set_protocol_type("http")
    request.set_version("2014-08-15")
    request.set_action_name(args.action)
    request.set_method(args.method)
    request.set_accept_format("json")
    for item in args.param:
        name, _, value = item.partition("=")
        request.add_query_param(name, value)
    try:
        raw = client.do_action_with_exception(request)
    except ServerException as e:
        emit({
            "ok": False,
            "code": e.get_error_code(),
            "message": e.get_error_msg(),
            "status": e.get_http_status(),
            "request_id": e.get_request_id(),
        })
    emit({"ok": True, "body": json.loads(raw)})


if __name__ == "__main__":
    try:
        main()
    except SystemExit:
        raise
    except BaseException as e:
        emit({"ok": False, "code": "ClientScriptError", "message": f"{type(e).__name__}: {e}"}, 2)
