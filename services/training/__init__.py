"""Training: workshops, sessions, attendance, completion, technical assistance."""
