"""examples/: every file parses, and the schemashift commands each one runs are taken from the file
and run, in order, against a real PostgreSQL database (URLs, secrets and container paths
substituted; docker, kubectl and GitHub are not needed).

The example project (examples/project, the guide's AI SaaS schema in seven migrations) is copied
into a git repository for each test.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import dbutil
import pytest

yaml = pytest.importorskip("yaml")

pytestmark = pytest.mark.postgres

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
PROJECT = EXAMPLES / "project"
MIGRATIONS = sorted(p.name for p in (PROJECT / "prisma/migrations").iterdir() if p.is_dir())


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", *args],
        cwd=root, capture_output=True, text=True, check=True,
    ).stdout


@dataclass
class Ran:
    command: str
    code: int
    out: str


class Shell:
    """Runs commands as the examples' environments would: bash (or sh), ``schemashift`` on PATH
    (this checkout's, through a shim), in ``cwd`` with ``env``."""

    def __init__(self, cwd: Path, bin_dir: Path, env: dict[str, str]) -> None:
        self.cwd, self.env = cwd, env
        self.base = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("SCHEMASHIFT_", "GITHUB_", "DATABASE_URL"))},
            "PATH": f"{bin_dir}:{os.environ['PATH']}",
            "PYTHONPATH": str(REPO / "src"),
            "SCHEMASHIFT_NON_INTERACTIVE": "1",
        }
        self.log: list[Ran] = []

    def run(self, argv: list[str], cwd: Path | None = None, extra: dict[str, str] | None = None) -> Ran:
        proc = subprocess.run(argv, cwd=cwd or self.cwd, env={**self.base, **self.env, **(extra or {})},
                              capture_output=True, text=True, timeout=300)
        ran = Ran(" ".join(argv), proc.returncode, proc.stdout + proc.stderr)
        self.log.append(ran)
        return ran

    def script(self, text: str, cwd: Path | None = None, extra: dict[str, str] | None = None, shell: str = "bash") -> Ran:
        # GitHub runs `run:` with `bash -e {0}`; Kubernetes' `sh -c`
        argv = [shell, "-e", "-c", text] if shell == "bash" else [shell, "-c", text]
        return self.run(argv, cwd, extra)


@pytest.fixture
def shim(tmp_path: Path) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    exe = bin_dir / "schemashift"
    exe.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m schemashift "$@"\n')
    exe.chmod(0o755)
    return bin_dir


class Databases:
    """Fresh PostgreSQL databases, dropped after the test."""

    def __init__(self, admin: str) -> None:
        self.admin, self.names = admin, []  # type: list[str]

    def new(self) -> str:
        name = dbutil.unique_db_name()
        url = dbutil.postgres_create(self.admin, name)
        self.names.append(name)
        return url


@pytest.fixture(scope="module")
def _drops() -> Iterator[ThreadPoolExecutor]:
    """Databases are dropped in the background (DROP DATABASE waits for a checkpoint on a busy
    server), all of them before the module ends."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        yield pool


@pytest.fixture
def pg(_drops: ThreadPoolExecutor) -> Iterator[Databases]:
    dbs = Databases(dbutil.admin_url_or_skip("postgresql"))
    yield dbs
    for name in dbs.names:
        _drops.submit(dbutil.postgres_drop, dbs.admin, name)


def make_repo(tmp_path: Path, upto: int | None = None) -> Path:
    """The example project in a git repository: ``main`` (= ``origin/main``) holds the first
    ``upto`` migrations, the checked-out branch all of them."""
    root = tmp_path / "repo"
    shutil.copytree(PROJECT, root)
    (root / ".gitignore").write_text(".schemashift/\nbackups/\n")
    git(root, "init", "-q", "-b", "main")
    if upto is not None:
        for name in MIGRATIONS[upto:]:
            shutil.move(root / "prisma/migrations" / name, tmp_path / name)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    git(root, "update-ref", "refs/remotes/origin/main", "HEAD")
    if upto is not None:
        git(root, "checkout", "-qb", "feature")
        for name in MIGRATIONS[upto:]:
            shutil.move(tmp_path / name, root / "prisma/migrations" / name)
        git(root, "add", "-A")
        git(root, "commit", "-qm", "feature")
    return root


# ----------------------------------------------------------------------------- GitHub Actions

_EXPR = re.compile(r"\$\{\{\s*([^}]+?)\s*\}\}")


def substitute(value: str, expressions: dict[str, str]) -> str:
    """GitHub's ``${{ expr }}``: every expression the examples use must be given (KeyError otherwise)."""
    return _EXPR.sub(lambda m: expressions[m.group(1)], value)


def commands(script: str) -> list[str]:
    """The commands of a ``run:`` script: continuation lines joined, comments and blanks left out."""
    out, pending = [], ""
    for raw in script.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        out.append(pending + line)
        pending = ""
    return out


SETUP = re.compile(r"^(pip install |sudo apt-get )")


def run_job(job: dict, shell: Shell, expressions: dict[str, str], overrides: dict[str, str]) -> list[Ran]:
    """Run a job's steps in order: schemashift commands run; setup steps (actions, pip, apt) are
    the runner's business and must be nothing else."""
    env = {k: substitute(str(v), expressions) for k, v in (job.get("env") or {}).items()}
    env.update(overrides)
    ran = []
    for step in job["steps"]:
        if "uses" in step:
            assert step["uses"].split("@")[0] in ("actions/checkout", "actions/setup-python", "actions/upload-artifact")
            continue
        script = substitute(step["run"], expressions)
        lines = commands(script)
        if all(SETUP.match(c) for c in lines):
            continue
        assert all(c.startswith("schemashift ") for c in lines), lines
        r = shell.script(script, extra=env)
        ran.append(r)
        assert r.code == 0, f"{step.get('name')}: {r.command}\n{r.out}"
    return ran


def load_workflow() -> dict:
    doc = yaml.safe_load((EXAMPLES / "github/workflows/migrations.yml").read_text())
    return doc


def test_workflow_parses_and_has_the_guides_jobs() -> None:
    doc = load_workflow()
    triggers = doc.get("on", doc.get(True))  # YAML 1.1 reads a bare `on` as true
    assert set(triggers) == {"pull_request", "push"}
    assert set(doc["jobs"]) == {"lint", "deploy"}
    lint = doc["jobs"]["lint"]
    checkout = next(s for s in lint["steps"] if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0  # --since needs the base branch
    deploy_runs = [s["run"] for s in doc["jobs"]["deploy"]["steps"] if "run" in s]
    backup = next(i for i, r in enumerate(deploy_runs) if "backup create" in r)
    deploy = next(i for i, r in enumerate(deploy_runs) if "migrate deploy" in r)
    assert backup < deploy  # a backup first


def test_workflow_pull_request_job_runs(tmp_path: Path, shim: Path, pg: Databases) -> None:
    root = make_repo(tmp_path, upto=len(MIGRATIONS) - 1)
    service = pg.new()  # the job's postgres service
    shell = Shell(root, shim, {})
    job = load_workflow()["jobs"]["lint"]
    ran = run_job(job, shell, {"github.base_ref": "main"}, {"DATABASE_URL": service})
    assert [r.command.split(" -c ", 1)[1].split()[1] for r in ran] == ["validate", "migrate", "migrate", "check"]
    lint = ran[1].out
    assert "1 migration file(s) checked: 0 error(s), 0 warning(s)." not in lint  # github format: no summary line
    assert "::error" not in lint and "::warning" not in lint
    check = ran[3].out
    assert "PASS  lint: 1 migration(s) changed since origin/main linted: 0 error(s), 0 warning(s)." in check
    assert "PASS  schema-in-sync" in check and "PASS  drift" in check and "PASS  migrations-committed" in check
    # the lint step does annotate: a dangerous migration in the pull request fails it
    d = root / "prisma/migrations/20990101000000_drop_messages"
    d.mkdir()
    (d / "migration.sql").write_text('DROP TABLE "Message";\n')
    r = shell.script('schemashift migrate lint --since "$BASE_REF" --format github', extra={"BASE_REF": "origin/main", "DATABASE_URL": service})
    assert r.code == 1
    assert "::error file=prisma/migrations/20990101000000_drop_messages/migration.sql,line=1,col=1," in r.out


def test_workflow_deploy_job_runs(tmp_path: Path, shim: Path, pg: Databases) -> None:
    root = make_repo(tmp_path)
    production, shadow = pg.new(), pg.new()
    shell = Shell(root, shim, {})
    job = load_workflow()["jobs"]["deploy"]
    ran = run_job(job, shell, {"secrets.DATABASE_URL": production, "secrets.SHADOW_DATABASE_URL": shadow,
                               "github.sha": "abc123"}, {})
    assert len(ran) == 3
    assert "Backup written: backups/" in ran[0].out
    assert f"PASS  pending-migrations: {len(MIGRATIONS)} migration(s) pending" in ran[1].out
    assert "PASS  backup: backups/" in ran[1].out
    assert "All migrations have been successfully applied." in ran[2].out
    assert "Database schema is up to date!" in ran[2].out
    manifest = json.loads((root / "backups/manifest.json").read_text())
    assert [b["label"] for b in manifest["backups"]] == ["before_deploy"]


# ----------------------------------------------------------------------------- composite action


def test_composite_action_runs_each_command(tmp_path: Path, shim: Path, pg: Databases) -> None:
    action = yaml.safe_load((EXAMPLES / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    inputs = {k: v.get("default", "") for k, v in action["inputs"].items()}
    steps = action["runs"]["steps"]
    run_step = steps[-1]
    assert all(SETUP.match(c) for s in steps[:-1] if "run" in s for c in commands(s["run"]))
    root = make_repo(tmp_path)
    shell = Shell(root, shim, {"DATABASE_URL": pg.new()})
    for given in ({}, {"command": "migrate deploy", "args": "--wait 5"}):  # the default (check), a deploy
        values = {**inputs, **given}
        expressions = {f"inputs.{k}": v for k, v in values.items()}
        env = {k: substitute(str(v), expressions) for k, v in run_step["env"].items()}
        cwd = root / substitute(run_step["working-directory"], expressions)
        r = shell.script(substitute(run_step["run"], expressions), cwd=cwd, extra=env)
        assert r.code == 0, r.out
    assert f"PASS  pending-migrations: {len(MIGRATIONS)} migration(s) pending" in shell.log[0].out
    assert "All migrations have been successfully applied." in shell.log[1].out


# ----------------------------------------------------------------------------- pre-commit


def test_pre_commit_hooks(tmp_path: Path, shim: Path, pg: Databases) -> None:
    hooks = yaml.safe_load((EXAMPLES / ".pre-commit-hooks.yaml").read_text())
    assert [h["id"] for h in hooks] == ["schemashift-validate", "schemashift-format", "schemashift-lint"]
    root = make_repo(tmp_path)
    shell = Shell(root, shim, {"DATABASE_URL": pg.new()})
    files = [p.relative_to(root).as_posix() for p in sorted(root.rglob("*")) if p.is_file() and ".git" not in p.parts]

    def run(hook: dict) -> Ran:
        selected = [f for f in files if re.search(hook["files"], f)]
        assert selected, hook["id"]
        argv = shlex.split(hook["entry"]) + (selected if hook.get("pass_filenames", True) else [])
        return shell.run(argv)

    for hook in hooks:
        assert hook["language"] == "python"
        r = run(hook)
        assert r.code == 0, f"{hook['id']}: {r.out}"
    assert f"{len(MIGRATIONS)} migration file(s) checked: 0 error(s), 0 warning(s)." in shell.log[-1].out
    # each hook blocks what it is for
    schema = root / "prisma/schema.prisma"
    schema.write_text(schema.read_text().replace("  email       String", "  email String"))
    assert run(hooks[1]).code == 1 and "schemashift format" in shell.log[-1].out
    d = root / "prisma/migrations/20990101000000_drop"
    d.mkdir()
    (d / "migration.sql").write_text('ALTER TABLE "User" DROP COLUMN "phoneNumber";\n')
    files.append("prisma/migrations/20990101000000_drop/migration.sql")
    r = run(hooks[2])
    assert r.code == 1 and "ban-drop-column" in r.out
    schema.write_text(schema.read_text().replace("DateTime", "DateTim", 1))
    assert run(hooks[0]).code == 1


# ----------------------------------------------------------------------------- Dockerfile


def dockerfile() -> list[tuple[str, str]]:
    """(instruction, argument) pairs, continuation lines joined."""
    out, pending = [], ""
    for raw in (EXAMPLES / "docker/Dockerfile").read_text().splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        full = pending + line
        pending = ""
        word, _, rest = full.partition(" ")
        out.append((word.upper(), rest.strip()))
    return out


def test_dockerfile_installs_the_dump_tools_and_its_commands_run(tmp_path: Path, shim: Path, pg: Databases) -> None:
    instructions = dockerfile()
    assert instructions[0][0] == "FROM"
    runs = [arg for kind, arg in instructions if kind == "RUN"]
    installed = " ".join(r for r in runs if "apt-get install" in r).split()
    assert "postgresql-client" in installed and "mariadb-client" in installed  # pg_dump, mariadb-dump
    env = dict(arg.split("=", 1) for kind, arg in instructions if kind == "ENV")
    entrypoint = json.loads(next(arg for kind, arg in instructions if kind == "ENTRYPOINT"))
    cmd = json.loads(next(arg for kind, arg in instructions if kind == "CMD"))
    # the image's WORKDIR with prisma/ and pyproject.toml copied in: first an image of the
    # release before (main), then one with a new migration (feature)
    root = make_repo(tmp_path, upto=len(MIGRATIONS) - 1)
    git(root, "checkout", "-q", "main")
    backups = tmp_path / "volume-backups"
    backups.mkdir()
    container_paths = {"/backups": str(backups)}
    shell = Shell(root, shim, {k: container_paths.get(v, v) for k, v in env.items()})
    # the build's schemashift commands
    for r in runs:
        if "schemashift" in r and "pip install" not in r:
            ran = shell.script(r, shell="sh")
            assert ran.code == 0, ran.out
    # `docker run -e DATABASE_URL=... image`: the default command
    url = pg.new()
    argv = [container_paths.get(a, a) for a in entrypoint + cmd]
    r = shell.run(argv, extra={"DATABASE_URL": url})
    assert r.code == 0, r.out
    assert "All migrations have been successfully applied." in r.out
    assert not (backups / "manifest.json").exists()  # a new, empty database: nothing to back up
    git(root, "checkout", "-q", "feature")
    r = shell.run(argv, extra={"DATABASE_URL": url})
    assert r.code == 0, r.out
    assert f"Backup written: {backups}/" in r.out and MIGRATIONS[-1] in r.out
    (entry,) = json.loads((backups / "manifest.json").read_text())["backups"]  # backed up first
    assert entry["label"] == "before_deploy" and entry["migration"] == MIGRATIONS[-2]
    # run again: nothing pending, no second backup
    r = shell.run(argv, extra={"DATABASE_URL": url})
    assert r.code == 0 and "No pending migrations to apply." in r.out
    assert len(json.loads((backups / "manifest.json").read_text())["backups"]) == 1


# ----------------------------------------------------------------------------- Kubernetes

_K8S_VAR = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")


def containers(doc: dict) -> list[dict]:
    """The containers of a Deployment, Job or CronJob, init containers first."""
    spec = doc["spec"]
    if doc["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    pod = spec["template"]["spec"]
    return list(pod.get("initContainers", [])) + list(pod["containers"])


def container_argv(c: dict, values: dict[str, str], paths: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    """Kubernetes' command + args with ``$(VAR)`` expanded from the container's env; secrets and
    container paths substituted."""
    env = {}
    for e in c.get("env", []):
        if "valueFrom" in e:
            ref = e["valueFrom"]["secretKeyRef"]
            env[e["name"]] = values[f"{ref['name']}/{ref['key']}"]
        else:
            env[e["name"]] = paths.get(e["value"], e["value"])
    argv = [_K8S_VAR.sub(lambda m: env.get(m.group(1), m.group(0)), a) for a in c.get("command", []) + c.get("args", [])]
    return argv, env


def test_kubernetes_manifests_run_in_order(tmp_path: Path, shim: Path, pg: Databases) -> None:
    init = list(yaml.safe_load_all((EXAMPLES / "kubernetes/init-container.yaml").read_text()))
    jobs = list(yaml.safe_load_all((EXAMPLES / "kubernetes/migration-job.yaml").read_text()))
    assert [d["kind"] for d in init] == ["Deployment"] and [d["kind"] for d in jobs] == ["Job", "CronJob"]
    root = make_repo(tmp_path)  # the migration image's WORKDIR
    backups = tmp_path / "pvc"
    backups.mkdir()
    url = pg.new()
    values, paths = {"ai-saas-db/url": url}, {"/backups": str(backups)}
    shell = Shell(root, shim, {})

    # the Job (before the rollout): backup, checklist, deploy, status
    (job,) = containers(jobs[0])
    argv, env = container_argv(job, values, paths)
    assert argv[:2] == ["/bin/sh", "-c"]
    r = shell.script(argv[2], extra=env, shell="sh")
    assert r.code == 0, r.out
    assert "PASS  backup" in r.out and "All migrations have been successfully applied." in r.out
    # the Deployment's init container, three pods starting at once on a new database: one
    # deploys, the others wait for the migration lock and find nothing pending
    migrate = containers(init[0])[0]
    argv, env = container_argv(migrate, {"ai-saas-db/url": pg.new()}, paths)
    assert argv[0] == "schemashift"
    procs = [subprocess.Popen(argv, cwd=root, env={**shell.base, **env}, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True) for _ in range(3)]
    outs = [p.communicate(timeout=300)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], outs
    assert sorted("All migrations have been successfully applied." in o for o in outs) == [False, False, True], outs
    assert sum("No pending migrations to apply." in o for o in outs) == 2
    # the daily backup CronJob: a backup, then the retention policy
    (cron,) = containers(jobs[1])
    argv, env = container_argv(cron, values, paths)
    r = shell.script(argv[2], extra=env, shell="sh")
    assert r.code == 0, r.out
    assert "Backup written:" in r.out and "2 kept, 0 deleted." in r.out
