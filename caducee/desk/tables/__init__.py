"""Tables of the service desk pages, one module per concern."""
