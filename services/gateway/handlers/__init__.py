"""Use cases of the gateway app: credentials (``/_auth``), API keys, dev tokens."""
