"""Create the tables of the embedded Celery broker (kombu's SQLAlchemy transport) up front.

Otherwise the first producer and the first worker both create them on connect and race
("relation kombu_queue already exists"). The DDL comes from kombu's own SQLAlchemy models,
so it is exactly what kombu expects; kombu then finds the tables and skips creating them.
"""

from django.db import migrations


def create_broker_tables(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from kombu.transport.sqlalchemy.models import Message, ModelBase, Queue, class_registry, metadata

    # kombu declares its two models lazily, the way its Channel does it, with default names.
    for name, base, table in (("Queue", Queue, "kombu_queue"), ("Message", Message, "kombu_message")):
        if name not in class_registry:
            type(name, (base, ModelBase), {"__tablename__": table})
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.schema import CreateIndex, CreateSequence, CreateTable

    dialect = postgresql.dialect()
    statements = []
    for table in metadata.sorted_tables:
        for column in table.columns:
            if column.default is not None and getattr(column.default, "is_sequence", False):
                statements.append(str(CreateSequence(column.default, if_not_exists=True).compile(dialect=dialect)))
        statements.append(str(CreateTable(table, if_not_exists=True).compile(dialect=dialect)))
        statements.extend(
            str(CreateIndex(index, if_not_exists=True).compile(dialect=dialect)) for index in table.indexes
        )
    for statement in statements:
        schema_editor.execute(statement)


def drop_broker_tables(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TABLE IF EXISTS kombu_message, kombu_queue")


class Migration(migrations.Migration):
    dependencies = [("edu", "0001_initial")]

    operations = [migrations.RunPython(create_broker_tables, drop_broker_tables)]
