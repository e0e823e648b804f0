"""Test helpers shared by every app: personas, a two-establishment GHT,
services required in CI (STYLE.md principle 13)."""
