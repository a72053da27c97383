"""HTTP edge of the gateway app: thin routes over ``handlers``."""
