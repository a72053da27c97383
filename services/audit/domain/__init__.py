"""Pure domain rules and state machines: no I/O, no framework."""
