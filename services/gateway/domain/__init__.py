"""What a credential is and what it proves: pure Python, no I/O, no framework."""
