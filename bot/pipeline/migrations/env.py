"""Alembic's environment for the pipeline tables: run from ``bot.pipeline.migrate`` on a live connection.

New migration (after changing bot/pipeline/models.py):
    python -m bot.pipeline.migrate revision "what changed"
"""

from alembic import context

from bot.pipeline.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=True)  # SQLite alters tables by copying them; batch mode does that
with context.begin_transaction():
    context.run_migrations()
