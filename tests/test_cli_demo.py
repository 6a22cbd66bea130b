"""scripts/demo.sh, the guide's local workflow end to end (slow: several processes per step)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parents[1] / "scripts" / "demo.sh"


@pytest.mark.slow
def test_demo_runs_the_whole_workflow_on_sqlite(tmp_path: Path) -> None:
    env = {**os.environ, "DEMO_DIR": str(tmp_path / "demo"), "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    env.pop("DATABASE_URL", None)
    proc = subprocess.run(["bash", str(DEMO)], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    migrations = sorted(p.name for p in (tmp_path / "demo/prisma/migrations").iterdir() if p.is_dir())
    assert [m.split("_", 1)[1] for m in migrations] == ["init", "add_user_first_name"]
    assert "firstName" in (tmp_path / "demo/prisma/migrations" / migrations[1] / "migration.sql").read_text()
    assert "Database schema is up to date!" in proc.stdout
    assert 'Type "DateTim" is neither a built-in type' in proc.stdout + proc.stderr
