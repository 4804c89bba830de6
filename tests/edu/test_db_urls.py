"""URLs of a database entry for processes that connect without Django's settings."""

from __future__ import annotations

from edu.db_urls import database_broker_url, database_url


def test_a_database_entry_becomes_a_postgres_url_and_a_broker_url():
    db = {"USER": "glossa", "PASSWORD": "p@ss/word", "HOST": "db.example.org", "PORT": 6543, "NAME": "glossa"}

    assert database_url(db) == "postgresql://glossa:p%40ss%2Fword@db.example.org:6543/glossa"
    assert database_broker_url(db) == "sqla+postgresql+psycopg://glossa:p%40ss%2Fword@db.example.org:6543/glossa"


def test_missing_host_port_and_password_fall_back_to_the_local_defaults():
    assert database_url({"USER": "glossa", "NAME": "test_glossa", "HOST": "", "PORT": ""}) == (
        "postgresql://glossa@127.0.0.1:5432/test_glossa"
    )
