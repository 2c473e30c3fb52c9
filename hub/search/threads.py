"""Thread pools that survive a fork: a worker forked from a parent that has used them
(gunicorn with --preload) inherits the pools but not their threads, and would wait on them for
ever. Each pool here starts afresh in the child."""

import os
from concurrent.futures import Future, ThreadPoolExecutor


class Threads:
    """``submit`` as a ``ThreadPoolExecutor``'s, with new threads after a fork."""

    def __init__(self, workers: int, name: str) -> None:
        self._workers, self._name = workers, name
        self._start()
        os.register_at_fork(after_in_child=self._start)

    def _start(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix=self._name)

    def submit(self, function, /, *args, **kwargs) -> Future:
        return self._pool.submit(function, *args, **kwargs)
