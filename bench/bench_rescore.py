"""The batch engine on a demo world in Parquet: seconds and peak memory of the scoring.

    python -m bench rescore                          # 20,000 contacts (about 1M events)
    python -m bench.bench_rescore 1000000            # the issue's size: 1M contacts, ~50M events
    python -m bench.bench_rescore 1000000 --world /tmp/world1m   # reuse a generated world

The world is made with ``leadflow.demo.generate_world(..., fmt="parquet")`` (seed 1) in
``--world`` (default: a folder under the system's temporary directory, kept for the next
run), then read into frames, and timed separately:

    load        Parquet -> frames (contacts joined to accounts, events clustered by contact;
                with ``--read-types read`` only the event types the definition reads)
    scoring     qualify_frames with the waterfall preset at the window's end: the kernel,
                from frames in memory to every contact's verdicts (best of --repeat)
    streamed    qualify_partitions straight from the Parquet row groups, reading included
    python      engine.qualify(explain=False) per contact on a --python-subset sample,
                extrapolated to every contact (the plain per-contact loop)

Peak memory is the process's peak resident set (VmHWM), reset before the scoring, so it
counts the frames already in memory plus what scoring adds (numba and its compiled code
included). CPU seconds are reported next to wall seconds: on a shared machine wall time
also measures the neighbours. The first scoring in a process also loads the compiled
loops from numba's cache (or compiles them, the first time after an install; run with
``NUMBA_CACHE_DIR=$(mktemp -d)`` to time that): it is printed apart.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from leadflow.batch.frames import ContactFrame, EventFrame
from leadflow.batch.from_facts import facts_of_row
from leadflow.batch.jit import COMPILED
from leadflow.batch.parquet import ParquetWorld
from leadflow.batch.qualify import (
    DEFAULT_PARTITION_EVENTS,
    properties_read,
    qualify_frames,
    qualify_partitions,
    types_read,
)
from leadflow.definition.loader import load_definition
from leadflow.definition.model import Definition
from leadflow.demo import WorldConfig, generate_world
from leadflow.engine import qualify

T = TypeVar("T")


def _world(contacts: int, folder: Path | None) -> Path:
    where = folder or Path(tempfile.gettempdir()) / f"leadflow-bench-world-{contacts}"
    if not (where / "events.parquet").is_file():
        print(f"generating a {contacts:,}-contact world in {where} ...", flush=True)
        generate_world(where, contacts, 1, fmt="parquet", overwrite=True)
    return where


def _timed(call: Callable[[], T]) -> tuple[T, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    value = call()
    return value, time.perf_counter() - wall, time.process_time() - cpu


def _reset_peak() -> bool:
    """Reset the kernel's peak-RSS mark (Linux); False where that is not possible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _resident_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _peak_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench rescore")
    parser.add_argument("contacts", nargs="?", type=int, default=20_000)
    parser.add_argument("--world", type=Path, help="folder of the Parquet world (made if empty)")
    parser.add_argument("--definition", default="waterfall", help="preset or YAML file")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--partition-events", type=int, default=DEFAULT_PARTITION_EVENTS)
    parser.add_argument("--python-subset", type=int, default=2_000)
    parser.add_argument("--workers", type=int, default=1, help="threads running partitions")
    parser.add_argument(
        "--read-types",
        choices=("all", "read"),
        default="all",
        help="load every event, or only the types the definition reads (pushed to the scan)",
    )
    args = parser.parse_args(argv)
    folder = _world(args.contacts, args.world)
    definition = load_definition(args.definition)
    now = WorldConfig(args.contacts, 1).window_end
    world = ParquetWorld(folder)
    wanted = properties_read(definition)
    kinds = types_read(definition) if args.read_types == "read" else None
    (contacts, events), wall, cpu = _timed(lambda: (world.contacts(), world.events(wanted, kinds)))
    print(f"world: {contacts.size:,} contacts, {events.size:,} events ({folder})")
    print(f"load      {wall:8.2f} s wall {cpu:8.2f} s CPU  peak {_peak_mb():8.0f} MB")
    _score(args, definition, contacts, events, now)
    del events
    _streamed(world, definition, contacts, now, wanted, kinds)
    _python(args, definition, contacts, world, now)


def _score(
    args: argparse.Namespace,
    definition: Definition,
    contacts: ContactFrame,
    events: EventFrame,
    now: datetime,
) -> None:
    reset = _reset_peak()
    before = _resident_mb()
    best_wall = best_cpu = float("inf")
    first: tuple[float, float] | None = None
    result = None
    for _ in range(max(1, args.repeat)):
        result = None  # the peak is one scoring's, not two results side by side
        result, wall, cpu = _timed(
            lambda: qualify_frames(
                definition,
                contacts,
                events,
                now,
                partition_events=args.partition_events,
                workers=args.workers,
            )
        )
        best_wall, best_cpu = min(best_wall, wall), min(best_cpu, cpu)
        first = first or (wall, cpu)
    scope = "scoring" if reset else "process"
    print(
        f"scoring   {best_wall:8.2f} s wall {best_cpu:8.2f} s CPU  peak {_peak_mb():8.0f} MB"
        f" ({scope} peak; best of {args.repeat}; {args.workers} thread(s); {_fold_name()})"
    )
    assert first is not None
    print(
        f"          first of the {args.repeat}: {first[0]:.2f} s wall {first[1]:.2f} s CPU"
        " (includes loading the compiled loops from numba's cache, or compiling them)"
    )
    print(f"          resident before scoring (the frames): {before:,.0f} MB")
    assert result is not None
    ready = int(result.sales_ready.sum())
    print(f"          {ready:,} sales-ready contacts")


def _fold_name() -> str:
    return "compiled fold" if COMPILED else "NumPy fold (numba missing)"


def _streamed(
    world: ParquetWorld,
    definition: Definition,
    contacts: ContactFrame,
    now: datetime,
    wanted: frozenset[str],
    kinds: frozenset[str] | None,
) -> None:
    _reset_peak()
    blocks = world.blocks(wanted, kinds)
    _, wall, cpu = _timed(lambda: qualify_partitions(definition, contacts, blocks, now))
    peak = _peak_mb()
    print(f"streamed  {wall:8.2f} s wall {cpu:8.2f} s CPU  peak {peak:8.0f} MB (reading included)")


def _python(
    args: argparse.Namespace,
    definition: Definition,
    contacts: ContactFrame,
    world: ParquetWorld,
    now: datetime,
) -> None:
    sample = min(args.python_subset, contacts.size)
    if sample <= 0:
        return
    first = next(iter(world.blocks()))  # the first row group holds the first contacts
    people = [facts_of_row(contacts, first[2], row) for row in range(sample)]
    _, wall, cpu = _timed(lambda: [qualify(p, definition, now, explain=False) for p in people])
    scale = contacts.size / sample
    print(
        f"python    {wall * scale:8.2f} s wall {cpu * scale:8.2f} s CPU"
        f"  (engine.qualify per contact, {sample:,} measured, extrapolated)"
    )


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
