"""Instructions per recorded event, counted by valgrind: a figure the load cannot move.

    python -m bench.instructions                 # group commit of 500 (default)
    python -m bench.instructions --mode one      # a commit per event

On a shared two-core machine the CPU time per event of ``bench_record_event`` swings by
20-30% from one run to the next; the number of instructions does not. This runs a small
store (2,000 contacts, 20,000 stored events) under ``valgrind --tool=cachegrind`` twice,
recording ``--few`` and then ``--many`` events after the same set-up, and prints the
difference divided by the extra events: what one event costs, set-up excluded. It needs
valgrind (Debian package ``valgrind``) and takes about a minute and a half.

    python -m bench.instructions --record MODE COUNT   # the recording run itself
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
from datetime import timedelta

from bench.bench_record_event import START, Sizes, _incoming, _load, _ScratchDatabase
from leadflow.domain.clock import FixedClock
from leadflow.services.events import EventRecorder

SIZES = Sizes(contacts=2_000, events=20_000, long_contacts=0, long_events=0, measure=0, batch=500)
_TOTAL = re.compile(r"I\s+refs:\s+([\d,]+)")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="instructions", description=__doc__)
    parser.add_argument("--mode", choices=("batch", "one"), default="batch")
    parser.add_argument("--few", type=int, default=500)
    parser.add_argument("--many", type=int, default=1_500)
    parser.add_argument("--record", nargs=2, metavar=("MODE", "COUNT"), help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.record:
        _record(options.record[0], int(options.record[1]))
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian package valgrind)")
    few = _instructions(options.mode, options.few)
    many = _instructions(options.mode, options.many)
    per_event = (many - few) / (options.many - options.few)
    print(f"{options.mode}: {per_event:,.0f} instructions per event")


def _instructions(mode: str, count: int) -> int:
    command = [
        "valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
        sys.executable, "-m", "bench.instructions", "--record", mode, str(count),
    ]  # fmt: skip
    environment = {**os.environ, "PYTHONHASHSEED": "0"}  # the same dict layouts each run
    done = subprocess.run(command, capture_output=True, text=True, env=environment, check=True)
    found = _TOTAL.search(done.stderr)
    if found is None:
        raise SystemExit(f"no instruction count in valgrind's output:\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def _record(mode: str, count: int) -> None:
    """The measured process: the same store and warm-up every time, then ``count`` events."""
    with _ScratchDatabase(None) as (engine, _label):
        active = _load(engine, SIZES)
        chance = random.Random(7)
        clock = FixedClock(START + timedelta(days=302))
        warm = _incoming(SIZES, "short", "warm", chance, 500)
        events = _incoming(SIZES, "short", "measured", chance, count)
        with EventRecorder(engine, active, clock) as recorder:
            recorder.record_batch(warm)
            if mode == "batch":
                for start in range(0, len(events), SIZES.batch):
                    recorder.record_batch(events[start : start + SIZES.batch])
            else:
                for event in events:
                    recorder.record(event)


if __name__ == "__main__":
    main(sys.argv[1:])
