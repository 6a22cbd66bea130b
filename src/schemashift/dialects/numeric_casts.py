"""How a server casts a numeric column in place: which values it rounds, which it cannot hold.

The data-loss checker (``safety/dataloss.py``) counts the rows an in-place ``ALTER COLUMN ... SET
DATA TYPE`` (PostgreSQL) or ``MODIFY`` (MySQL/MariaDB) would round or refuse. What the cast does
to a value is the server's knowledge, so it lives here, one class per server, and each dialect
names its own (:attr:`schemashift.dialects.base.Dialect.numeric_casts`): SQLite rebuilds tables
instead of casting in place, and CockroachDB's casts were never measured on a live server, so
both have none and the checker says nothing about rounding there.

Measured on PostgreSQL 15 and MariaDB 10.11: a cast to an integer type rounds half to even for
floating-point values, half away from zero for decimals (``ROUND`` does the same); a cast to
``Decimal(p,s)`` rounds half away from zero at ``s`` places (a double goes through its 15-digit
decimal form first, which ``CAST(v AS numeric)`` and MySQL's ``CAST(v AS DECIMAL)`` reproduce) and
refuses values of ``p - s`` integer digits or more once rounded (MySQL without strict SQL mode
clips them); a cast from a double to a 4-byte float keeps about 7 significant digits (counted:
values it changes that have more than 6, so not 0.1, whose float reads back as 0.1, nor 16777216,
a float already) and refuses values beyond its range (PostgreSQL also refuses nonzero values it
would make 0; MySQL makes them 0), from a decimal too; a decimal to a double, see
:meth:`NumericCasts.decimal_to_double`. An integer type to a smaller one rounds nothing and
refuses values outside the new range (PostgreSQL: "integer out of range", "smallint out of
range"; MariaDB: error 1264). MySQL without strict SQL mode clips what is out of range to the
bounds (``bounds``; an unsigned type: 0 for a negative value).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, ClassVar

from schemashift.model import Column, Family

#: integer native types a fractional value can be cast to in place, and their ranges (MySQL's
#: ``Boolean`` is a ``TinyInt``: it rounds, and holds -128 to 127)
INTEGER_RANGES: dict[str, tuple[int, int]] = {
    "TinyInt": (-(2**7), 2**7 - 1),
    "SmallInt": (-(2**15), 2**15 - 1),
    "MediumInt": (-(2**23), 2**23 - 1),
    "Int": (-(2**31), 2**31 - 1),
    "Integer": (-(2**31), 2**31 - 1),
    "BigInt": (-(2**63), 2**63 - 1),
    "UnsignedTinyInt": (0, 2**8 - 1),
    "UnsignedSmallInt": (0, 2**16 - 1),
    "UnsignedMediumInt": (0, 2**24 - 1),
    "UnsignedInt": (0, 2**32 - 1),
    "UnsignedBigInt": (0, 2**64 - 1),
}

#: a 4-byte float (PostgreSQL's ``real``, MySQL's ``FLOAT``): the largest magnitude it holds, and
#: the magnitudes a double rounds to an infinity or to zero (round to nearest: FLT_MAX plus half
#: an ulp, half the smallest subnormal); PostgreSQL refuses both, MySQL refuses above FLT_MAX
_FLT_MAX = "3.4028234663852886e38"
_FLT_OVERFLOW = "3.4028235677973366e38"
_FLT_UNDERFLOW = "7.006492321624085e-46"

#: a double: the magnitudes a decimal rounds to an infinity (DBL_MAX plus half an ulp, 2**1024 -
#: 2**970) or to zero (half the smallest subnormal, 2**-1075), exact decimal literals; PostgreSQL
#: refuses both (numeric -> double precision goes through strtod)
_DBL_OVERFLOW = str(2**1024 - 2**970)
_DBL_UNDERFLOW = "0." + str(5**1075).rjust(1075, "0")


@dataclass(frozen=True, slots=True)
class Narrowing:
    """A cast that keeps fewer digits, or a smaller range, than the column's values have: SQL
    tests and expressions of a stored value ``v``, as the server performs the cast."""

    what: str  # the values it rounds, in the warning: "fractional values", ...
    changes: Callable[[str], str] | None  # v is one of them (None: it rounds nothing)
    rounded: Callable[[str], str]  # what the cast leaves of v (compared under unique constraints)
    outside: Callable[[str], str] | None  # the cast cannot hold v (None: it holds every value)
    range_text: str  # the new type's range, in the warning
    #: a server without strict SQL mode (MySQL) clips a value outside the range to these bounds
    #: (SQL literals: low, high); None: no bounds to clip to
    bounds: tuple[str, str] | None = None
    #: the range is checked on the value once rounded (False: integer to integer, nothing rounds)
    once_rounded: bool = True

    def clipped(self, v: str) -> str:
        """What MySQL without strict SQL mode leaves of ``v``: rounded, then clipped to the range."""
        if self.outside is None or self.bounds is None:
            return self.rounded(v)
        low, high = self.bounds
        return f"CASE WHEN {self.outside(v)} THEN CASE WHEN {v} < 0 THEN {low} ELSE {high} END ELSE {self.rounded(v)} END"


class NumericCasts:
    """One server's in-place numeric casts. The rules the servers share are here; a subclass
    says what differs: its native type names, how it rounds to a scale, its floats' edges."""

    #: values outside the new range are clipped, not refused, unless the session is in strict
    #: SQL mode (MySQL/MariaDB)
    clips_unless_strict: ClassVar[bool] = False
    #: (precision, scale) of a ``Decimal`` column written without arguments (MySQL: DECIMAL(10,0));
    #: None: unconstrained (PostgreSQL's ``numeric``)
    default_decimal_args: ClassVar[tuple[int, int] | None] = None
    double_native: ClassVar[str] = ""  # the native name of an 8-byte float
    float32_native: ClassVar[str] = ""  # the native name of a 4-byte float

    def decimal_args(self, column: Column) -> tuple[int, int] | None:
        """(precision, scale) of a Decimal column; None for an unconstrained one."""
        args = column.type.args
        return (args[0], args[1]) if len(args) == 2 else self.default_decimal_args

    def round_to_scale(self, v: str, scale: int) -> str:
        """``v`` as the server's cast to a decimal of ``scale`` places leaves it."""
        raise NotImplementedError

    def not_nan(self, v: str) -> str:
        """A condition (with a trailing ``AND``) that ``v`` is not NaN, where decimals hold NaN."""
        return ""

    def narrowing(self, previous: Column, next: Column) -> Narrowing | None:
        """What an in-place cast from ``previous`` to ``next`` rounds or cannot hold, if anything."""
        pt, nt = previous.type, next.type
        if pt.native in INTEGER_RANGES and nt.native in INTEGER_RANGES:
            # an integer type to a smaller one (BigInt -> Int, Int -> SmallInt, signed <-> unsigned,
            # MySQL's Boolean, a TinyInt): nothing rounds, values outside fail or are clipped
            (old_low, old_high), (low, high) = INTEGER_RANGES[pt.native], INTEGER_RANGES[nt.native]
            if low <= old_low and old_high <= high:
                return None
            return Narrowing(
                "", None, lambda v: v, lambda v: f"({v} < {low} OR {v} > {high})", f"{low} to {high}",
                bounds=(str(low), str(high)), once_rounded=False,
            )
        if pt.family not in (Family.FLOAT, Family.DECIMAL):
            return None
        if nt.native in INTEGER_RANGES:
            return self._to_integer(previous, *INTEGER_RANGES[nt.native])
        if nt.family is Family.DECIMAL and nt.native == "Decimal":
            return self._to_decimal(previous, next)
        if pt.family is Family.DECIMAL and nt.native == self.double_native:
            return self.decimal_to_double(self.decimal_args(previous))
        if (pt.native == self.double_native or pt.family is Family.DECIMAL) and nt.native == self.float32_native:
            return self.to_float32()
        return None

    def _to_integer(self, previous: Column, low: int, high: int) -> Narrowing:
        whole = previous.type.family is Family.DECIMAL and (self.decimal_args(previous) or (0, 1))[1] == 0
        return Narrowing(
            "fractional values",
            None if whole else (lambda v: f"{v} <> FLOOR({v})"),
            lambda v: f"ROUND({v})",
            lambda v: f"ROUND({v}) NOT BETWEEN {low} AND {high}",
            f"{low} to {high}",
            bounds=(str(low), str(high)),
        )

    def _to_decimal(self, previous: Column, next: Column) -> Narrowing | None:
        new = self.decimal_args(next)
        if new is None:
            return None  # unconstrained numeric: holds every value
        p, s = new
        is_float = previous.type.family is Family.FLOAT
        old = None if is_float else self.decimal_args(previous)
        fewer_places = is_float or old is None or s < old[1]
        fewer_digits = is_float or old is None or p - s < old[0] - old[1] or s < old[1]
        if not fewer_places and not fewer_digits:
            return None

        def rounded(v: str) -> str:
            return self.round_to_scale(v, s)

        limit = "1" + "0" * (p - s)  # an exact literal (numeric / DECIMAL) on both servers
        top = ("9" * (p - s) or "0") + ("." + "9" * s if s else "")

        def outside(v: str) -> str:
            return f"{self.not_nan(v)}ABS({rounded(v)}) >= {limit}"  # NaN fits any numeric(p,s)

        return Narrowing(
            "fractional values" if s == 0 else f"values with more than {s} decimal places",
            (lambda v: f"{v} <> {rounded(v)}") if fewer_places else None,
            rounded,
            outside if fewer_digits else None,
            f"-{top} to {top}",
            bounds=(f"-{top}", top),
        )

    def decimal_to_double(self, old: tuple[int, int] | None) -> Narrowing | None:
        """Decimal -> Float (a double): the nearest double, so values of more than 15 significant
        digits can change (any decimal of 15 digits or fewer reads back as written); measured on
        PostgreSQL 15 and MariaDB 10.11 (ROUND-half-even of the binary value; 9007199254740993
        becomes 9007199254740992)."""
        raise NotImplementedError

    def to_float32(self) -> Narrowing:
        """A double or a decimal to a 4-byte float."""
        raise NotImplementedError


class PostgresNumericCasts(NumericCasts):
    double_native: ClassVar[str] = "DoublePrecision"
    float32_native: ClassVar[str] = "Real"

    def round_to_scale(self, v: str, scale: int) -> str:
        return f"ROUND(CAST({v} AS numeric), {scale})"

    def not_nan(self, v: str) -> str:
        return f"{v} <> 'NaN' AND "

    def decimal_to_double(self, old: tuple[int, int] | None) -> Narrowing | None:
        """A changed value is one whose shortest round-trip form (as text, ``extra_float_digits``
        >= 1, the default) differs from it. Only the unconstrained ``numeric`` (or one of more than
        308 integer digits or 323 decimal places) can hold values a double cannot: refused."""
        changes = old is None or old[0] > 15
        in_range = old is not None and old[0] - old[1] <= 308 and old[1] <= 323
        if not changes and in_range:
            return None

        def fits(v: str) -> str:
            return f"(ABS({v}) < {_DBL_OVERFLOW} AND ({v} = 0 OR ABS({v}) > {_DBL_UNDERFLOW}))"

        def outside(v: str) -> str:
            return f"{v} <> 'NaN' AND ABS({v}) <> 'Infinity' AND NOT {fits(v)}"

        return Narrowing(
            "values with more than 15 significant digits",
            (lambda v: f"CASE WHEN {fits(v)} THEN CAST(CAST(CAST({v} AS double precision) AS text) AS numeric) <> {v}"
             " ELSE FALSE END") if changes else None,
            lambda v: f"CASE WHEN {fits(v)} THEN CAST({v} AS double precision) END",
            None if in_range else outside,
            "magnitudes from 4.9e-324 to 1.8e308",
        )

    def to_float32(self) -> Narrowing:
        def fits(v: str) -> str:
            return f"ABS({v}) < {_FLT_OVERFLOW} AND ({v} = 0 OR ABS({v}) > {_FLT_UNDERFLOW})"

        return Narrowing(
            "values with more than 6 significant digits",
            # changed (not a float already, 16777216) beyond 6 significant digits (not 0.1):
            # real -> numeric prints 6 significant digits, double precision -> numeric 15
            lambda v: f"CASE WHEN {fits(v)} THEN CAST(CAST({v} AS real) AS double precision) <> {v}"
            f" AND CAST(CAST({v} AS real) AS numeric) <> CAST({v} AS numeric) ELSE FALSE END",
            lambda v: f"CASE WHEN {fits(v)} THEN CAST(CAST({v} AS real) AS double precision) ELSE {v} END",
            lambda v: f"{v} <> 'NaN' AND ABS({v}) <> 'Infinity' AND NOT ({fits(v)})",
            "magnitudes from 1.4e-45 to 3.4e38",
        )


class MysqlNumericCasts(NumericCasts):
    clips_unless_strict: ClassVar[bool] = True
    default_decimal_args: ClassVar[tuple[int, int] | None] = (10, 0)  # MySQL's DECIMAL is DECIMAL(10,0)
    double_native: ClassVar[str] = "Double"
    float32_native: ClassVar[str] = "Float"

    def round_to_scale(self, v: str, scale: int) -> str:
        return f"CAST({v} AS DECIMAL(65, {scale}))"

    def decimal_to_double(self, old: tuple[int, int] | None) -> Narrowing | None:
        """A changed value is one whose ``CAST(... AS DECIMAL)`` of the double (the same 17 digits
        at most) differs from it; a DECIMAL has 65 digits at most, so every value fits a double."""
        if old is not None and old[0] <= 15:
            return None
        return Narrowing(
            "values with more than 15 significant digits",
            lambda v: f"CAST(CAST({v} AS DOUBLE) AS DECIMAL(65, 30)) <> {v}",
            lambda v: f"CAST({v} AS DOUBLE)",
            None,
            "-1.8e308 to 1.8e308",
        )

    def to_float32(self) -> Narrowing:
        return Narrowing(
            "values with more than 6 significant digits",
            lambda v: f"CAST(CAST({v} AS FLOAT) AS DOUBLE) <> {v} AND ROUND({v}, 5 - FLOOR(LOG10(ABS({v})))) <> {v}",
            lambda v: f"CAST({v} AS FLOAT)",
            lambda v: f"ABS({v}) > {_FLT_MAX}",
            "-3.4e38 to 3.4e38",
            bounds=(f"-{_FLT_MAX}", _FLT_MAX),
        )
