#!/usr/bin/env python3
"""Prints the known-answer vector of Tests/LocalPoolTests/SRPTests.swift: Cognito's SRP-6a worked
through with fixed secrets by Python's own integers, hashlib and hmac (no third-party code and
nothing of ours), as the client side would compute it.

Run: python3 scripts/generate-srp-vector.py
"""
import base64
import hashlib
import hmac

# RFC 5054's 3072-bit group (RFC 3526 §4), generator 2.
N = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
    16,
)
G = 2


def padded(number: int) -> bytes:
    """Shortest big-endian bytes, with a zero byte in front when the top bit is set."""
    raw = number.to_bytes(max(1, (number.bit_length() + 7) // 8), "big")
    return b"\x00" + raw if raw[0] & 0x80 else raw


def whole_bytes_hex(number: int) -> str:
    """Lowercase hex of the shortest big-endian bytes (an even number of digits)."""
    return number.to_bytes(max(1, (number.bit_length() + 7) // 8), "big").hex()


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


POOL_ID = "us-east-1_Vector0SRP"
POOL_NAME = POOL_ID.split("_")[1]
USERNAME = "alice"
PASSWORD = "Correct-Horse-9!"
SALT = bytes.fromhex("5e3f1c0a9b8d7f6e5d4c3b2a19087654")
SMALL_A = int.from_bytes(hashlib.sha512(b"client secret a").digest() * 2, "big") % N
SMALL_B = bytes.fromhex("7a" * 16 + "3c" * 16)
SECRET_BLOCK = bytes(range(64))
TIMESTAMP = "Tue Nov 3 09:05:01 UTC 2026"

k = int.from_bytes(sha256(padded(N) + padded(G)), "big")
x = int.from_bytes(sha256(padded(int.from_bytes(SALT, "big")) + sha256(f"{POOL_NAME}{USERNAME}:{PASSWORD}".encode())), "big")
v = pow(G, x, N)
A = pow(G, SMALL_A, N)
b = int.from_bytes(SMALL_B, "big")
B = (k * v + pow(G, b, N)) % N
u = int.from_bytes(sha256(padded(A) + padded(B)), "big")
# The client's S: (B - k·g^x)^(a + u·x).
S = pow((B - k * pow(G, x, N)) % N, SMALL_A + u * x, N)
assert S == pow(A * pow(v, u, N) % N, b, N), "client and server disagree"
prk = hmac.new(padded(u), padded(S), hashlib.sha256).digest()
key = hmac.new(prk, b"Caldera Derived Key\x01", hashlib.sha256).digest()[:16]
signature = hmac.new(key, POOL_NAME.encode() + USERNAME.encode() + SECRET_BLOCK + TIMESTAMP.encode(), hashlib.sha256).digest()

for name, value in [
    ("poolID", POOL_ID),
    ("username", USERNAME),
    ("password", PASSWORD),
    ("salt", SALT.hex()),
    ("serverSecret", SMALL_B.hex()),
    ("secretBlock", SECRET_BLOCK.hex()),
    ("timestamp", TIMESTAMP),
    ("multiplier", whole_bytes_hex(k)),
    ("verifier", whole_bytes_hex(v)),
    ("clientPublic", whole_bytes_hex(A)),
    ("serverPublic", whole_bytes_hex(B)),
    ("key", key.hex()),
    ("signature", base64.b64encode(signature).decode()),
]:
    print(f'    static let {name} = "{value}"')
