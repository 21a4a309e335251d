"""Where a recorded event's time goes: cProfile over ``EventRecorder.record_batch``.

    python -m bench.profile_record_event                        # a scratch store
    python -m bench.profile_record_event --store /tmp/rec.db    # a kept one (bench_record_event)
    python -m bench.profile_record_event --batch 1 --top 25     # a commit per event
    python -m bench.profile_record_event --url postgresql://postgres@127.0.0.1:5432/test \
        --contacts 5000 --stored 50000                           # on PostgreSQL

Loads the store as ``bench_record_event`` does (20,000 contacts, 200,000 events; on
PostgreSQL with ``--url``, a scratch database there), records
``--warmup`` events unprofiled (page cache, first sight of each domain), then profiles
``--events`` events to short-history contacts in batches of ``--batch`` and prints the
functions by their own time. cProfile slows Python code more than SQLite's C code, so
read the shares, not the totals; the CPU time per event without the profiler is
``bench_record_event``'s figure.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import sys
import time
from datetime import timedelta

from bench.bench_record_event import START, Sizes, _incoming, opened_store
from leadflow.domain.clock import FixedClock
from leadflow.services.events import EventRecorder, IncomingEvent


def main(argv: list[str]) -> None:
    options = _parser().parse_args(argv)
    sizes = Sizes(options.contacts, options.stored, 50, 2_000, options.events, options.batch)
    with opened_store(sizes, url=options.url, store=options.store) as (engine, label, active):
        print(f"store: {label}")
        chance = random.Random(options.seed)
        clock = FixedClock(START + timedelta(days=302))
        with EventRecorder(engine, active, clock) as recorder:
            # Keys unique per run: a kept store has the last run's events already.
            run = f"profile-{time.time_ns()}"
            _record(recorder, _incoming(sizes, "short", f"{run}-w", chance, options.warmup), sizes)
            events = _incoming(sizes, "short", run, chance)
            profile = cProfile.Profile()
            began = time.process_time()
            profile.enable()
            _record(recorder, events, sizes)
            profile.disable()
            spent = time.process_time() - began
    each = spent / len(events) * 1e6
    print(f"{len(events):,} events, {each:,.0f} µs CPU an event under cProfile")
    pstats.Stats(profile, stream=sys.stdout).sort_stats("tottime").print_stats(options.top)


def _record(recorder: EventRecorder, events: list[IncomingEvent], sizes: Sizes) -> None:
    for start in range(0, len(events), sizes.batch):
        recorder.record_batch(events[start : start + sizes.batch])


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="profile_record_event", description=__doc__)
    parser.add_argument("--store", help="a kept SQLite store (see bench_record_event --store)")
    parser.add_argument("--url", help="a scratch store on this PostgreSQL server instead")
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--stored", type=int, default=200_000, help="events stored beforehand")
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--warmup", type=int, default=2_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--top", type=int, default=35, help="functions listed")
    parser.add_argument("--seed", type=int, default=3)
    return parser


if __name__ == "__main__":
    main(sys.argv[1:])
