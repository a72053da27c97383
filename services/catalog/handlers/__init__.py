"""Use cases of the catalog service: the only place a transaction opens."""
