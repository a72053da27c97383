"""Use cases of the enrollment service: the only place a transaction opens."""
