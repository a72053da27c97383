"""The gateway app: credentials to signed identities for nginx, partner API keys, dev
tokens, the merged OpenAPI and the aggregated health (see README.md)."""
