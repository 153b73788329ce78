"""Run studygen as `python -m studygen`."""

from studygen.cli import main

# Guarded: render workers are spawned processes, which import the main module again.
if __name__ == "__main__":
    main(prog_name="studygen")
