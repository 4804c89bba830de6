"""Every portal URL and API endpoint × every role, with the status each role must get.

The URL list comes from the URLConf: a new route without an entry here fails the suite, so no
view ships without a decision about who may use it. 404 means "not yours to know about"
(another course, another learner's data); 403 means "visible, but not for your role".
"""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from edu.api import Enrollment, Material
from rag.api import DiagramGraph
from tests.factories import MaterialFactory, UserFactory
from tests.portal.conftest import ROLES

pytestmark = pytest.mark.django_db

A, S, OS, T, OT, AD = ROLES  # anonymous, student, other student, teacher, other teacher, admin
LOGIN = "login"  # anonymous portal requests are redirected to the sign-in page
EVERYONE_SIGNED_IN = {A: LOGIN, S: 200, OS: 200, T: 200, OT: 200, AD: 200}
COURSE_MEMBERS = {A: LOGIN, S: 200, OS: 404, T: 200, OT: 404, AD: 200}
TEACHERS = {A: LOGIN, S: 403, OS: 404, T: 200, OT: 404, AD: 200}
API_EVERYONE = {A: 401, S: 200, OS: 200, T: 200, OT: 200, AD: 200}
API_MEMBERS = {A: 401, S: 200, OS: 404, T: 200, OT: 404, AD: 200}
API_TEACHERS = {A: 401, S: 403, OS: 404, T: 200, OT: 404, AD: 200}

# name: (method, data, {role: expected}). POST data is deliberately incomplete where acting would
# change state: reaching form validation (400) proves the permission check let the role through.
MATRIX = {
    "login": ("get", None, {role: 200 for role in ROLES}),
    "set_password": ("get", None, {role: 200 for role in ROLES}),  # an invalid link says so, to anyone
    "password_set": ("get", None, {role: 200 for role in ROLES}),
    "logout": ("post", {}, {role: LOGIN for role in ROLES}),
    "healthz": ("get", None, {role: 200 for role in ROLES}),
    "admin:index": ("get", None, {A: 302, S: 302, OS: 302, T: 302, OT: 302, AD: 200}),
    # Portal: everyone signed in, about themselves.
    "portal:home": ("get", None, EVERYONE_SIGNED_IN),
    "portal:profile": ("get", None, EVERYONE_SIGNED_IN),
    "portal:my_data": ("get", None, EVERYONE_SIGNED_IN),
    "portal:export_data": ("get", None, EVERYONE_SIGNED_IN),
    "portal:erase_data": ("post", {}, {**EVERYONE_SIGNED_IN, S: 400, OS: 400, T: 400, OT: 400, AD: 400}),
    # Portal: course members.
    "portal:course": ("get", None, COURSE_MEMBERS),
    "portal:material": ("get", None, {**COURSE_MEMBERS, S: 302}),  # students are sent to the reading page
    "portal:material_read": ("get", None, COURSE_MEMBERS),  # the redacted text only, as a page to read
    "portal:material_picture": ("get", None, COURSE_MEMBERS),  # Glossa's redacted rendering of a diagram
    # Portal: the course's students.
    "portal:ask": ("get", None, {A: LOGIN, S: 200, OS: 404, T: 403, OT: 404, AD: 403}),
    "portal:ask_stream": ("post", {}, {A: LOGIN, S: 400, OS: 404, T: 403, OT: 404, AD: 403}),
    "portal:feedback": ("post", {}, {A: LOGIN, S: 400, OS: 404, T: 404, OT: 404, AD: 404}),
    "portal:practice": ("post", {}, {A: LOGIN, S: 400, OS: 404, T: 403, OT: 404, AD: 403}),
    # Portal: the course's teachers.
    "portal:add_objective": ("post", {}, {**TEACHERS, T: 302, AD: 302}),
    "portal:material_file": ("get", None, TEACHERS),  # the unredacted original: never for students
    "portal:materials": ("get", None, TEACHERS),
    "portal:jobs": ("get", None, TEACHERS),
    "portal:rerun": ("post", {}, {**TEACHERS, T: 302, AD: 302}),
    "portal:rename_material": ("post", {}, {**TEACHERS, T: 302, AD: 302}),  # an empty title: refused, redirected
    "portal:delete_material": ("post", {}, {**TEACHERS, T: 302, AD: 302}),  # not confirmed: nothing deleted
    "portal:replace_material": ("post", {}, {**TEACHERS, T: 302, AD: 302}),  # no file: refused, redirected
    "portal:describe_figure": ("post", {}, {**TEACHERS, T: 302, AD: 302}),  # no description: refused, redirected
    "portal:roster": ("get", None, TEACHERS),
    "portal:sign_in_link": ("post", {}, TEACHERS),
    "portal:sign_in_sheet": ("post", {}, TEACHERS),
    "portal:class_mastery": ("get", None, TEACHERS),
    "portal:objective_answers": ("get", None, TEACHERS),
    "portal:preview": ("get", None, TEACHERS),
    "portal:preview_stream": ("post", {}, {**TEACHERS, T: 400, AD: 400}),
    "portal:privacy_report": ("get", None, TEACHERS),
    # Portal: the designated safeguarding lead (here the course's teacher; an admin is not a lead by default).
    "portal:safeguarding_alerts": ("get", None, {A: LOGIN, S: 403, OS: 403, T: 200, OT: 403, AD: 403}),
    "portal:safeguarding_alert": ("get", None, {A: LOGIN, S: 404, OS: 404, T: 200, OT: 404, AD: 404}),
    "portal:safeguarding_act": ("post", {}, {A: LOGIN, S: 404, OS: 404, T: 400, OT: 404, AD: 404}),
    # REST API v1.
    "v1:schema": ("get", None, {role: 200 for role in ROLES}),
    "v1:docs": ("get", None, {role: 200 for role in ROLES}),
    "v1:token": ("post", {}, {role: 400 for role in ROLES}),
    "v1:courses": ("get", None, API_EVERYONE),
    "v1:profile": ("get", None, API_EVERYONE),
    "v1:export": ("get", None, API_EVERYONE),
    "v1:materials": ("get", None, API_MEMBERS),
    "v1:material": ("get", None, API_MEMBERS),
    "v1:search": ("get", None, {**API_MEMBERS, S: 400, T: 400, AD: 400}),
    "v1:explain": ("post", {}, {A: 401, S: 400, OS: 404, T: 403, OT: 404, AD: 403}),
    "v1:material_new_version": ("post", {}, {**API_TEACHERS, T: 400, AD: 400}),  # no file: refused, nothing kept
    "v1:jobs": ("get", None, API_TEACHERS),
    "v1:job": ("get", None, API_TEACHERS),
    "v1:safeguarding_alerts": ("get", None, {A: 401, S: 403, OS: 403, T: 200, OT: 403, AD: 403}),
    "v1:safeguarding_alert": ("get", None, {A: 401, S: 404, OS: 404, T: 200, OT: 404, AD: 404}),
    "v1:safeguarding_act": ("post", {}, {A: 401, S: 404, OS: 404, T: 400, OT: 404, AD: 404}),
}
SKIPPED_NAMESPACES = {"admin"}  # Django's own admin: staff-only as a whole, checked via admin:index


def route_names(patterns=None, namespace: str = "") -> set[str]:
    names = set()
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= route_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{namespace}{entry.name}")
    return names


def test_every_named_route_has_a_matrix_entry():
    routes = {name for name in route_names() if name.split(":")[0] not in SKIPPED_NAMESPACES}
    missing = routes - set(MATRIX)
    assert not missing, f"add these routes to the permission matrix: {sorted(missing)}"
    assert set(MATRIX) - {"admin:index"} <= routes


def url_for(name: str, world) -> str:
    kwargs = {}
    probe = reverse_kwargs(name)
    if "slug" in probe:
        kwargs["slug"] = world.course.slug
    if "pk" in probe:
        kwargs["pk"] = {
            "portal:feedback": world.interaction.pk,
            "portal:practice": world.item.pk,
            "portal:sign_in_link": passwordless_student(world).pk,
            "portal:objective_answers": world.item.objective_id,
            "v1:job": world.job.pk,
            "portal:material_picture": diagram_material(world).pk,
            "portal:describe_figure": diagram_material(world).diagrams.get().pk,
            "portal:material_read": indexed(world.material).pk,
        }.get(name, world.material.pk)
    if "token" in probe:
        kwargs.update(uidb64="MQ", token="not-a-token")
    if "safeguarding" in name:
        alert = safeguarding_alert(world)
        kwargs.update({"pk": alert.pk} if "pk" in probe else {})
    return reverse(name, kwargs=kwargs)


def safeguarding_alert(world):
    """The course's teacher designated its safeguarding lead, and one alert about its student."""
    from edu.safeguarding.api import assign_lead, screen_student_message

    assign_lead(user=world.users["teacher"], course=world.course)
    existing = world.course.safeguarding_alerts.first()
    if existing is not None:
        return existing
    screen_student_message(student=world.users["student"], course=world.course, text="my dad hits me")
    return world.course.safeguarding_alerts.get()


def diagram_material(world):
    """An indexed SVG diagram of the course, so its picture route answers 200 to those who may see it."""
    existing = world.course.materials.filter(kind=Material.Kind.SVG).first()
    if existing is not None:
        return existing
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20"/></svg>'
    material = MaterialFactory(
        course=world.course, kind=Material.Kind.SVG, original_filename="cycle.svg", content=svg,
        status=Material.Status.READY,
    )
    DiagramGraph.objects.create(material=material, width=40, height=20, text_blocks=[])
    return material


def indexed(material: Material) -> Material:
    """The material with an indexed version (students read only those)."""
    Material.objects.filter(pk=material.pk).update(status=Material.Status.READY)
    return material


def passwordless_student(world):
    """A student of the course who has no password yet (a sign-in link is only for such accounts)."""
    student = UserFactory(username="nova")
    Enrollment.objects.get_or_create(user=student, course=world.course, defaults={"role": Enrollment.Role.STUDENT})
    student.set_unusable_password()
    student.save(update_fields=["password"])
    return student


def reverse_kwargs(name: str) -> set[str]:
    """Which parameters the route takes (none, a slug, a pk, both, or a set-password link's two)."""
    for kwargs in ({}, {"slug": "x"}, {"pk": 1}, {"slug": "x", "pk": 1}, {"uidb64": "x", "token": "y"}):
        try:
            reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
        return set(kwargs)
    raise AssertionError(f"cannot reverse {name}")


def status_for(client: APIClient, name: str, world) -> int | str:
    method, data, _ = MATRIX[name]
    url = url_for(name, world)
    response = client.post(url, data) if method == "post" else client.get(url)
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_permission_matrix(world, name):
    """One world per route, every role against it; a mismatch names the role and both statuses."""
    actual = {}
    for role in ROLES:
        client = APIClient()
        if world.users[role] is not None:
            client.force_login(world.users[role])
        actual[role] = status_for(client, name, world)
    assert actual == MATRIX[name][2]


def test_api_token_authentication_gets_the_same_answers(world):
    """Token clients are held to the same rules as session clients."""
    client = APIClient()
    token = client.post(reverse("v1:token"), {"username": "sam", "password": "correct-horse-battery"}).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(reverse("v1:materials", args=[world.course.slug])).status_code == 200
    assert client.get(reverse("v1:materials", args=[world.other_course.slug])).status_code == 404
    assert client.get(reverse("v1:jobs", args=[world.course.slug])).status_code == 403
