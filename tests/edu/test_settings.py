"""Production settings refuse unsafe configurations; the deploy check passes with safe ones."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REPO_ROOT

SAFE_PRODUCTION_ENV = {
    "GLOSSA_ENV": "production",
    "DJANGO_SECRET_KEY": "x7-" + "k" * 30 + "q9-" + "z" * 30,
    "DJANGO_ALLOWED_HOSTS": "glossa.example.org",
    "GLOSSA_PSEUDONYM_KEY": "b3Bzd2l0Y2gtYS1mZXJuZXQta2V5LWluLXByb2R1Y3Q=",
    "DATABASE_URL": "postgresql://glossa@127.0.0.1:5432/glossa",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GLOSSA_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO_ROOT, env={**clean, **env},
        capture_output=True, text=True, timeout=120, check=False,
    )


def test_production_refuses_debug():
    result = run_manage("check", env={**SAFE_PRODUCTION_ENV, "DJANGO_DEBUG": "1"})
    assert result.returncode != 0
    assert "DJANGO_DEBUG" in result.stderr


def test_production_refuses_the_default_secret_key():
    env = {k: v for k, v in SAFE_PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_deploy_check_passes_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=SAFE_PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr + result.stdout
