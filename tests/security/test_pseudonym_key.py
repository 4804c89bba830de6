"""Finding 8: a development install's pseudonym key is random and kept in var/, never derived from the
public default SECRET_KEY; production refuses to start without one; old vaults degrade, not crash."""

from __future__ import annotations

import base64
import os
import stat
import subprocess
import sys
import uuid

import pytest
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from privacy.models import PseudonymMapping
from privacy.selectors import export_learner_data
from privacy.services import reidentify
from privacy.vault import vault_key
from tests.conftest import REPO_ROOT
from tests.factories import CourseFactory, student_in


def key_derived_from(secret_key: str) -> bytes:
    """How earlier versions made the development key: anyone who knows the default SECRET_KEY can."""
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"glossa-pseudonym-vault").derive(
        secret_key.encode()
    )
    return base64.urlsafe_b64encode(derived)


@pytest.fixture
def development_key_file(settings, tmp_path):
    """No configured key, as on a fresh `make run`; the key file in a fresh var/."""
    settings.GLOSSA = {**settings.GLOSSA, "PSEUDONYM_KEY": "", "PSEUDONYM_KEY_FILE": tmp_path / "var" / "pseudonym.key"}
    return settings.GLOSSA["PSEUDONYM_KEY_FILE"]


def test_development_generates_a_random_key_once_into_a_private_file(development_key_file, settings):
    key = vault_key()
    assert key != key_derived_from(settings.SECRET_KEY)
    Fernet(key)  # a usable Fernet key
    assert development_key_file.read_bytes().strip() == key
    assert stat.S_IMODE(development_key_file.stat().st_mode) == 0o600
    assert vault_key() == key


def test_another_process_of_the_same_install_uses_the_same_key(development_key_file):
    key = vault_key()
    env = {**os.environ, "GLOSSA_PSEUDONYM_KEY": "", "GLOSSA_PSEUDONYM_KEY_FILE": str(development_key_file)}
    command = "from privacy.vault import vault_key; print(vault_key().decode())"
    printed = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", command],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120, check=True,
    ).stdout.strip().splitlines()[-1]
    assert printed.encode() == key


def test_the_default_key_file_is_in_the_git_ignored_var_directory():
    default = REPO_ROOT / "var" / "pseudonym.key"
    ignored = subprocess.run(["git", "check-ignore", "-q", str(default)], cwd=REPO_ROOT, check=False)
    assert ignored.returncode == 0


def test_production_still_refuses_to_start_without_a_configured_key():
    from tests.edu.test_settings import SAFE_PRODUCTION_ENV, run_manage

    env = {k: v for k, v in SAFE_PRODUCTION_ENV.items() if k != "GLOSSA_PSEUDONYM_KEY"}
    result = run_manage("check", env=env)
    assert result.returncode != 0 and "GLOSSA_PSEUDONYM_KEY" in result.stderr


@pytest.mark.django_db
def test_a_vault_written_under_the_old_derived_key_leaves_placeholders_instead_of_failing(
    development_key_file, settings
):
    learner = student_in(CourseFactory())
    conversation = uuid.uuid4()
    old_vault = Fernet(key_derived_from(settings.SECRET_KEY)).encrypt(b'{"<PERSON_1>": "Jake Miller"}').decode()
    PseudonymMapping.objects.create(owner=learner, conversation_id=conversation, vault=old_vault)
    text = "You asked about <PERSON_1>."
    assert reidentify(text, owner=learner, conversation_id=conversation, requesting_user=learner) == text
    exported = export_learner_data(user=learner)
    assert "Jake" not in str(exported) and "unreadable" in str(exported)


@pytest.mark.django_db
@pytest.mark.slow
def test_a_conversation_with_an_unreadable_vault_goes_on_with_placeholders_that_cannot_be_confused(
    development_key_file, settings
):
    from privacy.services import pseudonymize

    learner = student_in(CourseFactory())
    conversation = uuid.uuid4()
    old_vault = Fernet(key_derived_from(settings.SECRET_KEY)).encrypt(b'{"<PERSON_1>": "Jake Miller"}').decode()
    PseudonymMapping.objects.create(owner=learner, conversation_id=conversation, vault=old_vault)
    result = pseudonymize("I sat next to Maria Lopez.", owner=learner, conversation_id=conversation, where="query")
    assert "<PERSON_1001>" in result.text  # never <PERSON_1>, which older messages use for someone else
    restored = reidentify("<PERSON_1> and <PERSON_1001>", owner=learner, conversation_id=conversation,
                          requesting_user=learner)
    assert restored == "<PERSON_1> and Maria Lopez"
