"""Forms of the portal: validation of everything a user sends, with readable messages."""

from __future__ import annotations

import io

from django import forms
from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError

from edu.api import MAX_ROSTER_BYTES, Interaction, LearnerProfile, LearningObjective

MAX_QUESTION_CHARS = 2000
MAX_ASK_IMAGE_BYTES = 5 * 1024 * 1024
LANGUAGES = [("en", "English"), ("es", "Español"), ("fr", "Français"), ("de", "Deutsch"), ("pt", "Português")]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that accepts several files (Django's own field keeps only the last).

    One bad file (an empty one, say) does not refuse the others: the good files are the field's value and
    each refused one is in ``refused`` with its name and reason. Only when every file is bad is the form
    invalid."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)
        self.refused: list[str] = []

    def clean(self, data, initial=None):
        files = list(data) if isinstance(data, list | tuple) else [data]
        if not any(files):
            return [super().clean(None, initial)]  # "This field is required."
        accepted, self.refused = [], []
        for item in files:
            try:
                accepted.append(super().clean(item, initial))
            except ValidationError as error:
                self.refused.append(f"{getattr(item, 'name', 'A file')}: {' '.join(error.messages)}")
        if not accepted:
            raise ValidationError(self.refused)
        return accepted


class NewVersionForm(forms.Form):
    file = forms.FileField(
        label="New version of the file",
        help_text="Text, Markdown, HTML, PDF, PNG, JPEG, WebP or SVG. Students keep the current version until "
        "the new one is indexed; the title stays unless you rename it.",
    )


class ProfileForm(forms.Form):
    grade_level = forms.TypedChoiceField(
        label="Grade", coerce=int, choices=[(grade, f"Grade {grade}") for grade in range(1, 14)]
    )
    reading_level = forms.FloatField(
        label="Reading level",
        min_value=1.0,
        max_value=16.0,
        help_text="A school grade from 1 to 16. Your feedback on explanations adjusts it.",
        widget=forms.NumberInput(attrs={"step": "0.5"}),
    )
    language = forms.ChoiceField(label="Language of explanations", choices=LANGUAGES)
    accessibility_needs = forms.MultipleChoiceField(
        label="Accessibility",
        required=False,
        choices=LearnerProfile.Accessibility.choices,
        widget=forms.CheckboxSelectMultiple,
    )


class AskForm(forms.Form):
    conversation_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    question = forms.CharField(
        label="Your question",
        max_length=MAX_QUESTION_CHARS,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "For example: what happens after evaporation?"}),
    )
    image = forms.FileField(
        label="Photo of a diagram (optional)",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    diagram = forms.TypedChoiceField(label="Or pick a course diagram", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, diagrams=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["diagram"].choices = [("", "No diagram")] + [
            (diagram.pk, diagram.title or diagram.material.title) for diagram in diagrams
        ]

    def clean_image(self) -> bytes | None:
        upload = self.cleaned_data.get("image")
        if not upload:
            return None
        if upload.size > MAX_ASK_IMAGE_BYTES:
            raise ValidationError("The photo is larger than 5 MB; please use a smaller one.")
        content = upload.read()
        try:
            with Image.open(io.BytesIO(content)) as image:
                if image.format not in {"PNG", "JPEG", "WEBP"}:
                    raise ValidationError("Please upload a PNG, JPEG or WebP photo.")
                image.verify()
        except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
            raise ValidationError("This file is not a readable image.") from None
        return content


class PreviewForm(ProfileForm):
    """A transient learner profile a teacher explains "as"; nobody's profile is changed."""

    field_order = ["question"]
    question = AskForm.base_fields["question"]


class FeedbackForm(forms.Form):
    feedback = forms.ChoiceField(choices=[choice for choice in Interaction.Feedback.choices if choice[0]])


class PracticeForm(forms.Form):
    answer = forms.CharField(label="Your answer", max_length=500)


class UploadForm(forms.Form):
    files = MultipleFileField(
        label="Files",
        help_text="Text, Markdown, HTML, PDF, PNG, JPEG, WebP or SVG; several at once.",
    )
    objectives = forms.ModelMultipleChoiceField(
        label="Objectives these files teach",
        queryset=LearningObjective.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, course, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["objectives"].queryset = course.objectives.all()
        self.fields["objectives"].label_from_instance = lambda objective: objective.title


class ObjectiveForm(forms.Form):
    code = forms.SlugField(label="Code", max_length=80, help_text="Short identifier, e.g. water-cycle.")
    title = forms.CharField(label="Title", max_length=200)
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 2}))


ROSTER_HELP = (
    "A CSV file (UTF-8, at most 1 MB and 2,000 rows) whose first line names the columns, in any order: "
    "username, first_name, last_name (or name), email, role (student, teacher or guardian), grade (1-13), "
    "student_id. A row without a username uses the email as the username. A guardian row gives the guardian's "
    "name and email and, as student_id, the student_id of their student. Rows already in the course are left "
    "unchanged; a person who already has a Glossa account elsewhere is reported, not added: the school's "
    "administrator can link them. Only administrators add teachers."
)


class RosterForm(forms.Form):
    roster = forms.FileField(
        label="Roster CSV",
        help_text=ROSTER_HELP,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_roster(self) -> bytes:
        """The file's bytes, read no further than the importer's limit (it says what is wrong)."""
        upload = self.cleaned_data["roster"]
        if upload.size > MAX_ROSTER_BYTES:
            raise ValidationError("The roster is larger than 1 MB; split it into several files.")
        return upload.read(MAX_ROSTER_BYTES + 1)


class EraseForm(forms.Form):
    confirm = forms.CharField(label="Type your username to confirm", max_length=150)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_confirm(self) -> str:
        value = self.cleaned_data["confirm"]
        if value != self.user.get_username():
            raise ValidationError("That is not your username; nothing was erased.")
        return value


class FigureDescriptionForm(forms.Form):
    """A teacher's words for a picture nothing could be read on: indexed, and read aloud by screen readers."""

    description = forms.CharField(
        label="Describe this picture",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One or two sentences on what it shows, as you would say it to a student who cannot see it.",
    )
