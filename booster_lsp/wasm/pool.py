"""A few instances per module, so calls run concurrently; broken instances are discarded.

As in dprint's host (plugin.rs ``with_instance``): after a trap the instance is dropped and
the call is retried once on a fresh instance; if that fails too, the error names the module.
Deadline and memory-cap failures are not retried: the input itself is what exhausted them.
"""

from __future__ import annotations

import threading
from typing import Callable, Generic, Protocol, TypeVar

from booster_lsp.errors import TransformationError


class Breakable(Protocol):
    @property
    def broken(self) -> bool: ...


T = TypeVar("T", bound=Breakable)
R = TypeVar("R")

_NOT_RETRIED = ("exceeded its deadline", "exceeded its memory limit")


class InstancePool(Generic[T]):
    def __init__(self, name: str, factory: Callable[[], T], size: int) -> None:
        self.name = name
        self._factory = factory
        self._size = max(1, size)
        self._idle: list[T] = []
        self._created = 0
        self._condition = threading.Condition()
        self.discarded = 0

    def _acquire(self) -> T:
        with self._condition:
            while not self._idle and self._created >= self._size:
                self._condition.wait()
            if self._idle:
                return self._idle.pop()
            self._created += 1
        try:
            return self._factory()
        except BaseException:
            with self._condition:
                self._created -= 1
                self._condition.notify()
            raise

    def _release(self, instance: T) -> None:
        with self._condition:
            if instance.broken:
                self._created -= 1
                self.discarded += 1
            else:
                self._idle.append(instance)
            self._condition.notify()

    def run(self, work: Callable[[T], R]) -> R:
        first_error: TransformationError | None = None
        for _attempt in range(2):
            instance = self._acquire()
            try:
                return work(instance)
            except TransformationError as error:
                retry = (instance.broken and first_error is None and error.kind != "input"  # input: the same again
                         and not any(m in error.message for m in _NOT_RETRIED))
                if retry:
                    first_error = error
                    continue
                if first_error is not None and instance.broken:
                    then = "" if error.message == first_error.message else f"; then: {error.message}"
                    raise TransformationError(
                        f"module {self.name} failed twice: {first_error.message}{then}", kind=error.kind,
                        module=self.name, limit=error.limit,
                    ) from error
                raise
            finally:
                self._release(instance)
        raise AssertionError("unreachable")  # pragma: no cover

    def warm(self) -> None:
        """Create one instance ahead of the first request."""
        self._release(self._acquire())

    def clear(self) -> None:
        with self._condition:
            self._created -= len(self._idle)
            self._idle.clear()
