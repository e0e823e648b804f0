"""Test configuration shared by every app: settings for tests, services that
must be present in CI, and the hospital personas of caducee.core.testing."""

pytest_plugins = ["caducee.core.testing.fixtures", "caducee.core.testing.imap"]
