"""Keep BLAS (OpenBLAS under numpy) to one thread while storytrace computes.

storytrace's matrix work is many small products (a sentence batch through USE, a 40 x 40
similarity matrix), where OpenBLAS's threads cost more than they give: on this 2-core
machine, with one other busy process, the seed pair's diff took 143 ms with the lexical
encoder and two BLAS threads against 25 ms with one, and USE took 630 ms against 69 ms
for the seed's 20 sentences, because idle BLAS threads spin waiting for a core. Idle,
two threads gained under 1.5x. Parallel work belongs to processes, not to BLAS threads.

The limit is taken around storytrace's own calls (``one_blas_thread``) and restored
after, so a program that imports storytrace keeps its own BLAS setting elsewhere.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import Any


@functools.cache
def _controller() -> Any:
    """Built once: building scans the loaded libraries; entering a limit costs ~0.02 ms."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - a declared dependency; degrade to speed only
        return None
    return ThreadpoolController()


@contextlib.contextmanager
def blas_threads(limit: int | None = 1) -> Iterator[None]:
    """BLAS limited to ``limit`` threads inside the block (None: leave it alone)."""
    controller = _controller() if limit else None
    if controller is None:
        yield
        return
    with controller.limit(limits=limit, user_api="blas"):
        yield


def one_blas_thread() -> contextlib.AbstractContextManager[None]:
    """BLAS limited to one thread inside the block."""
    return blas_threads(1)
