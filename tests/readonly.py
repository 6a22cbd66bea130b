"""Read-only folders that hold for root too: permission bits bind a root process only without
CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH, so :func:`permission_bits_enforced` drops those two
capabilities from the calling thread's *effective* set (they stay permitted and come back on exit).

Linux only; a non-root process is bound by permission bits anyway.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

_VERSION_3 = 0x20080522
_CAP_DAC_OVERRIDE = 1
_CAP_DAC_READ_SEARCH = 2


class _Header(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _Data(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _caps() -> tuple[_Header, ctypes.Array[_Data]]:
    header, data = _Header(_VERSION_3, 0), (_Data * 2)()
    if _libc().capget(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capget failed")
    return header, data


def _set(header: _Header, data: ctypes.Array[_Data]) -> None:
    if _libc().capset(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capset failed")


def available() -> bool:
    """Whether folders can be made unwritable for this process here."""
    if not sys.platform.startswith("linux"):
        return False
    if os.geteuid() != 0:
        return True
    try:
        _caps()
    except OSError:
        return False
    return True


@contextmanager
def permission_bits_enforced() -> Iterator[None]:
    """Within the block, this thread (and the processes it starts) obeys permission bits."""
    if os.geteuid() != 0:
        yield
        return
    header, data = _caps()
    saved = data[0].effective
    data[0].effective &= ~((1 << _CAP_DAC_OVERRIDE) | (1 << _CAP_DAC_READ_SEARCH))
    _set(header, data)
    try:
        yield
    finally:
        header, data = _caps()
        data[0].effective = saved
        _set(header, data)
