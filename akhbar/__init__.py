"""akhbar: a clean, deduplicated, searchable corpus of Arabic news in PostgreSQL (the glue package)."""

__version__ = "0.1.0"
