"""The gateway app: what nginx cannot do (merged OpenAPI, aggregated health, credential checks)."""
