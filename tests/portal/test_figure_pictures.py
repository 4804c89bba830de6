"""A document's figure that names a picture uploaded to the same course ("![Star trails](star-trails.jpg)") is
shown on the document's reading page with that picture: Glossa's rendering (redacted labels painted over), never
the upload, only where the reader may see the picture, with the document's alt text."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from PIL import Image

from edu.api import Material
from rag.api import DiagramGraph, reading_page
from tests.factories import CourseFactory, MaterialFactory, student_in, teacher_of

pytestmark = pytest.mark.django_db

LESSON = "Night sky\n\nStars seem to turn around the pole; the picture below shows their trails.\n"
ALT = "Star trails over a hill"


def _jpeg(size: tuple[int, int] = (300, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 20, 40)).save(buffer, format="JPEG")
    return buffer.getvalue()


def _picture(course, *, status=Material.Status.READY, text_blocks=(), name="star-trails.jpg") -> Material:
    picture = MaterialFactory(course=course, kind=Material.Kind.IMAGE, original_filename=name, content=_jpeg(),
                              status=status, title="Star trails")  # fmt: skip
    DiagramGraph.objects.create(material=picture, key="picture", width=300, height=200,
                                text_blocks=None if text_blocks is None else list(text_blocks))  # fmt: skip
    return picture


def _lesson(course, picture: Material | None, name: str = "night-sky.md", **figure) -> Material:
    lesson = MaterialFactory(course=course, kind=Material.Kind.MARKDOWN, original_filename=name,
                             content=f"{LESSON}{name}".encode(), status=Material.Status.READY, title="Night sky",
                             extracted_text=LESSON)  # fmt: skip
    DiagramGraph.objects.create(material=lesson, key="figure-1", has_pixels=False, picture=picture,
                                alt_text=figure.pop("alt_text", ALT), title="Star trails",
                                position={"source": "images/star-trails.jpg", "offset": len(LESSON)}, **figure)
    return lesson


@pytest.fixture
def course_people():
    course = CourseFactory(slug="sky")
    return course, student_in(course, username="pupil"), teacher_of(course, username="tutor")


def _read(client, user, material: Material) -> str:
    client.force_login(user)
    response = client.get(reverse("portal:material_read", args=[material.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    return page[page.index('<article class="reading"') : page.index("</article>")]


def _images(article: str) -> list[str]:
    return re.findall(r"<img [^>]*>", article)


def test_a_student_reads_the_markdown_figure_with_the_rendering_of_the_picture_it_names(client, course_people):
    course, student, _ = course_people
    picture = _picture(course)
    lesson = _lesson(course, picture)

    (image,) = _images(_read(client, student, lesson))
    rendering = reverse("portal:material_picture", args=[picture.pk])
    assert f'src="{rendering}"' in image and f'alt="{ALT}"' in image
    assert 'width="300" height="200"' in image, "the picture's own size, so the page does not jump as it loads"
    assert reverse("portal:material_file", args=[picture.pk]) not in image

    fetched = client.get(rendering)
    assert fetched.status_code == 200 and fetched["Content-Type"] == "image/png", "Glossa's rendering"
    assert client.get(reverse("portal:material_file", args=[picture.pk])).status_code == 403, "never the upload"


def test_the_teachers_description_of_the_figure_is_its_alt_text_and_the_picture_uploads_words_come_last(
    client, course_people
):
    course, student, teacher = course_people
    picture = _picture(course)
    described = _lesson(course, picture, teacher_description="Curved trails of stars around the pole star.")
    bare = _lesson(course, picture, name="bare.md", alt_text="")
    DiagramGraph.objects.filter(material=picture).update(teacher_description="A long-exposure photo of the sky.")

    for user in (student, teacher):
        assert 'alt="Curved trails of stars around the pole star."' in _images(_read(client, user, described))[0]
    assert 'alt="Star trails"' in _images(_read(client, student, bare))[0], "the document's title for it"
    page = reading_page(material=bare)
    (figure,) = [block for block in page.blocks if block.kind == "figure"]
    assert figure.placed.picture.material_id == picture.pk


@pytest.mark.parametrize("why", ["not indexed yet", "indexed before text boxes were kept", "another course"])
def test_no_picture_is_shown_where_its_rendering_is_not_for_this_reader(client, course_people, why):
    course, student, teacher = course_people
    if why == "not indexed yet":
        picture = _picture(course, status=Material.Status.PENDING)
    elif why == "indexed before text boxes were kept":
        picture = _picture(course, text_blocks=None)
    else:
        picture = _picture(CourseFactory(slug="elsewhere"))  # a link ingestion never makes, forced here
    lesson = _lesson(course, picture)

    for user in (student, teacher):
        article = _read(client, user, lesson)
        assert _images(article) == [], why
        assert ALT in article, "the figure is still there, in words"


def test_a_figure_whose_picture_was_deleted_is_shown_in_words(client, course_people):
    course, student, _ = course_people
    picture = _picture(course)
    lesson = _lesson(course, picture)
    picture.delete()

    article = _read(client, student, lesson)
    assert _images(article) == [] and ALT in article
