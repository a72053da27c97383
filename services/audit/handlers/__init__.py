"""Use cases of the audit service, one module per resource (docs/conventions.md §2-3).

Reads take ``db: ReadDb`` (a pooled Core connection: no unit of work, no commit), apply
``domain/access.py`` and return rows or views. Writes take the unit of work (and the caller
where rules depend on who acts) and are the only place a transaction opens: ``async with
uow: ... await uow.commit()``. HTTP routes and Kafka consumers share them.
"""
