"""Online mode's options and the MySQL refusal message (pure: no database)."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemashift.diff import steps as st
from schemashift.errors import SchemashiftError
from schemashift.model import ForeignKey, Table
from schemashift.online.mysql import refusal
from schemashift.online.plan import OnlineOptions, online_options


def test_pyproject_keys(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.schemashift]\nonline = true\nonline_lock_timeout = "500ms"\n')
    options, url = online_options(tmp_path, None, None)
    assert options is not None and options.lock_timeout == "500ms" and url is None
    assert online_options(tmp_path, False, None) == (None, None)  # --no-online wins


def test_bad_online_value_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.schemashift]\nonline = "yes"\n')
    with pytest.raises(SchemashiftError, match=r"`\[tool.schemashift\] online` .* must be true or false"):
        online_options(tmp_path, None, None)


def test_refusal_names_lock_rows_time_and_the_tool() -> None:
    step = st.AddForeignKey(Table("Post", ()), ForeignKey("Post_userId_fkey", ("userId",), "User", ("id",)))
    text = refusal(step, "Post", OnlineOptions(row_counts={"Post": 1_500_000}))
    assert "SHARED lock" in text and "about 1500000 rows: about 30 s" in text
    assert "apt-get install percona-toolkit" in text and "without --online" in text
    assert "its size is unknown" in refusal(step, "Post", OnlineOptions())
