"""Test configuration shared by every app: settings for tests, services that
must be present in CI, and the hospital personas of caducee.core.testing."""

import os

os.environ.setdefault("CADUCEE_TESTING", "true")

pytest_plugins = ["caducee.core.testing.fixtures"]
