"""pytest plugin loaded with ``-p`` before pytest-django reads the settings:
test mode (immediate tasks, in-memory cache, fast password hashing)."""

import os

os.environ.setdefault("CADUCEE_TESTING", "true")
