"""Client-side default values, computed by the client as Prisma's query engine does.

``cuid()`` (cuid v1), ``cuid(2)`` (cuid2), ``uuid()`` (v4), ``uuid(7)``, ``nanoid(n)``, ``ulid()``.
The formats match Prisma's: a cuid is ``c`` + 24 base-36 characters, a cuid2 24 lowercase
base-36 characters starting with a letter, a ULID 26 Crockford base-32 characters, a nanoid 21
(or ``n``) URL-safe characters.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import socket
import time
import uuid
from itertools import count

__all__ = ["cuid", "cuid2", "uuid4", "uuid7", "nanoid", "ulid"]

_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_NANOID = "useandom-26T198340PX75pxJACKVERYMINDBUSHWOLF_GQZbfghjklqvwyzrict"
_counter = count(secrets.randbelow(36**4))


def _base36(n: int, width: int) -> str:
    out = []
    while n:
        n, r = divmod(n, 36)
        out.append(_B36[r])
    text = "".join(reversed(out)) or "0"
    return text.rjust(width, "0")[-width:]


def _fingerprint() -> str:
    pid = _base36(os.getpid(), 2)
    host = socket.gethostname()
    return pid + _base36(sum(map(ord, host)) + len(host) + 36, 2)


_FINGERPRINT = _fingerprint()


def cuid() -> str:
    """A cuid (v1): ``c`` + time (8) + counter (4) + fingerprint (4) + random (8), base 36."""
    return (
        "c"
        + _base36(int(time.time() * 1000), 8)
        + _base36(next(_counter) % 36**4, 4)
        + _FINGERPRINT
        + _base36(secrets.randbits(42) % 36**8, 8)
    )


def cuid2(length: int = 24) -> str:
    """A cuid2: a random letter, then a SHA3 hash of time, entropy, a counter and a fingerprint."""
    first = _B36[10 + secrets.randbelow(26)]
    material = f"{time.time_ns()}{secrets.token_hex(16)}{next(_counter)}{_FINGERPRINT}".encode()
    digest = int.from_bytes(hashlib.sha3_512(material).digest(), "big")
    return first + _base36(digest, 60)[1:length]


def uuid4() -> str:
    return str(uuid.uuid4())


def uuid7() -> str:
    """RFC 9562 version 7: 48-bit Unix milliseconds, then random bits."""
    ms = time.time_ns() // 1_000_000
    rand = secrets.randbits(74)
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= (rand >> 62) << 64  # 12 bits rand_a
    value |= 0b10 << 62
    value |= rand & ((1 << 62) - 1)
    return str(uuid.UUID(int=value))


def nanoid(size: int = 21) -> str:
    return "".join(_NANOID[b & 63] for b in secrets.token_bytes(size))


def ulid() -> str:
    value = ((time.time_ns() // 1_000_000) << 80) | secrets.randbits(80)
    out = []
    for _ in range(26):
        value, r = divmod(value, 32)
        out.append(_CROCKFORD[r])
    return "".join(reversed(out))
