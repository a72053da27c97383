"""Tables, repositories and migrations of this service's schema."""
