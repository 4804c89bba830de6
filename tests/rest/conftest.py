"""The REST tests use the portal tests' small world: two courses and a person in every role."""

from tests.portal.conftest import _fast_passwords, _fresh_rate_limits, world  # noqa: F401

