"""Deployment helpers that are Python: the demo data and the programme journey."""
