"""Fixtures for comparing credential chains: a test CA and an HTTPS certificate for the
STS host names (the official libraries call STS over HTTPS only), and an OIDC signing key
with its JWKS and a token (as RRSA mounts one).

    python chain_fixtures.py OUTDIR

Writes ca.pem, sts.pem, sts.key, jwks.json, oidc-token.
"""
import datetime
import json
import os
import sys

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from jwt.algorithms import RSAAlgorithm

STS_NAMES = ["sts.aliyuncs.com", "sts.cn-hangzhou.aliyuncs.com", "sts-vpc.cn-hangzhou.aliyuncs.com"]


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def main(out):
    os.makedirs(out, exist_ok=True)
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "rds-backup test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=7))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False, data_encipherment=False,
                                       key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    leaf = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, STS_NAMES[0])]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=7))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in STS_NAMES]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    write(os.path.join(out, "ca.pem"), ca.public_bytes(serialization.Encoding.PEM))
    write(os.path.join(out, "sts.pem"), leaf.public_bytes(serialization.Encoding.PEM))
    write(os.path.join(out, "sts.key"), key.private_bytes(serialization.Encoding.PEM,
                                                          serialization.PrivateFormat.PKCS8,
                                                          serialization.NoEncryption()))
    oidc = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(RSAAlgorithm.to_jwk(oidc.public_key()))
    jwk.update({"kid": "rrsa-1", "alg": "RS256", "use": "sig"})
    write(os.path.join(out, "jwks.json"), json.dumps({"keys": [jwk]}).encode())
    token = jwt.encode({"iss": "https://oidc-ack.cn-hangzhou.aliyuncs.com/test", "sub": "system:serviceaccount:ns:app",
                        "aud": "sts.aliyuncs.com", "exp": int(now.timestamp()) + 7 * 86400,
                        "iat": int(now.timestamp())}, oidc, algorithm="RS256", headers={"kid": "rrsa-1"})
    write(os.path.join(out, "oidc-token"), token.encode())


if __name__ == "__main__":
    main(sys.argv[1])
