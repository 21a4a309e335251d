"""Two writers at once: the second must wait for the first to commit, then succeed."""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy import Engine
from sqlalchemy.orm import Session

Switch = Callable[[Session], object]


def second_waits_for_first(engine: Engine, first: Switch, second: Switch) -> None:
    """Run ``first`` in a transaction left open, then ``second`` in another thread: it must
    still be waiting a second later, and finish without error once ``first`` commits."""
    holder = Session(engine)
    first(holder)  # holds the lock until it commits
    failures: list[BaseException] = []

    def run_second() -> None:
        try:
            with Session(engine) as other:
                second(other)
                other.commit()
        except BaseException as error:  # reported by the calling thread
            failures.append(error)

    thread = threading.Thread(target=run_second)
    thread.start()
    thread.join(timeout=1)
    assert thread.is_alive(), failures  # waiting for the first to commit
    holder.commit()
    holder.close()
    thread.join(timeout=60)
    assert failures == []
