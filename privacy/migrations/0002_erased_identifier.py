import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("edu", "0001_initial"),
        ("privacy", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="ErasedIdentifier",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[("name", "Name"), ("email", "Email"), ("id", "Student ID")], max_length=8
                    ),
                ),
                (
                    "digest",
                    models.CharField(help_text="HMAC-SHA256 of the normalised identifier (hex).", max_length=64),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "course",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="edu.course"
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("course", "digest"), name="unique_erased_identifier")
                ],
            },
        ),
    ]
