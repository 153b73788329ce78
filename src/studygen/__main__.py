"""Run studygen as `python -m studygen`."""

from studygen.cli import main

# Guarded so that importing this module (as tools and tests do) runs nothing.
if __name__ == "__main__":
    main(prog_name="studygen")
