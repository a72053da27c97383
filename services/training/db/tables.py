"""Tables of schema ``training``. Every table names the schema explicitly."""

from shared.events.tables import messaging_tables

SCHEMA = "training"
MESSAGING = messaging_tables(SCHEMA)
