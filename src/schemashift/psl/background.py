"""Validation of a big schema in a forked child while the parent goes on with the same schema.

Validating a schema and lowering it are independent pure functions of the parsed files (lowering
never reads the validator's tables), so on a multi-core machine ``migrate diff`` can lower, diff
and render a large schema while a child process validates it, and hold its output back until the
child's verdict arrives. A 1,000-model schema spends about 0.3 s in each half: run side by side
they take the time of one (see docs/architecture.md, "Speculative lowering").

The child is a plain ``os.fork()`` of the CLI process, taken before the schema is parsed: it
parses the files itself (no shared AST, so no copy-on-write traffic), validates them, sends its
errors and warnings back through a pipe as a pickle, and leaves with ``os._exit`` (no atexit
handlers, no flushing of inherited buffers). Whatever goes wrong in the child (no fork, a crash,
a signal, a broken pipe), :meth:`BackgroundValidation.diagnostics` validates in the parent
instead: the worst case is the sequential time, never a wrong verdict.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from typing import Sequence

from schemashift.diagnostics import Diagnostics

#: Below this much schema text (about 130 models) validating in-process is cheaper than a fork.
MIN_CHARS = 100_000


def _validate(files: Sequence[tuple[str, str]]) -> Diagnostics:
    from schemashift.psl import gc_paused, parse_files
    from schemashift.psl.validator import validate_ast

    with gc_paused():
        schema_ast, parse_diags = parse_files(files)
        diags = Diagnostics()
        diags.errors.extend(parse_diags.errors)
        diags.warnings.extend(parse_diags.warnings)
        validate_ast(schema_ast, diags)
    return diags


def worthwhile(files: Sequence[tuple[str, str]]) -> bool:
    """True when a forked validator pays for itself: a big schema, a second CPU, fork available,
    no other thread running (forking a threaded process is unsafe), and not switched off with
    ``SCHEMASHIFT_NO_FORK=1``."""
    return (
        hasattr(os, "fork")
        and os.environ.get("SCHEMASHIFT_NO_FORK") != "1"
        and sum(len(text) for _, text in files) >= MIN_CHARS
        and _usable_cpus() > 1
        and threading.active_count() == 1
    )


def _usable_cpus() -> int:
    """CPUs this process may run on (its affinity mask where the OS has one, e.g. `taskset`)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


class BackgroundValidation:
    """The verdicts on one or more schemas (each a list of files), computed one after the other by
    one forked child (or in-process as a fallback). One child for all: with two big schemas (a
    schema-to-schema diff) two children and the parent would share two CPUs unevenly."""

    def __init__(self, *file_sets: Sequence[tuple[str, str]]) -> None:
        self.file_sets = [list(files) for files in file_sets]
        self._results: list[Diagnostics] | None = None
        self._pid = 0
        self._fd = -1
        try:
            read_fd, write_fd = os.pipe()
        except OSError:
            return
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            pid = os.fork()
        except OSError:
            os.close(read_fd)
            os.close(write_fd)
            return
        if pid == 0:  # the child: never returns
            os.close(read_fd)
            _child(self.file_sets, write_fd)
        os.close(write_fd)
        self._pid, self._fd = pid, read_fd

    def diagnostics(self, index: int = 0) -> Diagnostics:
        """Block until the verdicts are in; validate here when the child could not give them."""
        if self._results is None:
            self._results = self._collect() or [_validate(files) for files in self.file_sets]
        return self._results[index]

    def cancel(self) -> None:
        """Stop the child (the caller gave up, e.g. on Ctrl-C) and reap it."""
        if self._pid:
            try:
                os.kill(self._pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._reap()
        self._close()

    def _collect(self) -> list[Diagnostics] | None:
        if not self._pid:
            return None
        chunks = []
        try:
            while True:
                chunk = os.read(self._fd, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
        except OSError:
            chunks = []
        finally:
            self._close()
        status = self._reap()
        if status != 0 or not chunks:
            return None
        try:
            verdicts = pickle.loads(b"".join(chunks))
            results = []
            for errors, warnings in verdicts:
                diags = Diagnostics()
                diags.errors.extend(errors)
                diags.warnings.extend(warnings)
                results.append(diags)
        except Exception:  # noqa: BLE001 - a truncated or foreign payload: validate here instead
            return None
        return results if len(results) == len(self.file_sets) else None

    def _reap(self) -> int | None:
        pid, self._pid = self._pid, 0
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:
            return None
        return os.waitstatus_to_exitcode(status)

    def _close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def _child(file_sets: list[list[tuple[str, str]]], write_fd: int) -> None:
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends the child quietly
        verdicts = []
        for files in file_sets:
            diags = _validate(files)
            verdicts.append((diags.errors, diags.warnings))
        data = memoryview(pickle.dumps(verdicts, protocol=pickle.HIGHEST_PROTOCOL))
        while data:
            data = data[os.write(write_fd, data) :]
        code = 0
    except BaseException:  # noqa: BLE001 - the parent validates itself when the child fails
        code = 1
    finally:
        os._exit(code)
