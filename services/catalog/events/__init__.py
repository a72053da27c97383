"""What this service publishes and consumes."""
