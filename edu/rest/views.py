"""REST API v1: the portal's features for scripts and apps, behind the same permission layer."""

from __future__ import annotations

import logging

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from edu import api as edu_api
from edu import services as edu_services
from edu.portal import permissions
from edu.portal import selectors as portal_selectors
from edu.portal.services import upload_materials
from edu.rest import serializers
from edu.rest.throttles import ExplainThrottle
from edu.uploads import refused_uploads
from privacy import api as privacy_api
from rag import api as rag_api

logger = logging.getLogger(__name__)

class CourseListView(APIView):
    @extend_schema(responses=serializers.CourseSerializer(many=True))
    def get(self, request: Request) -> Response:
        courses = edu_api.courses_for_user(user=request.user)
        roles = {course.pk: edu_api.role_in_course(user=request.user, course=course) for course in courses}
        return Response(serializers.CourseSerializer(courses, many=True, context={"roles": roles}).data)


class MaterialListView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses=serializers.MaterialSerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        course = permissions.visible_course(request.user, slug)
        materials = portal_selectors.course_materials(
            course=course, indexed_only=not permissions.can_teach_course(request.user, course)
        )
        return Response(serializers.MaterialSerializer(materials, many=True).data)

    @extend_schema(request=serializers.UploadSerializer, responses={201: serializers.UploadResultSerializer})
    def post(self, request: Request, slug: str) -> Response:
        """Queue files for ingestion (teachers); files that cannot be queued are listed in ``errors``."""
        course = permissions.taught_course(request.user, slug)
        files = request.FILES.getlist("files")
        refused = refused_uploads(request)  # files dropped while streaming, for their size
        if not files and refused:
            return Response({"jobs": [], "errors": refused}, status=400)
        payload = serializers.UploadSerializer(data={"files": files})
        payload.is_valid(raise_exception=True)
        outcome = upload_materials(course=course, files=payload.validated_data["files"], uploaded_by=request.user)
        errors = refused + outcome.errors
        data = {"jobs": serializers.JobSerializer(outcome.jobs, many=True).data, "errors": errors}
        return Response(data, status=201 if outcome.jobs else 400)


class MaterialDetailView(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, pk: int) -> Response:
        """The material, its chunks and diagram graphs; redaction counts for its teachers only."""
        material = permissions.visible_material(request.user, pk)
        detail = rag_api.material_detail(material=material)
        data = {
            **serializers.MaterialSerializer(material).data,
            "extracted_text": detail.extracted_text,
            "chunks": [
                {
                    "id": chunk.id,
                    "ordinal": chunk.ordinal,
                    "modality": chunk.modality,
                    "heading": chunk.heading,
                    "text": chunk.text,
                    "page": chunk.page,
                    "region": chunk.region,
                    "diagram_id": chunk.diagram_id,
                }
                for chunk in detail.chunks
            ],
            "diagrams": [
                {
                    "id": diagram.pk,
                    "title": diagram.title,
                    "width": diagram.width,
                    "height": diagram.height,
                    "nodes": diagram.nodes,
                    "edges": diagram.edges,
                    "description": diagram.description,
                    "caption": diagram.caption,
                    "alt_text": diagram.screen_reader_text,
                    "section": diagram.heading,
                    "page": diagram.page,
                    "position": diagram.position,
                    "has_pixels": diagram.has_pixels,
                    "needs_description": diagram.needs_description,
                    "referring_chunk_ids": [chunk.pk for chunk in diagram.referring_chunks.all()],
                }
                for diagram in detail.diagrams
            ],
        }
        if permissions.can_teach_course(request.user, material.course):
            data["redactions"] = detail.redactions
        return Response(data)


class MaterialNewVersionView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=serializers.NewVersionSerializer, responses={202: serializers.JobSerializer})
    def post(self, request: Request, pk: int) -> Response:
        """Queue a new version of the material's file (its teachers): indexed like an upload, while students
        keep the current version; a refused or failed version leaves the current one in place."""
        material = permissions.taught_material(request.user, pk)
        payload = serializers.NewVersionSerializer(data=request.data)
        refused = refused_uploads(request)  # a file dropped while streaming, for its size (after parsing)
        if refused:
            return Response({"file": refused}, status=400)
        payload.is_valid(raise_exception=True)
        upload = payload.validated_data["file"]
        try:
            job = rag_api.replace_material_file(material=material, filename=upload.name or "file", content=upload,
                                                uploaded_by=request.user)  # fmt: skip
        except ValueError as error:  # an unsupported type, an empty, oversized or unchanged file, a run going on
            return Response({"file": [str(error)]}, status=400)
        logger.info("new material version queued", extra={"course_id": material.course_id, "material_id": material.pk})
        return Response(serializers.JobSerializer(job).data, status=202)


class JobListView(APIView):
    @extend_schema(responses=serializers.JobSerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        course = permissions.taught_course(request.user, slug)
        return Response(serializers.JobSerializer(rag_api.jobs_for_course(course=course)[:100], many=True).data)


class JobDetailView(APIView):
    @extend_schema(responses=serializers.JobSerializer)
    def get(self, request: Request, pk: int) -> Response:
        job = get_object_or_404(rag_api.IngestionJob.objects.select_related("material"), pk=pk)
        permissions.taught_material(request.user, job.material_id)
        return Response(serializers.JobSerializer(job).data)


class SearchView(APIView):
    @extend_schema(parameters=[serializers.SearchQuerySerializer], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, slug: str) -> Response:
        course = permissions.visible_course(request.user, slug)
        query = serializers.SearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        result = rag_api.search(
            user=request.user, course=course, query=query.validated_data["q"], k=query.validated_data["k"]
        )
        return Response(result.to_dict())


class ExplainView(APIView):
    throttle_classes = [ExplainThrottle]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(request=serializers.ExplainRequestSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, slug: str) -> Response:
        """An explanation for the signed-in student, grounded in the course's sources (rate limited)."""
        course = permissions.studied_course(request.user, slug)
        payload = serializers.ExplainRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            explanation = rag_api.explain(
                learner=request.user,
                course=course,
                question=payload.validated_data["question"],
                image=payload.validated_data.get("image"),
                conversation_id=payload.validated_data.get("conversation_id"),
            )
        except rag_api.ExplainBusyError as error:  # every generation slot is taken: a retry soon will work
            return Response({"detail": str(error)}, status=503, headers={"Retry-After": "30"})
        except rag_api.ExplainError as error:
            return Response({"detail": str(error)}, status=422)
        return Response(explanation.to_dict())


class ProfileView(APIView):
    @extend_schema(responses=serializers.ProfileSerializer)
    def get(self, request: Request) -> Response:
        profile = edu_api.LearnerProfile.objects.filter(user=request.user).first() or edu_api.LearnerProfile()
        return Response(serializers.ProfileSerializer(profile).data)

    @extend_schema(request=serializers.ProfileSerializer, responses=serializers.ProfileSerializer)
    def patch(self, request: Request) -> Response:
        payload = serializers.ProfileSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        profile = edu_services.update_profile(user=request.user, **payload.validated_data)
        return Response(serializers.ProfileSerializer(profile).data)


class ExportView(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        """Everything Glossa holds about the signed-in user (the same export as the portal)."""
        data = privacy_api.export_learner_data(user=request.user)
        privacy_api.record_action(action=privacy_api.AuditEvent.Action.EXPORT, actor=request.user, where="api",
                                  subject=f"user:{request.user.pk}")
        return Response(data, headers={"Cache-Control": "no-store"})
