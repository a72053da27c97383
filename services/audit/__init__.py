"""Audit: standard, self-assessment, pre-audit, certification audit, certificates."""
