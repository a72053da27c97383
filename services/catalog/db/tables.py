"""Tables of schema ``catalog``. Every table names the schema explicitly."""

from shared.events.tables import messaging_tables

SCHEMA = "catalog"
MESSAGING = messaging_tables(SCHEMA)
