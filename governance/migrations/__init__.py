"""Alembic migrations of the store (run programmatically by governance.store; no alembic.ini)."""
