"""The distribution: the wheel's metadata and contents, the core installed without any driver
(SQLite works, a server database names the extra to install), missing optional modules, the
version, ``python -m schemashift``, colours and output encodings.

The wheel is built offline from a copy of the sources (``pip wheel --no-build-isolation``, the
``setuptools>=77`` of the test extra) and installed with ``pip --python`` into a fresh venv
without pip; click and python-dotenv, the core's only dependencies, come from this environment
through a ``.pth`` file that names nothing else, so psycopg, PyMySQL, pglast and cryptography are
really absent there.
"""

from __future__ import annotations

import email
import importlib.util
import os
import shutil
import subprocess
import sys
import zipfile
from email.message import Message
from pathlib import Path

import pytest

import schemashift

REPO = Path(__file__).resolve().parents[1]
OPTIONAL = ("psycopg", "pymysql", "pglast", "cryptography")


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def _build_wheel(work: Path) -> Path:
    source = work / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(REPO / name, source / name)
    shutil.copytree(REPO / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    done = _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
         "-w", str(work / "dist"), str(source)],
        work,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    (built,) = (work / "dist").glob("schemashift-*.whl")
    return built


def _metadata(wheel: Path) -> Message:
    with zipfile.ZipFile(wheel) as z:
        name = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        return email.message_from_bytes(z.read(name))


def _check_metadata(wheel: Path) -> None:
    meta = _metadata(wheel)
    assert meta["Name"] == "schemashift"
    assert meta["Version"] == schemashift.__version__  # one source: schemashift.__version__
    assert meta["License-Expression"] == "Apache-2.0"
    assert meta.get_all("License-File") == ["LICENSE"]
    assert "Programming Language :: Python :: 3.11" in (meta.get_all("Classifier") or [])
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL") or [])
    assert {"Homepage", "Documentation", "Source", "Issues"} <= set(urls)
    assert all(u.startswith("https://") for u in urls.values())
    requires = meta.get_all("Requires-Dist") or []
    core = sorted(r.split(">")[0] for r in requires if "extra ==" not in r)
    assert core == ["click", "python-dotenv"]

    def extra(name: str) -> list[str]:
        return sorted(r.split(";")[0].split(">")[0] for r in requires if f'extra == "{name}"' in r)

    assert extra("postgres") == ["greenlet", "pglast", "psycopg[binary]"]
    assert extra("mysql") == ["PyMySQL[rsa]", "asyncmy", "greenlet"]
    assert extra("lint") == ["pglast"]
    assert extra("tls") == ["cryptography"]
    assert extra("all") == ["schemashift[lint,mysql,postgres,prisma-client-py,tls]"]
    assert {"postgres", "mysql", "lint", "tls", "all"} <= set(meta.get_all("Provides-Extra") or [])
    # the README is the long description, with links that work on PyPI (absolute)
    body = meta.get_payload()
    assert isinstance(body, str)
    assert "pip install schemashift" in body and "pipx install" in body and "uv tool install" in body
    assert "](docs/" not in body and "](./" not in body and "](bench/" not in body


def _check_contents(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        license_text = z.read(next(n for n in names if n.endswith(".dist-info/licenses/LICENSE"))).decode()
    assert "Apache License" in license_text and "Version 2.0, January 2004" in license_text
    assert "END OF TERMS AND CONDITIONS" in license_text  # the full text, not a stub
    tops = {n.split("/")[0] for n in names}
    assert tops == {"schemashift", f"schemashift-{schemashift.__version__}.dist-info"}
    modules = [n for n in names if n.endswith(".py")]
    assert "schemashift/__main__.py" in modules and "schemashift/py.typed" in names
    # nothing only the tests use: no conftest, no test modules, no corpus reader
    assert not [n for n in modules if "/test" in n or "conftest" in n or n.endswith("/corpus.py")]


def _core_venv(wheel: Path, root: Path) -> Path:
    """A venv with the wheel and only the core's dependencies."""
    venv = root / "venv"
    done = _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], root)
    assert done.returncode == 0, done.stderr
    python = venv / "bin" / "python"
    done = _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "-q", str(wheel)],
                root, timeout=300)
    assert done.returncode == 0, done.stderr
    # click and python-dotenv from this environment, nothing else of it
    deps = root / "deps"
    deps.mkdir()
    for module in ("click", "dotenv"):
        spec = importlib.util.find_spec(module)
        assert spec is not None and spec.origin is not None
        os.symlink(Path(spec.origin).parent, deps / module)
    site = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], root).stdout.strip()
    Path(site, "core-deps.pth").write_text(str(deps) + "\n")
    return venv


def _core_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DATABASE_URL")}
    env["NO_COLOR"] = "1"
    return env


HINTS = {
    "postgresql://u@127.0.0.1:5432/db": "The PostgreSQL driver (psycopg) is not installed. Install it with: pip install 'schemashift[postgres]'",
    "mysql://u@127.0.0.1:3306/db": "The MySQL/MariaDB driver (PyMySQL) is not installed. Install it with: pip install 'schemashift[mysql]'",
}


@pytest.mark.skipif(os.name == "nt", reason="the venv layout below is POSIX's")
def test_wheel_and_core_install(tmp_path: Path) -> None:
    """One test (one build, one venv): the wheel's metadata and contents, then the core installed
    alone: no driver, SQLite's first run works (the client's runtime without the linter), and a
    server database names the extra to install."""
    wheel = _build_wheel(tmp_path)
    _check_metadata(wheel)
    _check_contents(wheel)

    venv = _core_venv(wheel, tmp_path)
    python, script = str(venv / "bin" / "python"), str(venv / "bin" / "schemashift")
    project = tmp_path / "project"
    project.mkdir()
    env = _core_env()
    probe = _run([python, "-c", "import importlib.util as u, schemashift; print(schemashift.__file__); "
                  f"print([m for m in {OPTIONAL!r} if u.find_spec(m)])"], project, env)
    assert probe.returncode == 0, probe.stderr
    assert str(venv) in probe.stdout.splitlines()[0]  # the installed wheel, not the sources
    assert probe.stdout.splitlines()[1] == "[]"
    version = _run([script, "--version"], project, env)
    assert version.stdout == f"schemashift {schemashift.__version__}\n"
    assert _run([python, "-m", "schemashift", "--version"], project, env).stdout == version.stdout

    for args in (["init", "--datasource-provider", "sqlite"], ["migrate", "dev", "--name", "init"]):
        done = _run([script, *args], project, env)
        assert done.returncode == 0, done.stdout + done.stderr
    for _ in range(2):  # the seed runs with the tool's own interpreter, twice
        done = _run([script, "db", "seed"], project, env)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Seeded 2 users (2 in the database)." in done.stdout
    # the generated client's runtime imports neither a driver it does not use nor the linter
    code = ("import sys; sys.path.insert(0, 'prisma')\n"
            "from prisma_client import Client\n"
            "c = Client(); print(c.user.count()); c.close()\n"
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {OPTIONAL!r} or m.startswith('schemashift.safety')))")
    done = _run([python, "-c", code], project, env)
    assert done.stdout == "2\n[]\n", done.stderr

    for url, hint in HINTS.items():
        provider = url.split(":")[0]
        (project / "other.prisma").write_text(
            f'datasource db {{\n  provider = "{provider}"\n  url      = "{url}"\n}}\n\nmodel A {{\n  id Int @id\n}}\n'
        )
        done = _run([script, "migrate", "status", "--schema", "other.prisma"], project, env)
        assert done.returncode == 3
        assert done.stderr.splitlines()[-1] == f"Error: {hint}"
        assert "Traceback" not in done.stderr


# ---------------------------------------------------------------- blocked imports (this environment)

PG_SCHEMA = 'datasource db {\n  provider = "postgresql"\n  url      = "URL"\n}\n\nmodel A {\n  id Int @id\n}\n'


def _blocked(module: str, args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """The CLI with ``import module`` failing as if it were not installed."""
    code = (f"import sys; sys.modules[{module!r}] = None\n"
            "from schemashift.cli import run\n"
            f"sys.exit(run({args!r}))")
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "NO_COLOR": "1"}
    return _run([sys.executable, "-c", code], cwd, env)


def test_missing_cryptography_names_tls(tmp_path: Path) -> None:
    (tmp_path / "id.p12").write_bytes(b"not pem")
    (tmp_path / "schema.prisma").write_text(PG_SCHEMA.replace("URL", "postgresql://u@127.0.0.1:1/db?sslidentity=id.p12"))
    done = _blocked("cryptography", ["migrate", "status"], tmp_path)
    assert done.returncode == 3
    assert done.stderr.splitlines()[-1] == (
        "Error: The `cryptography` package (PKCS#12 client identities, `sslidentity`) is not installed. "
        "Install it with: pip install 'schemashift[tls]'"
    )


@pytest.mark.postgres
def test_missing_pglast_names_postgres(tmp_path: Path, postgres_url: str) -> None:
    (tmp_path / "schema.prisma").write_text(PG_SCHEMA.replace("URL", postgres_url))
    done = _blocked("pglast", ["db", "push"], tmp_path)
    assert done.returncode == 3, done.stderr
    assert done.stderr.splitlines()[-1] == (
        "Error: PostgreSQL's SQL parser (pglast) is not installed. Install it with: pip install 'schemashift[postgres]'"
    )


def test_missing_pglast_names_lint(tmp_path: Path) -> None:
    code = ("import sys; sys.modules['pglast'] = None\n"
            "from schemashift.errors import SchemashiftError\n"
            "try:\n    import schemashift.safety.lint.postgres\n"
            "except SchemashiftError as e:\n    print(e.exit_code, e.message)\n")
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    out = _run([sys.executable, "-c", code], tmp_path, env).stdout
    assert out == "3 PostgreSQL's SQL parser (pglast) is not installed. Install it with: pip install 'schemashift[lint]'\n"


# ---------------------------------------------------------------- colour and encoding

VALID = 'datasource db {\n  provider = "sqlite"\n  url      = "file:./dev.db"\n}\n'


def _cli(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "PYTHONIOENCODING")}
    base["PYTHONPATH"] = str(REPO / "src")
    return subprocess.run([sys.executable, "-m", "schemashift", *args], cwd=cwd, env={**base, **env},
                          capture_output=True, timeout=60)  # bytes: the encoding is what is tested


@pytest.mark.parametrize(
    ("env", "colored"),
    [
        ({}, False),  # not a terminal
        ({"FORCE_COLOR": "1"}, True),
        ({"FORCE_COLOR": "0"}, True),  # force-color.org: any non-empty value
        ({"FORCE_COLOR": ""}, False),  # empty: not set
        ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),  # NO_COLOR wins
        ({"FORCE_COLOR": "1", "NO_COLOR": ""}, True),  # no-color.org: empty NO_COLOR is not set
    ],
)
def test_color_environment(tmp_path: Path, env: dict[str, str], colored: bool) -> None:
    (tmp_path / "schema.prisma").write_text(VALID + "model A {\n  id Int @id\n  b  Strin\n}\n")
    done = _cli(["validate"], tmp_path, **env)
    assert done.returncode == 1
    assert (b"\x1b[" in done.stderr) is colored


@pytest.mark.parametrize("encoding", ["ascii", "latin-1", "cp1252"])
def test_output_encoding_without_emoji(tmp_path: Path, encoding: str) -> None:
    (tmp_path / "schema.prisma").write_text(VALID)
    done = _cli(["validate"], tmp_path, PYTHONIOENCODING=encoding)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(b"The schema at schema.prisma is valid ")


def test_c_locale(tmp_path: Path) -> None:
    (tmp_path / "schema.prisma").write_text(VALID)
    done = _cli(["validate"], tmp_path, LANG="C", LC_ALL="C")
    assert done.returncode == 0, done.stderr


def test_shell_completion_script(tmp_path: Path) -> None:
    done = _cli([], tmp_path, _SCHEMASHIFT_COMPLETE="bash_source")
    assert done.returncode == 0
    assert b"_schemashift_completion" in done.stdout


@pytest.mark.postgres
def test_postgres_client_runtime_does_not_import_the_linter(tmp_path: Path, postgres_url: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "NO_COLOR": "1", "DATABASE_URL": postgres_url}
    for args in (["init", "--url", postgres_url], ["migrate", "dev", "--name", "init"]):
        done = _run([sys.executable, "-m", "schemashift", *args], tmp_path, env)
        assert done.returncode == 0, done.stdout + done.stderr
    code = ("import sys; sys.path.insert(0, 'prisma')\n"
            "from prisma_client import Client\n"
            "c = Client(); c.user.upsert(where={'email': 'a@b.c'}, create={'email': 'a@b.c'}, update={})\n"
            "print(c.user.count()); c.close()\n"
            f"print(sorted({{m.split('.')[0] for m in sys.modules if m.split('.')[0] in {OPTIONAL!r}}}))\n"
            "print([m for m in sys.modules if m.startswith('schemashift.safety')])")
    done = _run([sys.executable, "-c", code], tmp_path, env)
    assert done.stdout == "1\n['psycopg']\n[]\n", done.stderr
