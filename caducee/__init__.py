"""Caducée: IT service management for French hospital groups (GHT)."""

__version__ = "0.1.0"
