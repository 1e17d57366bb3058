"""One step of the build run beside the others in a forked process.

The page and the report are made from the same projection and share nothing else; on a
large corpus each takes a good part of a second, so the report is written by a fork of the
build process (which inherits the projection for free) while the build writes the page."""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable

from kg.errors import KgError, OutputError


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and os.name == "posix"


def _child(step: Callable[[], object], send) -> None:
    started = time.perf_counter()
    try:
        step()
        send.send((True, time.perf_counter() - started))
    except KgError as e:
        send.send((False, e))
    except BaseException as e:  # noqa: BLE001 - reported to the parent, which fails cleanly
        send.send((False, OutputError(f"{type(e).__name__}: {e}".splitlines()[0])))
    finally:
        send.close()


class Forked:
    """``step`` running in a child process; ``wait`` returns its seconds or raises its error."""

    def __init__(self, step: Callable[[], object], name: str) -> None:
        ctx = multiprocessing.get_context("fork")
        self.name = name
        self._recv, send = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(target=_child, args=(step, send), daemon=True,
                                 name=f"kg-{name}")
        self._proc.start()
        send.close()

    def wait(self) -> float:
        try:
            ok, value = self._recv.recv()
        except EOFError:  # died without a word: killed, or out of memory
            self._proc.join()
            raise OutputError(f"writing the {self.name} stopped (exit code "
                              f"{self._proc.exitcode}); run the build again") from None
        finally:
            self._recv.close()
        self._proc.join()
        if not ok:
            raise value
        return value

    def stop(self) -> None:
        """Stop the child if it still runs (the build failed elsewhere)."""
        if self._proc.is_alive():
            self._proc.terminate()
        self._proc.join()
