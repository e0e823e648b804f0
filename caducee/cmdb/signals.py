"""Keep derived data current when items or relations change (filled in by the
impact analysis: graph cache invalidation)."""
