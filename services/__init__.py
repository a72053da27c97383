"""The platform services; each imports shared/ and never another service."""
