"""Portal views: thin; permission checks first (edu.portal.permissions), work in other apps' api."""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Iterator

from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from edu import api as edu_api
from edu import services as edu_services
from edu.portal import permissions, selectors
from edu.portal.diagrams import build_overlay, highlight_box
from edu.portal.files import material_file_response, picture_response
from edu.portal.forms import (
    AskForm,
    EraseForm,
    FeedbackForm,
    FigureDescriptionForm,
    NewVersionForm,
    ObjectiveForm,
    PracticeForm,
    PreviewForm,
    ProfileForm,
    RosterForm,
    UploadForm,
)
from edu.portal.services import upload_materials
from edu.rest.throttles import explain_allowed
from edu.uploads import refused_uploads
from privacy import api as privacy_api
from rag import api as rag_api

logger = logging.getLogger(__name__)


# --- Everyone ---------------------------------------------------------------------------------
@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Dashboard: each course with the learner's mastery per objective, or the teacher's tools."""
    cards = []
    for course in edu_api.courses_for_user(user=request.user).prefetch_related("objectives"):
        card = {"course": course, "teaches": permissions.can_teach_course(request.user, course)}
        if not card["teaches"]:
            card.update(_learner_progress(request.user, course))
        cards.append(card)
    return render(request, "portal/home.html", {"cards": cards})


def _learner_progress(learner, course) -> dict:
    mastery = edu_api.mastery_by_objective(learner=learner, course=course)
    practised = edu_api.practised_objectives(learner=learner, course=course)
    objectives = [
        {"objective": objective, "p_known": mastery.get(objective.pk, objective.p_init),
         "practised": objective.pk in practised}
        for objective in course.objectives.all()
    ]
    return {"objectives": objectives, "next_step": edu_api.next_step(learner=learner, course=course)}


@login_required
@require_GET
def course_detail(request: HttpRequest, slug: str) -> HttpResponse:
    course = permissions.visible_course(request.user, slug)
    teaches = permissions.can_teach_course(request.user, course)
    context = {
        "course": course,
        "teaches": teaches,
        "materials": selectors.course_materials(course=course, indexed_only=not teaches),
        "objective_form": ObjectiveForm() if teaches else None,
    }
    if not teaches:
        context.update(_learner_progress(request.user, course))
    return render(request, "portal/course_detail.html", context)


@login_required
@require_GET
def material_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Teachers: the redacted extracted text, chunks and diagrams (a cited page or region highlighted), and
    the material's management. Everyone else reads the material on its reading page (older links land there)."""
    material = permissions.visible_material(request.user, pk)
    teaches = permissions.can_teach_course(request.user, material.course)
    if not teaches:
        return redirect(_reading_url(material, request.GET))
    detail = rag_api.material_detail(material=material)
    context = {
        "material": material,
        "detail": detail,
        "overlays": [build_overlay(diagram) for diagram in detail.diagrams],
        "description_form": FigureDescriptionForm() if teaches else None,
        "version_form": NewVersionForm(),
        "teaches": teaches,
        "highlight_chunk": _int_or_none(request.GET.get("chunk")),
        "highlight_diagram": _int_or_none(request.GET.get("diagram")),
        "highlight_box": highlight_box(request.GET),
    }
    return render(request, "portal/material_detail.html", context)


@login_required
@require_GET
def material_read(request: HttpRequest, pk: int) -> HttpResponse:
    """The material as a clean page to read (redacted text only); the passage a citation names is marked,
    or the page says the citation quoted a version the teacher has replaced since."""
    material = permissions.readable_material(request.user, pk)
    page = rag_api.reading_page(
        material=material,
        passage=_int_or_none(request.GET.get("passage")),
        version=_int_or_none(request.GET.get("version")),
        chunk_id=_int_or_none(request.GET.get("chunk")),
    )
    teaches = permissions.can_teach_course(request.user, material.course)
    # A figure citation frames the labels the question named (a region of the picture).
    context = {"material": material, "page": page, "teaches": teaches, "cited_region": highlight_box(request.GET)}
    return render(request, "portal/material_read.html", context)


def _reading_url(material, query) -> str:
    """The reading page, marking the passage an older link named by its chunk."""
    url = reverse("portal:material_read", args=[material.pk])
    chunk_id = _int_or_none(query.get("chunk"))
    if chunk_id is None:
        return url
    ordinal = rag_api.chunk_ordinal(material=material, chunk_id=chunk_id)
    return f"{url}?chunk={chunk_id}#passage-{ordinal}" if ordinal is not None else f"{url}?chunk={chunk_id}"


@login_required
@require_GET
def material_file(request: HttpRequest, pk: int) -> FileResponse:
    """The original upload: the course's teachers and administrators only (it is not redacted)."""
    return material_file_response(permissions.taught_material(request.user, pk))


@login_required
@require_GET
def material_picture(request: HttpRequest, pk: int) -> HttpResponse:
    """Glossa's rendering of a diagram, with redacted labels painted over: for everyone in the course."""
    return picture_response(permissions.visible_material(request.user, pk))


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    current = edu_api.LearnerProfile.objects.filter(user=request.user).first() or edu_api.LearnerProfile()
    initial = {field: getattr(current, field) for field in ProfileForm.base_fields}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        edu_services.update_profile(user=request.user, **form.cleaned_data)
        messages.success(request, "Your settings are saved.")
        return redirect("portal:profile")
    return render(request, "portal/profile.html", {"form": form})


@login_required
@require_GET
def my_data(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/my_data.html", {"erase_form": EraseForm(user=request.user)})


@login_required
@require_GET
def export_data(request: HttpRequest) -> HttpResponse:
    data = privacy_api.export_learner_data(user=request.user)
    privacy_api.record_action(action=privacy_api.AuditEvent.Action.EXPORT, actor=request.user, where="portal",
                              subject=f"user:{request.user.pk}")
    response = HttpResponse(json.dumps(data, indent=2, default=str), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="glossa-my-data-{timezone.localdate().isoformat()}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def erase_data(request: HttpRequest) -> HttpResponse:
    form = EraseForm(request.POST, user=request.user)
    if not form.is_valid():
        return render(request, "portal/my_data.html", {"erase_form": form}, status=400)
    user = get_user_model().objects.get(pk=request.user.pk)  # the real user, not the lazy request proxy
    logout(request)
    record = privacy_api.erase_learner(user=user, requested_by=user)
    privacy_api.record_action(action=privacy_api.AuditEvent.Action.ERASURE, actor=user, where="portal",
                              subject=record.subject_ref)
    return render(request, "portal/erased.html")


# --- Students ---------------------------------------------------------------------------------
@login_required
@require_GET
def ask(request: HttpRequest, slug: str) -> HttpResponse:
    course = permissions.studied_course(request.user, slug)
    form = AskForm(diagrams=selectors.course_diagrams(course=course))
    return render(
        request,
        "portal/ask.html",
        {"course": course, "form": form, "stream_url": reverse("portal:ask_stream", args=[course.slug])},
    )


@login_required
@require_POST
def ask_stream(request: HttpRequest, slug: str) -> HttpResponse:
    """Server-sent events of one explanation, read by the ask page with fetch() (POST keeps CSRF)."""
    course = permissions.studied_course(request.user, slug)
    form = AskForm(request.POST, request.FILES, diagrams=selectors.course_diagrams(course=course))
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    if not explain_allowed(request):
        return JsonResponse({"errors": {"__all__": ["Too many questions at once; please wait a minute."]}}, status=429)
    image = form.cleaned_data["image"]
    if image is None and form.cleaned_data["diagram"]:
        diagram = selectors.course_diagram(course=course, diagram_id=form.cleaned_data["diagram"])
        if diagram is not None:
            try:  # what students may see of it (redacted labels painted over), never the raw upload
                image = rag_api.student_rendition(material=diagram.material).content
            except rag_api.RenditionUnavailable as error:
                return JsonResponse({"errors": {"diagram": [str(error)]}}, status=400)
    events = rag_api.stream_explanation(
        learner=request.user,
        course=course,
        question=form.cleaned_data["question"],
        image=image,
        conversation_id=form.cleaned_data["conversation_id"],
    )
    return _event_stream(events, request=request, course=course, feedback=True)


@login_required
@require_POST
def feedback(request: HttpRequest, pk: int) -> HttpResponse:
    interaction = permissions.own_interaction(request.user, pk)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Choose helpful, too hard or too easy.", status=400)
    result = edu_api.record_feedback(interaction=interaction, feedback=form.cleaned_data["feedback"])
    context = {"feedback": form.cleaned_data["feedback"], "result": result}
    return render(request, "portal/_feedback_thanks.html", context)


@login_required
@require_POST
def practice(request: HttpRequest, pk: int) -> HttpResponse:
    """Grade one answer to the next-step question; the learner model updates the objective's mastery."""
    item = permissions.studied_item(request.user, pk)
    form = PracticeForm(request.POST)
    if not form.is_valid():
        return render(
            request, "portal/_practice_result.html", {"item": item, "error": "Please answer first."}, status=400
        )
    try:
        response = edu_api.record_answer(learner=request.user, item=item, answer=form.cleaned_data["answer"])
    except ValueError as error:  # an answer that names no choice: nothing was recorded
        return render(request, "portal/_practice_result.html", {"item": item, "error": str(error)}, status=400)
    return render(request, "portal/_practice_result.html", {"item": item, "response": response})


# --- Teachers ---------------------------------------------------------------------------------
@login_required
@require_POST
def add_objective(request: HttpRequest, slug: str) -> HttpResponse:
    course = permissions.taught_course(request.user, slug)
    form = ObjectiveForm(request.POST)
    if form.is_valid():
        edu_services.create_objective(course=course, order=course.objectives.count() + 1, **form.cleaned_data)
        messages.success(request, "Objective saved.")
    else:
        messages.error(request, "The objective needs a code (letters, digits, hyphens) and a title.")
    return redirect("portal:course", slug=course.slug)


@login_required
@require_http_methods(["GET", "POST"])
def materials(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload many files at once; the job list below polls until every job is finished."""
    course = permissions.taught_course(request.user, slug)
    form = UploadForm(request.POST or None, request.FILES or None, course=course)
    errors: list[str] = refused_uploads(request)  # files dropped while streaming, for their size
    if request.method == "POST" and form.is_valid():
        errors += form.fields["files"].refused
        outcome = upload_materials(
            course=course,
            files=form.cleaned_data["files"],
            uploaded_by=request.user,
            objectives=form.cleaned_data["objectives"],
        )
        errors += outcome.errors
        if outcome.jobs:
            messages.success(request, f"{len(outcome.jobs)} file(s) queued for indexing.")
        if not errors:
            return redirect("portal:materials", slug=course.slug)
    context = {"course": course, "form": form, "upload_errors": errors, **_jobs_context(course)}
    return render(request, "portal/materials.html", context, status=400 if errors and request.method == "POST" else 200)


@login_required
@require_GET
def jobs(request: HttpRequest, slug: str) -> HttpResponse:
    course = permissions.taught_course(request.user, slug)
    return render(request, "portal/_jobs.html", {"course": course, **_jobs_context(course)})


def _jobs_context(course) -> dict:
    course_jobs = list(rag_api.jobs_for_course(course=course)[:100])
    return {"jobs": course_jobs, "polling": any(not job.is_finished for job in course_jobs)}


@login_required
@require_POST
def rerun(request: HttpRequest, pk: int) -> HttpResponse:
    material = permissions.taught_material(request.user, pk)
    rag_api.rerun_ingestion(material=material)
    messages.success(request, f"“{material.title}” is queued again.")
    return redirect("portal:materials", slug=material.course.slug)


@login_required
@require_POST
def rename_material(request: HttpRequest, pk: int) -> HttpResponse:
    """A teacher's title for a material; redacted with the course's rules like every title students see."""
    material = permissions.taught_material(request.user, pk)
    title = privacy_api.redact_text(request.POST.get("title", ""), kind=privacy_api.ContentKind.COURSE,
                                    course=material.course, where="title").text
    try:
        edu_services.rename_material(material=material, title=title)
    except ValueError as error:
        messages.error(request, str(error))
        return redirect("portal:material", pk=material.pk)
    messages.success(request, f"Renamed to “{material.title}”.")
    return redirect("portal:material", pk=material.pk)


@login_required
@require_POST
def replace_material(request: HttpRequest, pk: int) -> HttpResponse:
    """A new version of a material's file, indexed in the background like an upload; students keep the
    current version until it is ready, and a failed one leaves the current version in place."""
    material = permissions.taught_material(request.user, pk)
    form = NewVersionForm(request.POST, request.FILES)
    refused = refused_uploads(request)  # a file dropped while streaming, for its size
    if refused or not form.is_valid():
        messages.error(request, " ".join(refused) or "Choose the file of the new version.")
        return redirect("portal:material", pk=material.pk)
    upload = form.cleaned_data["file"]
    try:
        rag_api.replace_material_file(material=material, filename=upload.name or "file", content=upload,
                                      uploaded_by=request.user)  # fmt: skip
    except ValueError as error:  # an unsupported type, an empty, oversized or unchanged file, a run going on
        messages.error(request, str(error))
        return redirect("portal:material", pk=material.pk)
    logger.info("new material version queued", extra={"course_id": material.course_id, "material_id": material.pk})
    messages.success(request, f"The new version of “{material.title}” is queued; students keep the current "
                              "version until it is indexed.")  # fmt: skip
    return redirect("portal:materials", slug=material.course.slug)


@login_required
@require_POST
def describe_figure(request: HttpRequest, pk: int) -> HttpResponse:
    """A teacher describes a picture (redacted, then its chunk is indexed again in the background)."""
    figure = permissions.taught_figure(request.user, pk)
    back = f"{reverse('portal:material', args=[figure.material_id])}#diagram-{figure.pk}"
    form = FigureDescriptionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Write a short description (up to 1000 characters) of what the picture shows.")
        return redirect(back)
    try:
        rag_api.describe_figure(diagram=figure, description=form.cleaned_data["description"])
    except rag_api.DescriptionRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(back)
    except rag_api.DiagramGraph.DoesNotExist:
        messages.error(request, "The material was indexed again meanwhile; give the description once more.")
        return redirect("portal:material", pk=figure.material_id)
    messages.success(request, "The description is saved; students will find the picture by it in a moment.")
    return redirect(back)


@login_required
@require_POST
def delete_material(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a material with its index and file; the form asks the teacher to confirm first."""
    material = permissions.taught_material(request.user, pk)
    if request.POST.get("confirm") != "yes":
        messages.error(request, "Tick the box to confirm that the material and its index should be deleted.")
        return redirect("portal:material", pk=material.pk)
    course, title = material.course, material.title
    edu_services.delete_material(material=material)
    logger.info("material deleted", extra={"course_id": course.pk, "material_id": pk})
    messages.success(request, f"“{title}” was deleted with its index; students can no longer find it.")
    return redirect("portal:materials", slug=course.slug)


@login_required
@require_http_methods(["GET", "POST"])
def roster(request: HttpRequest, slug: str) -> HttpResponse:
    """Import a roster CSV (edu.roster: the format is in the form's help and the README)."""
    course = permissions.taught_course(request.user, slug)
    form = RosterForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        try:
            outcome = edu_api.import_roster(course=course, content=form.cleaned_data["roster"],
                                            imported_by=request.user)
        except edu_api.RosterFileError as error:
            form.add_error("roster", str(error))
        else:
            privacy_api.audit_roster_import(report=outcome, course=course, actor=request.user, where="portal")
    status = 400 if request.method == "POST" and not form.is_valid() else 200
    return _roster_page(request, course, form=form, outcome=outcome, status=status)


@login_required
@require_POST
def sign_in_link(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A one-time link for a student to choose a password, shown once to their teacher to hand over."""
    course = permissions.taught_course(request.user, slug)
    student = permissions.course_student(course, pk)
    try:
        link = request.build_absolute_uri(edu_services.sign_in_link_path(user=student))
    except edu_services.SignInLinkRefused as refusal:
        return _roster_page(request, course, form=RosterForm(), refused=str(refusal), status=403)
    privacy_api.record_action(action=privacy_api.AuditEvent.Action.SIGN_IN_LINK, actor=request.user,
                              where="portal", course=course, subject=f"user:{student.pk}")
    logger.info("sign-in link issued", extra={"course_id": course.pk, "student_id": student.pk})
    return _roster_page(request, course, form=RosterForm(), issued={"student": student, "link": link})


@login_required
@require_POST
def sign_in_sheet(request: HttpRequest, slug: str) -> HttpResponse:
    """One page (or CSV) of sign-in links for every student of the course who has no password yet, to print
    and hand out in class. Each link is audited like a single one; the page is not cached."""
    course = permissions.taught_course(request.user, slug)
    rows = []
    for enrollment in selectors.course_students(course=course):
        student = enrollment.user
        try:
            link = request.build_absolute_uri(edu_services.sign_in_link_path(user=student))
        except edu_services.SignInLinkRefused:
            continue  # has a password already: the administrator resets those
        privacy_api.record_action(action=privacy_api.AuditEvent.Action.SIGN_IN_LINK, actor=request.user,
                                  where="portal", course=course, subject=f"user:{student.pk}")
        rows.append({"name": student.get_full_name() or student.get_username(), "username": student.get_username(),
                     "link": link})
    logger.info("sign-in sheet issued", extra={"course_id": course.pk, "links": len(rows)})
    if request.POST.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="sign-in-links-{course.slug}.csv"'
        writer = csv.writer(response)
        writer.writerow(["name", "username", "sign_in_link"])
        writer.writerows([[_csv_safe(row["name"]), row["username"], row["link"]] for row in rows])
    else:
        response = render(request, "portal/sign_in_sheet.html", {"course": course, "rows": rows})
    response["Cache-Control"] = "no-store"
    return response


def _csv_safe(value: str) -> str:
    """No spreadsheet formula from a name ("=HYPERLINK(...)"): such a cell is read as text."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _roster_page(
    request: HttpRequest, course, *, form: RosterForm, outcome=None, issued=None, refused: str = "", status: int = 200
) -> HttpResponse:
    students = selectors.course_students(course=course)
    context = {"course": course, "form": form, "outcome": outcome, "students": students, "issued": issued,
               "refused": refused}
    return render(request, "portal/roster.html", context, status=status)


@login_required
@require_GET
def objective_answers(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Every answer the course's students gave to an objective's items (or one student's, with ?student=):
    a teacher sees why someone is stuck, or that the answer key is wrong."""
    course = permissions.taught_course(request.user, slug)
    objective = get_object_or_404(course.objectives, pk=pk)
    student_id = _int_or_none(request.GET.get("student"))
    student = permissions.course_student(course, student_id) if student_id is not None else None
    context = {"course": course, "objective": objective, "student": student,
               "items": edu_api.objective_answers(objective=objective, student=student)}
    return render(request, "portal/objective_answers.html", context)


@login_required
@require_GET
def class_mastery(request: HttpRequest, slug: str) -> HttpResponse:
    course = permissions.taught_course(request.user, slug)
    heatmap = edu_api.class_mastery(course=course)
    rows = [
        {
            "student": student,
            "cells": [
                {"p_known": p, "attempts": n, "band": min(int(p * 5), 4) if n else "none"}
                for p, n in zip(p_row, attempts_row, strict=True)
            ],
        }
        for student, p_row, attempts_row in zip(heatmap.students, heatmap.p_known, heatmap.attempts, strict=True)
    ]
    context = {
        "course": course,
        "objectives": heatmap.objectives,
        "rows": rows,
        "stuck": edu_api.stuck_learners(course=course),
    }
    return render(request, "portal/class_mastery.html", context)


@login_required
@require_GET
def preview(request: HttpRequest, slug: str) -> HttpResponse:
    course = permissions.taught_course(request.user, slug)
    form = PreviewForm(initial={"grade_level": 6, "reading_level": 6.0, "language": "en"})
    return render(
        request,
        "portal/preview.html",
        {"course": course, "form": form, "stream_url": reverse("portal:preview_stream", args=[course.slug])},
    )


@login_required
@require_POST
def preview_stream(request: HttpRequest, slug: str) -> HttpResponse:
    """An explanation "as" a transient learner profile: no student's profile or history changes."""
    course = permissions.taught_course(request.user, slug)
    form = PreviewForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    if not explain_allowed(request):
        return JsonResponse({"errors": {"__all__": ["Too many questions at once; please wait a minute."]}}, status=429)
    fields = {name: value for name, value in form.cleaned_data.items() if name != "question"}
    events = rag_api.stream_explanation(
        learner=request.user,
        course=course,
        question=form.cleaned_data["question"],
        profile=edu_api.LearnerProfile(user=request.user, **fields),
    )
    return _event_stream(events, request=request, course=course, feedback=False)


@login_required
@require_GET
def privacy_report(request: HttpRequest, slug: str) -> HttpResponse:
    course = permissions.taught_course(request.user, slug)
    summary = privacy_api.redaction_summary(course=course)
    return render(request, "portal/privacy_report.html", {"course": course, "summary": summary})


# --- Helpers ----------------------------------------------------------------------------------
def _event_stream(events: Iterator[dict], *, request: HttpRequest, course, feedback: bool) -> StreamingHttpResponse:
    def serialise() -> Iterator[str]:
        try:
            for event in events:
                if event.get("event") == "done":
                    explanation = event["explanation"]
                    html = render_to_string(
                        "portal/_answer_footer.html",
                        {"explanation": explanation, "course": course, "feedback": feedback,
                         "removed_notice": removed_notice(explanation.get("removed_from_question") or {})},
                        request=request,
                    )
                    event = {**event, "html": html}
                yield f"data: {json.dumps(event, default=str)}\n\n"
        except Exception as error:  # the stream has started: report in-band, log the type only
            logger.error("explanation stream failed: %s", type(error).__name__)
            message = str(error) if isinstance(error, rag_api.ExplainError) else "The explanation failed; try again."
            yield f"data: {json.dumps({'event': 'error', 'message': message})}\n\n"

    response = StreamingHttpResponse(serialise(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache, no-store"
    response["X-Accel-Buffering"] = "no"
    return response


_REMOVED_WORDS = {
    "PERSON": "a name", "EMAIL_ADDRESS": "an email address", "PHONE_NUMBER": "a phone number",
    "STREET_ADDRESS": "an address", "LOCATION": "a place", "STUDENT_ID": "a student number",
    "DATE_OF_BIRTH": "a date of birth", "URL": "a link",
}


def removed_notice(counts: dict[str, int]) -> str:
    """What the student is told was taken out of their question before anything else saw it."""
    if not counts:
        return ""
    words = list(dict.fromkeys(_REMOVED_WORDS.get(kind, "personal details") for kind in counts))
    listed = words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
    return f"We removed {listed} from your question before searching, to keep your details private."


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None
