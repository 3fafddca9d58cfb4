from alembic import context

import laborlens.cases  # noqa: F401  (its tables join Base.metadata for autogenerate)
import laborlens.grievances.models  # noqa: F401
from laborlens.store.models import Base

config = context.config
engine = config.attributes["engine"]
with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()
