"""Events between services: typed contracts, the envelope, outbox, relay and consumers."""
