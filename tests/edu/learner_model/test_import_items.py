"""import_items_csv (edu/services.py) and `manage.py import_items`: teacher CSVs, bad rows reported."""

import io

import pytest
from django.core.management import CommandError, call_command

from edu.models import PracticeItem
from edu.services import ItemImportError, import_items_csv
from tests.factories import CourseFactory, ObjectiveFactory, UserFactory

pytestmark = pytest.mark.django_db

GOOD_AND_BAD = """objective_code,kind,prompt,choices,answer,explanation
photosynthesis,multiple_choice,Which gas do leaves use?,Oxygen|Carbon dioxide|Nitrogen,Carbon dioxide,They take it in.
photosynthesis,short_answer,What do leaves make?,,sugar|glucose,
unknown-code,short_answer,Orphan question?,,yes,
photosynthesis,multiple_choice,Pick one,Red|Blue,Green,
photosynthesis,essay,Write about leaves,,anything,

photosynthesis,short_answer,,,sugar,
photosynthesis,multiple_choice,Only one choice?,Alone,Alone,
"""


@pytest.fixture
def course():
    course = CourseFactory(slug="biology")
    ObjectiveFactory(course=course, code="photosynthesis")
    return course


def test_good_rows_are_imported_and_bad_rows_reported_by_spreadsheet_row(course):
    teacher = UserFactory()
    report = import_items_csv(course=course, file=io.StringIO(GOOD_AND_BAD), created_by=teacher)
    assert (report.created, report.updated) == (2, 0)
    assert [error.row for error in report.errors] == [4, 5, 6, 8, 9]
    messages = [str(error) for error in report.errors]
    assert messages[0] == "row 4: unknown objective code 'unknown-code'"
    assert messages[1] == "row 5: answer must be the text of one of the choices"
    assert messages[2] == "row 6: kind must be multiple_choice or short_answer"
    assert messages[3].startswith("row 8: prompt:")
    assert messages[4].startswith("row 9: choices:")
    mc, short = PracticeItem.objects.order_by("order")
    assert (mc.kind, mc.choices, mc.answer, mc.explanation) == (
        "multiple_choice",
        ["Oxygen", "Carbon dioxide", "Nitrogen"],
        1,
        "They take it in.",
    )
    assert (short.kind, short.answer, short.created_by) == ("short_answer", ["sugar", "glucose"], teacher)


def test_importing_a_corrected_file_again_updates_instead_of_duplicating(course):
    import_items_csv(course=course, file=io.StringIO(GOOD_AND_BAD))
    corrected = GOOD_AND_BAD.replace("sugar|glucose", "sugar|glucose|starch")
    report = import_items_csv(course=course, file=io.StringIO(corrected))
    assert (report.created, report.updated) == (0, 2)
    assert PracticeItem.objects.get(prompt="What do leaves make?").answer == ["sugar", "glucose", "starch"]


def test_objectives_of_other_courses_are_not_reachable(course):
    other = CourseFactory()
    ObjectiveFactory(course=other, code="secret")
    report = import_items_csv(
        course=course, file=io.StringIO("objective_code,kind,prompt,answer\nsecret,short,Q?,a\n")
    )
    assert report.created == 0 and report.errors[0].row == 2


def test_bytes_with_a_byte_order_mark_and_capitalised_headers_are_read(course):
    data = "\ufeffObjective_Code,Kind,Prompt,Answer\nphotosynthesis,Short Answer,Colour of leaves?,green\n"
    report = import_items_csv(course=course, file=io.BytesIO(data.encode("utf-8")))
    assert report.created == 1 and report.errors == []


def test_a_file_without_the_required_columns_is_refused_whole(course):
    with pytest.raises(ItemImportError, match="lacks the column.*kind, answer"):
        import_items_csv(course=course, file=io.StringIO("objective_code,prompt\nphotosynthesis,Q?\n"))


def test_a_file_that_is_not_utf8_is_refused_with_advice(course):
    with pytest.raises(ItemImportError, match="CSV UTF-8"):
        import_items_csv(course=course, file=io.BytesIO("objective_code,kind,prompt,answer\né".encode("cp1252")))


class TestCommand:
    def test_it_imports_and_lists_the_bad_rows(self, course, tmp_path):
        path = tmp_path / "items.csv"
        path.write_text(GOOD_AND_BAD, encoding="utf-8")
        out, err = io.StringIO(), io.StringIO()
        with pytest.raises(CommandError, match="5 row\\(s\\) were not imported"):
            call_command("import_items", str(path), course="biology", stdout=out, stderr=err)
        assert "2 item(s) created, 0 updated." in out.getvalue()
        assert "row 4: unknown objective code 'unknown-code'" in err.getvalue()
        assert PracticeItem.objects.count() == 2

    def test_a_clean_file_succeeds(self, course, tmp_path):
        path = tmp_path / "items.csv"
        path.write_text("objective_code,kind,prompt,answer\nphotosynthesis,short_answer,Q?,a\n", encoding="utf-8")
        out = io.StringIO()
        call_command("import_items", str(path), course="biology", stdout=out)
        assert "1 item(s) created" in out.getvalue()

    def test_an_unknown_course_or_missing_file_is_a_clear_error(self, course, tmp_path):
        with pytest.raises(CommandError, match="No course with the slug 'nope'"):
            call_command("import_items", str(tmp_path / "x.csv"), course="nope")
        with pytest.raises(CommandError, match="Cannot read"):
            call_command("import_items", str(tmp_path / "missing.csv"), course="biology")


def test_a_file_csv_cannot_parse_imports_nothing(course):
    data = 'objective_code,kind,prompt,answer\nphotosynthesis,short_answer,Q?,a\nphotosynthesis,short,"Q2?,b\n'
    with pytest.raises(ItemImportError, match="not a readable CSV \\(line 3\\)"):
        import_items_csv(course=course, file=io.StringIO(data))
    assert not PracticeItem.objects.exists()
