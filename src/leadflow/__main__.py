"""``python -m leadflow``: the same command line as ``leadflow`` (a venv's script aside)."""

from leadflow.cli import main

main()
