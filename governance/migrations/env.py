"""Alembic environment: governance.store hands us an open connection inside a transaction."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import governance.store  # noqa: F401 - registers the tables on SQLModel.metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only through governance.store
    raise RuntimeError("run migrations through governance.store.open_store()")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    transactional_ddl=True,
)
with context.begin_transaction():
    context.run_migrations()
