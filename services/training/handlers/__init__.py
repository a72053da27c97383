"""Use cases, one function each, in a module per resource.

Writes open the transaction (``async with uow``); HTTP routes and Kafka consumers call the
same functions, a consumer handing in its already-open unit of work, in which ``async with
uow`` and ``commit`` are no-ops. Reads take ``db: ReadDb`` (a pooled connection, no
transaction) and the caller, and apply domain/access.py.
"""
