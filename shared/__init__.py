"""The platform kernel: one shared way for config, DB, events, errors, auth and telemetry.

Services import from here and never from each other.
"""
