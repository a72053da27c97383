"""Use cases: one function each, the only place a transaction opens.

HTTP routes and Kafka consumers call the same functions; a consumer hands in its
already-open unit of work, in which ``async with uow`` and ``commit`` are no-ops.
"""
