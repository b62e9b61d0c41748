"""One RDS call through the legacy Python SDK (aliyun-python-sdk-core, V2 only), as a test peer.

Usage:
  legacy_client.py --endpoint HOST:PORT --access-key-id ID --access-key-secret S
                   [--security-token T] [--fixed-nonce N] [--method POST|GET]
                   ACTION [--param Name=Value ...]

AcsClient + CommonRequest: every parameter in the query (POST with an empty body by
default), plus the SDK's own RegionId, Format=JSON and an empty SignatureType=.
Same output contract as rds_client.py: one JSON line, {"ok": true, "body": {...}} or
{"ok": false, "code", "message", "status", "request_id"} (from the SDK's ServerException);
exit 2 with code ClientScriptError only when the script itself fails.

The SDK splits a SignatureDoesNotMatch message at its first ':' and fails (IndexError, so
exit 2 here) when the message has none: a server must answer as the real service does,
"Specified signature is not matched with our calculation. server string to sign is:<string>".
"""

import argparse
import json
import sys


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
    p.add_argument("--fixed-nonce")
    p.add_argument("--method", choices=["GET", "POST"], default="POST", type=str.upper)
    p.add_argument("action")
    p.add_argument("--param", action="append", default=[])
    args = p.parse_args()

    from aliyunsdkcore.acs_exception.exceptions import ServerException
    from aliyunsdkcore.auth.credentials import StsTokenCredential
    from aliyunsdkcore.client import AcsClient
    from aliyunsdkcore.request import CommonRequest
    from aliyunsdkcore.utils import parameter_helper

    if args.fixed_nonce:
        # The RPC signer takes SignatureNonce from parameter_helper.get_uuid().
        parameter_helper.get_uuid = lambda: args.fixed_nonce

    if args.security_token:
        credential = StsTokenCredential(args.access_key_id, args.access_key_secret, args.security_token)
        client = AcsClient(region_id="cn-hangzhou", credential=credential, auto_retry=False)
    else:
        client = AcsClient(args.access_key_id, args.access_key_secret, "cn-hangzhou", auto_retry=False)
    request = CommonRequest()
    request.set_domain(args.endpoint)
    request.set_protocol_type("http")
    request.set_version("2014-08-15")
    request.set_action_name(args.action)
    request.set_method(args.method)
    request.set_accept_format("json")
    for item in args.param:
        name, eq, value = item.partition("=")
        if not eq or not name:
            raise ValueError(f"--param takes Name=Value, not {item!r}")
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
    except BaseException as e:  # report, do not crash silently
        emit({"ok": False, "code": "ClientScriptError", "message": f"{type(e).__name__}: {e}"}, 2)
