"""Keep chunk embeddings inline in the heap row instead of in TOAST.

A 384-dimension vector (1.5 kB) plus the chunk text often passes PostgreSQL's 2 kB TOAST
threshold, which moves the vector out of line: every exact-scan distance then costs an extra
TOAST fetch. STORAGE MAIN keeps it in the row (retrieval benchmark: the planner's exact path
for small courses depends on it).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("rag", "0002_job_worker_heartbeat")]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE rag_chunk ALTER COLUMN embedding SET STORAGE MAIN",
            "ALTER TABLE rag_chunk ALTER COLUMN embedding SET STORAGE EXTENDED",
        )
    ]
