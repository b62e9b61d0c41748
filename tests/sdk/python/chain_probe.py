"""Which provider the official Python credential chain picks, and the key id it gets.

    python chain_probe.py   -> {"provider": "default/cli_profile/static_ak", "access_key_id": "..."}
                               or {"error": "..."}
"""
import json
import sys

from alibabacloud_credentials.provider.default import DefaultCredentialsProvider

try:
    c = DefaultCredentialsProvider().get_credentials()
    print(json.dumps({"provider": c.get_provider_name(), "access_key_id": c.get_access_key_id()}))
except Exception as e:  # the chain's own message says what each provider said
    print(json.dumps({"error": str(e)[:2000]}))
sys.exit(0)
