"""Demo world generation: throughput (contacts/s, events/s) and peak memory per format.

    .venv/bin/python -m bench demo          # 100,000 contacts, parquet then jsonl
    .venv/bin/python -c "from bench.bench_demo import main; main(sys.argv[1:])" \
        --contacts 1000000 --format parquet

Each world is generated in a fresh child process, so the peak resident set size it
reports belongs to that world alone (imports included); the files go to a temporary
folder that is removed afterwards. Rates are per wall-clock second; ``cpu s`` is the
child's CPU time for the generation, which a busy machine inflates less.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

__all__ = ["main"]


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench demo", description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--format", dest="formats", action="append", choices=("jsonl", "parquet"))
    args = parser.parse_args(argv)
    print(
        f"{'format':8} {'contacts':>10} {'events':>12} {'seconds':>8} {'cpu s':>7} "
        f"{'contacts/s':>11} {'events/s':>10} {'peak RSS':>9} {'on disk':>9}"
    )
    for fmt in args.formats or ["parquet", "jsonl"]:
        figures = _measure(args.contacts, args.seed, fmt)
        seconds, events = figures["seconds"], figures["events"]
        print(
            f"{fmt:8} {args.contacts:>10,} {events:>12,.0f} {seconds:>8.1f} {figures['cpu']:>7.1f} "
            f"{args.contacts / seconds:>11,.0f} {events / seconds:>10,.0f} "
            f"{figures['rss_mb']:>7,.0f}MB {figures['disk_mb']:>7,.0f}MB",
            flush=True,
        )


def _measure(contacts: int, seed: int, fmt: str) -> dict[str, float]:
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_generate, args=(contacts, seed, fmt, sender))
    child.start()
    figures: dict[str, float] = receiver.recv()
    child.join()
    return figures


def _generate(contacts: int, seed: int, fmt: str, sender: Connection) -> None:
    from leadflow.demo import generate_world

    with tempfile.TemporaryDirectory(prefix="bench-demo-") as folder:
        started, cpu_started = time.perf_counter(), time.process_time()
        summary = generate_world(
            Path(folder), contacts, seed, fmt="parquet" if fmt == "parquet" else "jsonl"
        )
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        disk = sum(path.stat().st_size for path in Path(folder).iterdir())
    events = summary.files.get("events.parquet", summary.files.get("events.jsonl", 0))
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    figures = {"seconds": seconds, "cpu": cpu, "events": events}
    sender.send(figures | {"rss_mb": peak_kb / 1024, "disk_mb": disk / 2**20})
    sender.close()
