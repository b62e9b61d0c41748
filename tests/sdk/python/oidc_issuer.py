"""A test OpenID Connect issuer on 127.0.0.1: keys made here, tokens signed by PyJWT.

    python oidc_issuer.py [--port 0]

Prints one line when ready: `listening on http://127.0.0.1:PORT` (that URL is the issuer).
Routes:
  GET  /.well-known/openid-configuration   issuer and jwks_uri
  GET  /jwks.json                          the public keys (RS256 "rsa-1", ES256 "ec-1", ...)
  POST /keys  {"kid": "...", "alg": "RS256"|"ES256"}   adds a key (a rotation)
  POST /token {"claims": {...}, "kid": "rsa-1", "alg": "RS256", "exp_in": 300,
               "nbf_in": null, "mode": "valid"|"none"|"hs256-public"|"tampered"}
              -> {"token": "..."}; also GET /token?user=alice (for a browser page)
  GET  /stats                              {"jwks_fetches": N}
Every answer allows any origin (the browser tests fetch tokens from a portal page).
"""
import argparse
import base64
import hashlib
import hmac
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

AUDIENCE = "rds-backup-console"
LOCK = threading.Lock()
KEYS = {}  # kid -> (alg, private key)
STATS = {"jwks_fetches": 0}
ISSUER = None


def add_key(kid, alg):
    if alg == "RS256":
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    elif alg == "ES256":
        key = ec.generate_private_key(ec.SECP256R1())
    else:
        raise ValueError(f"unsupported alg {alg}")
    with LOCK:
        KEYS[kid] = (alg, key)


def jwks():
    out = []
    with LOCK:
        for kid, (alg, key) in KEYS.items():
            algo = RSAAlgorithm if alg == "RS256" else ECAlgorithm
            jwk = json.loads(algo.to_jwk(key.public_key()))
            jwk.update({"kid": kid, "alg": alg, "use": "sig"})
            out.append(jwk)
    return {"keys": out}


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(req):
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "user-1", "iat": now,
              "exp": now + int(req.get("exp_in", 300))}
    if req.get("nbf_in") is not None:
        claims["nbf"] = now + int(req["nbf_in"])
    claims.update(req.get("claims", {}))
    kid = req.get("kid", "rsa-1")
    mode = req.get("mode", "valid")
    with LOCK:
        alg, key = KEYS.get(kid) or KEYS["rsa-1"]
    alg = req.get("alg", alg)
    if mode == "none":
        return jwt.encode(claims, None, algorithm="none", headers={"kid": kid})
    if mode == "hs256-public":
        # The classic confusion: HMAC keyed with the issuer's public key, which anyone has.
        public = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        header = b64url(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode())
        payload = b64url(json.dumps(claims).encode())
        mac = hmac.new(public, f"{header}.{payload}".encode(), hashlib.sha256).digest()
        return f"{header}.{payload}.{b64url(mac)}"
    signed = jwt.encode(claims, key, algorithm=alg, headers={"kid": kid})
    if mode == "tampered":
        header, _, signature = signed.split(".")
        forged = dict(claims, preferred_username="admin", groups=["admin"])
        return f"{header}.{b64url(json.dumps(forged).encode())}.{signature}"
    return signed


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.send_header("access-control-allow-origin", "*")
        self.end_headers()
        self.wfile.write(data)

    def do_OPTIONS(self):
        self.send_response(204)
        self.send_header("access-control-allow-origin", "*")
        self.send_header("access-control-allow-headers", "content-type")
        self.send_header("access-control-allow-methods", "GET, POST")
        self.end_headers()

    def do_GET(self):
        url = urlparse(self.path)
        if url.path == "/.well-known/openid-configuration":
            self.answer(200, {"issuer": ISSUER, "jwks_uri": f"{ISSUER}/jwks.json",
                              "id_token_signing_alg_values_supported": ["RS256", "ES256"]})
        elif url.path == "/jwks.json":
            with LOCK:
                STATS["jwks_fetches"] += 1
            self.answer(200, jwks())
        elif url.path == "/stats":
            with LOCK:
                self.answer(200, dict(STATS))
        elif url.path == "/token":
            q = parse_qs(url.query)
            user = q.get("user", ["alice"])[0]
            self.answer(200, {"token": token({"claims": {"preferred_username": user}})})
        else:
            self.answer(404, {"error": "not found"})

    def do_POST(self):
        length = int(self.headers.get("content-length") or 0)
        try:
            req = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            self.answer(400, {"error": "not JSON"})
            return
        if self.path == "/keys":
            add_key(req["kid"], req.get("alg", "RS256"))
            self.answer(200, {"kid": req["kid"]})
        elif self.path == "/token":
            self.answer(200, {"token": token(req)})
        else:
            self.answer(404, {"error": "not found"})


def main():
    global ISSUER
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    add_key("rsa-1", "RS256")
    add_key("ec-1", "ES256")
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    ISSUER = f"http://127.0.0.1:{server.server_address[1]}"
    print(f"listening on {ISSUER}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
