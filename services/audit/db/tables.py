"""Tables of schema ``audit``. Every table names the schema explicitly."""

from shared.events.tables import messaging_tables

SCHEMA = "audit"
MESSAGING = messaging_tables(SCHEMA)
