"""The schema model as plain JSON data: a typed, validating encoder/decoder (no code runs on load).

Used where a :class:`~schemashift.model.Schema` is stored between runs (the shadow cache). The
codec is derived from the model's own type hints (once per class), so it follows the model:

- a dataclass is a JSON array of its init fields in declaration order, trailing fields equal to
  their default left out (compact and fast to read back: a 1,000-model schema is ~0.7 MB);
- a member of a union of dataclasses (:data:`~schemashift.model.Literal`,
  :data:`~schemashift.model.Default`) is the same array preceded by its class name;
- an enum is its value, a tuple an array, a frozenset a sorted array, ``None`` is ``null``; ``str``/``int``/``bool`` as JSON.

:func:`loads` checks every value against its field's type (``true`` is no ``int``, a string is no
enum member unless it is one of its values, too many or too few values is an error) and raises
:class:`ModelDecodeError` for anything else: only instances of :mod:`schemashift.model` classes
built through their constructors come out of it. :data:`FINGERPRINT` changes whenever a model
class, field or field type changes, so stored data can be tied to the model that wrote it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import types
import typing
from collections.abc import Callable
from enum import Enum
from functools import cache
from typing import Any

from schemashift import model
from schemashift.model import Schema

Decoder = Callable[[Any], Any]
Encoder = Callable[[Any], Any]


class ModelDecodeError(ValueError):
    """The data is not a schema model written by :func:`dumps`."""


def dumps(schema: Schema) -> bytes:
    """``schema`` as compact JSON (UTF-8)."""
    return json.dumps(_encoder(Schema)(schema), separators=(",", ":")).encode("ascii")


def loads(data: bytes | str) -> Schema:
    """The schema that :func:`dumps` wrote; :class:`ModelDecodeError` for anything else."""
    try:
        value = _decoder(Schema)(json.loads(data))
    except ModelDecodeError:
        raise
    except (ValueError, TypeError, KeyError, RecursionError) as exc:  # bad JSON, bad enum value, bad arguments
        raise ModelDecodeError(f"not a schema model: {type(exc).__name__}: {exc}"[:200]) from None
    assert isinstance(value, Schema)
    return value


# ---------------------------------------------------------------- the codec, built from the hints

_SCALARS = (str, int, bool)


def _fail(expected: str, value: Any) -> ModelDecodeError:
    return ModelDecodeError(f"expected {expected}, found {repr(value)[:60]}")


def _union_members(tp: Any) -> tuple[Any, ...] | None:
    """The members of a union type (``X | None``, ``Union[...]``), else None."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return typing.get_args(tp)
    return None


@cache
def _hints(cls: type) -> tuple[tuple[str, Any, Any], ...]:
    """(name, type, default or MISSING) of each init field of a model dataclass."""
    hints = typing.get_type_hints(cls, vars(model))
    return tuple((f.name, hints[f.name], f.default) for f in dataclasses.fields(cls) if f.init)


def _model_classes() -> list[type]:
    return [c for c in vars(model).values() if isinstance(c, type) and c.__module__ == model.__name__]


def _fingerprint() -> str:
    h = hashlib.sha256()
    for cls in sorted(_model_classes(), key=lambda c: c.__name__):
        if dataclasses.is_dataclass(cls):
            fields = [(n, str(t), "" if d is dataclasses.MISSING else repr(d)) for n, t, d in _hints(cls)]
            h.update(repr((cls.__name__, fields)).encode())
        elif issubclass(cls, Enum):
            h.update(repr((cls.__name__, [m.value for m in cls])).encode())
    return h.hexdigest()[:16]


#: Changes when the model's classes, fields, field types, defaults or enum values change.
FINGERPRINT = _fingerprint()


@cache
def _decoder(tp: Any) -> Decoder:
    if tp in _SCALARS:

        def scalar(v: Any, tp: type = tp) -> Any:
            if type(v) is not tp:
                raise _fail(tp.__name__, v)
            return v

        return scalar
    if isinstance(tp, type) and issubclass(tp, Enum):
        values = dict(tp._value2member_map_)  # a KeyError (TypeError) for anything else
        return lambda v: values[v]
    if typing.get_origin(tp) is tuple:
        args = typing.get_args(tp)
        if len(args) != 2 or args[1] is not Ellipsis:
            raise TypeError(f"model_json: unsupported tuple type {tp}")
        item = _decoder(args[0])

        def sequence(v: Any) -> tuple[Any, ...]:
            if type(v) is not list:
                raise _fail("an array", v)
            return tuple([item(x) for x in v])

        return sequence
    if typing.get_origin(tp) is frozenset:
        element = _decoder(typing.get_args(tp)[0])

        def unordered(v: Any) -> frozenset[Any]:
            if type(v) is not list:
                raise _fail("an array", v)
            return frozenset([element(x) for x in v])

        return unordered
    members = _union_members(tp)
    if members is not None:
        optional = type(None) in members
        rest = tuple(m for m in members if m is not type(None))
        if len(rest) == 1 and optional:
            inner = _decoder(rest[0])
            return lambda v: None if v is None else inner(v)
        if not all(dataclasses.is_dataclass(m) for m in rest):
            raise TypeError(f"model_json: unsupported union {tp}")
        by_name = {m.__name__: _fields_decoder(m) for m in rest}

        def tagged(v: Any) -> Any:
            if v is None and optional:
                return None
            if type(v) is not list or not v or type(v[0]) is not str or v[0] not in by_name:
                raise _fail(f"an array starting with one of {sorted(by_name)}", v)
            return by_name[v[0]](v[1:])

        return tagged
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _fields_decoder(tp)
    raise TypeError(f"model_json: unsupported type {tp}")


@cache
def _fields_decoder(cls: type) -> Decoder:
    hints = _hints(cls)
    required = sum(1 for _, _, default in hints if default is dataclasses.MISSING)
    fields: list[Decoder] = []  # built on first use: the model is recursive (ListLit holds Literals)

    def decode(v: Any) -> Any:
        if len(fields) < len(hints):
            fields[:] = [_decoder(ftp) for _, ftp, _ in hints]
        if type(v) is not list or not required <= len(v) <= len(hints):
            raise _fail(f"a {cls.__name__} ({required} to {len(hints)} values)", v)
        return cls(*[d(x) for d, x in zip(fields, v)])

    return decode


@cache
def _encoder(tp: Any) -> Encoder:
    if tp in _SCALARS or tp is type(None):
        return lambda v: v
    if isinstance(tp, type) and issubclass(tp, Enum):
        return lambda v: v.value
    if typing.get_origin(tp) is tuple:
        item = _encoder(typing.get_args(tp)[0])
        return lambda v: [item(x) for x in v]
    if typing.get_origin(tp) is frozenset:  # sorted: the same set is always the same bytes
        element = _encoder(typing.get_args(tp)[0])
        return lambda v: sorted((element(x) for x in v), key=repr)
    members = _union_members(tp)
    if members is not None:
        rest = tuple(m for m in members if m is not type(None))
        if len(rest) == 1:
            inner = _encoder(rest[0])
            return lambda v: None if v is None else inner(v)
        by_class = {m: _fields_encoder(m, tagged=True) for m in rest}
        return lambda v: None if v is None else by_class[type(v)](v)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _fields_encoder(tp, tagged=False)
    raise TypeError(f"model_json: unsupported type {tp}")


@cache
def _fields_encoder(cls: type, *, tagged: bool) -> Encoder:
    hints = _hints(cls)
    fields: list[Encoder] = []  # built on first use (the model is recursive)

    def encode(v: Any) -> list[Any]:
        if len(fields) < len(hints):
            fields[:] = [_encoder(ftp) for _, ftp, _ in hints]
        values = [getattr(v, name) for name, _, _ in hints]
        n = len(values)
        while n and hints[n - 1][2] is not dataclasses.MISSING and values[n - 1] == hints[n - 1][2]:
            n -= 1  # trailing defaults are left out
        out = [enc(x) for enc, x in zip(fields, values[:n])]
        return [cls.__name__, *out] if tagged else out

    return encode
