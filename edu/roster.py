"""The one roster importer: the portal's roster page, the admin console and ``manage.py import_roster``
all call ``import_roster``, so one CSV format and one set of rules hold everywhere.

The format (README, "Roster CSV"): a header row, then one person per row. Columns, in any order and
any case: username, first_name, last_name (or name), email, role (student, teacher or guardian),
grade (1-13), student_id. A guardian row gives the guardian's name and email and, in student_id, the
student_id of their student in the course: guardians get no account, they go on that student's
profile so redaction knows them.

Rules, because a roster names children and an account is a way into their data:
- An import never adopts an existing account. A row whose username or email belongs to an account
  that is not already in this course with that role is reported and left alone (no enrollment, no
  change of name, grade or role). Only an administrator may link existing accounts (``link_existing``).
- Rows already in the course are reported as unchanged, so importing the same file twice is harmless.
- Only administrators add teachers; an import never changes anyone's role.
- Every row is validated on its own (Django's username validator, lengths, characters, email, grade);
  a bad row is reported by number and reason, never by its values, and never stops the other rows.
"""

from __future__ import annotations

import csv
import io
import string
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import DatabaseError, transaction
from django.db.models import Q

from edu.models import Course, Enrollment, LearnerProfile
from edu.selectors import role_in_course
from edu.services import RowError, create_user, enroll, update_profile

MAX_ROSTER_BYTES = 1024 * 1024
MAX_ROSTER_ROWS = 2000
ROSTER_COLUMNS = ("username", "first_name", "last_name", "name", "email", "role", "grade", "student_id")
ROLES = ("student", "teacher", "guardian")
MIN_GRADE, MAX_GRADE = 1, 13
NAME_PUNCTUATION = frozenset(" '’-.")
STUDENT_ID_CHARACTERS = frozenset(string.ascii_letters + string.digits + "._/-")

NOT_ADOPTED = "already has an account; an administrator can link it"


class RosterFileError(ValueError):
    """The file as a whole cannot be imported (size, encoding, header); nothing was changed."""


@dataclass
class RosterReport:
    """What an import did. Errors name the row and the problem, never the row's values."""

    created: int = 0
    linked: int = 0
    unchanged: int = 0
    guardians: int = 0
    errors: list[RowError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    linked_user_ids: list[int] = field(default_factory=list)

    @property
    def enrolled(self) -> int:
        return self.created + self.linked

    def counts(self) -> dict[str, int]:
        """Numbers only, for the audit trail."""
        return {"created": self.created, "linked": self.linked, "unchanged": self.unchanged,
                "guardians": self.guardians, "rejected": len(self.errors)}


@dataclass(frozen=True)
class _Row:
    number: int
    role: str
    username: str
    first_name: str
    last_name: str
    email: str
    grade: int | None
    student_id: str


def import_roster(
    *,
    course: Course,
    content: bytes | str,
    imported_by: AbstractBaseUser | None,
    link_existing: bool = False,
) -> RosterReport:
    """Import a roster CSV into ``course``.

    ``imported_by`` is the teacher or administrator importing; None is the operator's command line,
    which counts as an administrator. Raises RosterFileError when the file cannot be read at all and
    PermissionDenied when the importer may not import here or may not link existing accounts.
    """
    is_admin = imported_by is None or imported_by.is_staff
    if imported_by is not None and role_in_course(user=imported_by, course=course) != Enrollment.Role.TEACHER:
        raise PermissionDenied("Only the course's teachers and administrators may import its roster.")
    if link_existing and not is_admin:
        raise PermissionDenied("Only an administrator may link existing accounts to a course.")
    header, records = _read_csv(content)
    report = RosterReport()
    positions = _column_positions(header, report)
    rows: list[_Row] = []
    for number, values in records:
        try:
            rows.append(_parsed_row(number, values, positions, width=len(header)))
        except ValueError as error:
            report.errors.append(RowError(number, str(error)))
    if not records:
        report.notices.append("The file has a header but no rows.")
    # Accounts first, guardians after: a guardian row may come before their student's row.
    for row in sorted(rows, key=lambda row: (row.role == "guardian", row.number)):
        try:
            with transaction.atomic():
                if row.role == "guardian":
                    _import_guardian(row, course=course, is_admin=is_admin, report=report)
                else:
                    _import_account(row, course=course, is_admin=is_admin, link_existing=link_existing,
                                    report=report)
        except (ValueError, ValidationError) as error:
            report.errors.append(RowError(row.number, _message(error)))
        except DatabaseError:
            report.errors.append(RowError(row.number, "could not be saved; check its values and try again"))
    report.errors.sort(key=lambda error: error.row)
    return report


# --- Reading the file -------------------------------------------------------------------------

def _read_csv(content: bytes | str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(lower-cased header, [(row number, cells)]) without blank rows; the header is the first row."""
    raw = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
    if len(raw) > MAX_ROSTER_BYTES:
        raise RosterFileError(f"The roster is larger than {MAX_ROSTER_BYTES // (1024 * 1024)} MB; split it into "
                              "several files.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterFileError("The roster is not UTF-8 text; save the spreadsheet as 'CSV UTF-8'.") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    try:
        # Numbered as a spreadsheet numbers its rows (blank ones count; a cell may span lines).
        for number, values in enumerate(reader, start=1):
            if not any(value.strip() for value in values):
                continue
            if header is None:
                header = [value.strip().lower() for value in values]
                continue
            if len(records) >= MAX_ROSTER_ROWS:
                raise RosterFileError(f"The roster has more than {MAX_ROSTER_ROWS} rows; split it into several files.")
            records.append((number, values))
    except csv.Error:
        raise RosterFileError(f"The roster is not a readable CSV file (line {reader.line_num}).") from None
    if header is None:
        raise RosterFileError(f"The roster is empty. The first line must be a header naming the columns: "
                              f"{', '.join(ROSTER_COLUMNS)}.")
    if "username" not in header and "email" not in header:
        raise RosterFileError(f"The first line must be a header with a 'username' or an 'email' column; "
                              f"columns: {', '.join(ROSTER_COLUMNS)}.")
    return header, records


def _column_positions(header: list[str], report: RosterReport) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        if name not in ROSTER_COLUMNS:
            # By position: a header cell may be a pasted row of personal data.
            report.notices.append(f"Column {_column_letter(index)} is not a roster column and was ignored.")
        elif name in positions:
            raise RosterFileError(f"The column '{name}' appears twice in the header.")
        else:
            positions[name] = index
    return positions


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


# --- Validating one row -----------------------------------------------------------------------

def _parsed_row(number: int, values: list[str], positions: dict[str, int], *, width: int) -> _Row:
    """One row's fields, validated; ValueError says what is wrong without repeating the value."""
    if len(values) > width:
        raise ValueError("has more cells than the header has columns")
    cells = {name: values[index].strip() if index < len(values) else "" for name, index in positions.items()}
    for name, value in cells.items():
        if any(unicodedata.category(character) in {"Cc", "Cs", "Co", "Cn"} for character in value):
            raise ValueError(f"the {name} contains control or unprintable characters")
    role = (cells.get("role") or "student").lower()
    if role not in ROLES:
        raise ValueError("the role must be student, teacher or guardian")
    first_name, last_name = cells.get("first_name", ""), cells.get("last_name", "")
    if not (first_name or last_name) and cells.get("name"):
        first_name, last_name = _split_name(cells["name"])
    for label, value in (("first name", first_name), ("last name", last_name)):
        _check_name(label, value)
    email = cells.get("email", "").lower()
    if email:
        if len(email) > 254:
            raise ValueError("the email is longer than 254 characters")
        try:
            validate_email(email)
        except ValidationError:
            raise ValueError("the email is not a valid address") from None
    student_id = cells.get("student_id", "")
    if len(student_id) > 64:
        raise ValueError("the student_id is longer than 64 characters")
    if not set(student_id) <= STUDENT_ID_CHARACTERS:
        raise ValueError("the student_id may contain only letters, digits and . _ / -")
    grade = _grade(cells.get("grade", ""))
    if role == "guardian":
        if not student_id:
            raise ValueError("a guardian row needs the student_id of their student")
        if not (first_name or last_name):
            raise ValueError("a guardian row needs the guardian's name")
        if len(f"{first_name} {last_name}".strip()) > LearnerProfile._meta.get_field("guardian_name").max_length:
            raise ValueError("the guardian's name is too long")
        return _Row(number, role, "", first_name, last_name, email, None, student_id)
    username = cells.get("username", "") or email
    if not username:
        raise ValueError("the username is missing (give a username or an email)")
    _check_username(username)
    return _Row(number, role, username, first_name, last_name, email, grade, student_id)


def _split_name(full_name: str) -> tuple[str, str]:
    """'Ana María López' -> ('Ana María', 'López'): the last word is the family name."""
    parts = full_name.split()
    return (" ".join(parts[:-1]), parts[-1]) if len(parts) > 1 else (full_name, "")


def _check_name(label: str, value: str) -> None:
    limit = get_user_model()._meta.get_field("first_name").max_length
    if len(value) > limit:
        raise ValueError(f"the {label} is longer than {limit} characters")
    if any(unicodedata.category(character)[0] not in "LM" and character not in NAME_PUNCTUATION
           for character in value):
        raise ValueError(f"the {label} may contain only letters, spaces, apostrophes, hyphens and full stops")


def _check_username(username: str) -> None:
    username_field = get_user_model()._meta.get_field(get_user_model().USERNAME_FIELD)
    if len(username) > username_field.max_length:
        raise ValueError(f"the username is longer than {username_field.max_length} characters")
    try:
        username_field.run_validators(username)
    except ValidationError:
        raise ValueError("the username may contain only letters, digits and @ . + - _") from None


def _grade(value: str) -> int | None:
    if not value:
        return None
    if not value.isascii() or not value.isdigit() or not MIN_GRADE <= int(value) <= MAX_GRADE:
        raise ValueError(f"the grade must be a whole number from {MIN_GRADE} to {MAX_GRADE}")
    return int(value)


# --- Writing one row --------------------------------------------------------------------------

def _import_account(row: _Row, *, course: Course, is_admin: bool, link_existing: bool, report: RosterReport) -> None:
    if row.role == Enrollment.Role.TEACHER and not is_admin:
        raise ValueError("only an administrator can add teachers")
    matches = list(_existing_accounts(username=row.username, email=row.email))
    if matches:
        _existing_account_row(row, matches, course=course, link_existing=link_existing, report=report)
        return
    if row.student_id and _student_with_id(course=course, student_id=row.student_id) is not None:
        raise ValueError("the student_id is already used by another student in this course")
    user = create_user(username=row.username, first_name=row.first_name, last_name=row.last_name, email=row.email)
    enroll(user=user, course=course, role=row.role)
    if row.role == Enrollment.Role.STUDENT and (row.grade is not None or row.student_id):
        update_profile(user=user, **({"grade_level": row.grade} if row.grade is not None else {}),
                       **({"student_id": row.student_id} if row.student_id else {}))
    report.created += 1


def _existing_accounts(*, username: str, email: str) -> Iterator[AbstractBaseUser]:
    """Accounts this row could mean: the same username (in any case) or the same email."""
    users = get_user_model().objects
    same = Q(**{f"{get_user_model().USERNAME_FIELD}__iexact": username})
    if email:
        same |= Q(email__iexact=email)
    return users.filter(same).order_by("pk").iterator()


def _existing_account_row(
    row: _Row, matches: list[AbstractBaseUser], *, course: Course, link_existing: bool, report: RosterReport
) -> None:
    """Unchanged if already here with this role; otherwise left alone unless an administrator links it."""
    roles = dict(Enrollment.objects.filter(course=course, user__in=matches).values_list("user_id", "role"))
    if len(matches) == 1 and roles.get(matches[0].pk) == row.role:
        report.unchanged += 1
        return
    if roles:
        raise ValueError("is already in this course with another role; an import never changes roles")
    if not link_existing:
        raise ValueError(NOT_ADOPTED)
    if len(matches) > 1:
        raise ValueError("matches more than one existing account; link it in the admin console")
    user = matches[0]
    if user.is_staff or user.is_superuser:
        raise ValueError("is an administrator account; an import cannot link it")
    enroll(user=user, course=course, role=row.role)
    report.linked += 1
    report.linked_user_ids.append(user.pk)


def _student_with_id(*, course: Course, student_id: str) -> LearnerProfile | None:
    return (
        LearnerProfile.objects.filter(
            student_id=student_id, user__enrollments__course=course, user__enrollments__role=Enrollment.Role.STUDENT
        )
        .select_related("user")
        .first()
    )


def _import_guardian(row: _Row, *, course: Course, is_admin: bool, report: RosterReport) -> None:
    profile = _student_with_id(course=course, student_id=row.student_id)
    if profile is None:
        raise ValueError("no student in this course has this row's student_id")
    name = f"{row.first_name} {row.last_name}".strip()
    if (profile.guardian_name, profile.guardian_email) == (name, row.email):
        report.unchanged += 1
        return
    if profile.guardian_name and not is_admin:
        raise ValueError("the student already has another guardian on record; an administrator can change it")
    update_profile(user=profile.user, guardian_name=name, guardian_email=row.email)
    report.guardians += 1


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):  # from a model's full_clean: name the fields, not their values
        fields = sorted(error.message_dict) if hasattr(error, "message_dict") else []
        return f"has an invalid {', '.join(fields)}" if fields else "has an invalid value"
    return str(error)
