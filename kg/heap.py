"""Big, long-lived structures without collector pauses.

A built corpus's state and its projection are millions of small objects that live for the
whole build. Python's cyclic garbage collector rescans every one of them at each full
collection, which cost a rebuild more time than the work itself (the page's data: 0.73 s,
0.29 s without). While such a structure is made the collector is off; once made, it is
frozen out of later collections (``gc.freeze``). ``released`` hands everything frozen back
to the collector when the build is over, so a notebook that builds many times does not keep
the dead ones."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def long_lived() -> Iterator[None]:
    """Make a long-lived structure inside this block: no collections while it grows, and
    none that rescan it afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.freeze()


@contextmanager
def released() -> Iterator[None]:
    """Around a whole build: what it froze is collectable again once it ends."""
    try:
        yield
    finally:
        gc.unfreeze()
