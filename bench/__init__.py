"""Runnable benchmarks. ``make bench`` (or ``python -m bench [NAME ...]``) runs them.

Each ``bench/bench_<name>.py`` exposes ``main(argv: list[str]) -> None`` and prints its
figures; docs/benchmarks.md records the command, the machine and the figures.
"""
