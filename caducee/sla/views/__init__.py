"""Service-level pages, one module per concern."""
