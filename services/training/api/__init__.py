"""HTTP edge: routes and schemas."""
