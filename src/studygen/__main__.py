"""Run studygen as `python -m studygen`."""

from studygen.cli import main

main(prog_name="studygen")
