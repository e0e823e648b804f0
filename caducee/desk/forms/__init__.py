"""Service desk forms; each concern keeps its own module."""
