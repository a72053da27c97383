"""Use cases of the audit service: the only place a transaction opens.

Each function takes the unit of work (and the acting principal where rules depend on
who acts), does ``async with uow: ... await uow.commit()`` and returns rows or small
views the routes map to ``*Public`` schemas. HTTP routes and Kafka consumers share them.
"""
