"""Tables of schema ``enrollment``. Every table names the schema explicitly."""

from shared.events.tables import messaging_tables

SCHEMA = "enrollment"
MESSAGING = messaging_tables(SCHEMA)
