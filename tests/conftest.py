"""Settings for the whole suite."""

from __future__ import annotations

import os

# pytest-xdist already keeps every core busy with tests; a build inside a test renders on one worker
# unless the test asks for more (--jobs), so the suite does not start twice the processes it has cores.
os.environ.setdefault("STUDYGEN_JOBS", "1")
