"""Values worked out from an object, remembered by the object itself (its identity).

A rebuild's merge hands back the very same entity and event objects for the articles that
did not change, so what the page and the report derive from each one can be worked out
while the new articles are still being extracted, and found again by identity: no hashing
of large frozen records. An object is kept alive with its value, so its id cannot be reused
by another while it is remembered; ``clear`` lets them all go."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class ByObject:
    def __init__(self) -> None:
        self._values: dict[int, tuple[object, Any]] = {}

    def get(self, obj: object, make: Callable[[Any], Any]) -> Any:
        """``make(obj)``, worked out once per object."""
        hit = self._values.get(id(obj))
        if hit is not None and hit[0] is obj:
            return hit[1]
        value = make(obj)
        self._values[id(obj)] = (obj, value)
        return value

    def clear(self) -> None:
        self._values.clear()
