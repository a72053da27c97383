"""Repositories of schema ``catalog`` (docs/conventions.md §1): one class per aggregate."""
