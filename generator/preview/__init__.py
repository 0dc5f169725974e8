"""Serve-only pieces of the preview: loaded by `python -m generator serve`, never by mkdocs.yml."""
