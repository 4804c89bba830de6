"""Practice on the dashboard, in real headless Chromium: multiple-choice choices are shuffled per attempt and
stay put on a reload, a question never comes back twice in a row, typed answers forgive a one-letter typo and
a plural while a near miss is asked to check its spelling; a student with no answers reads "No answers yet",
not the 20 % prior, on their dashboard and as "no data" in the teacher's heatmap, where the teacher opens a
student's answers to an objective."""

from __future__ import annotations

import itertools

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from edu.api import ItemResponse, next_step
from tests.e2e.conftest import sign_in, sign_out
from tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    ObjectiveFactory,
    PracticeItemFactory,
    student_in,
    teacher_of,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The right answer is stored first: shown unshuffled, it would always be the first choice.
MIXTURE_ITEMS = [
    ("Which method separates sand from water?", ["Filtering", "Melting", "Freezing", "Magnetism"]),
    ("Which method gets salt back from salty water?", ["Evaporating", "Filtering", "Sieving", "Stirring"]),
    ("Which method separates iron filings from sand?", ["A magnet", "A sieve", "Boiling", "Decanting"]),
]
OBSERVED_ATTEMPTS = 10  # a fixed order would put the right answer first in all ten: 1 in 4^10 by chance
ALMOST = "Almost: check the spelling and try again."


@pytest.fixture
def classroom():
    mixtures = CourseFactory(slug="mixtures", title="Mixtures", subject="Chemistry")
    separating = ObjectiveFactory(course=mixtures, code="separating", title="Separating mixtures", order=1)
    for order, (prompt, choices) in enumerate(MIXTURE_ITEMS, start=1):
        PracticeItemFactory(objective=separating, prompt=prompt, choices=choices, answer=0, order=order)
    plants = CourseFactory(slug="plants", title="Plants", subject="Biology")
    parts = ObjectiveFactory(course=plants, code="plant-parts", title="Plant parts", order=1)
    PracticeItemFactory(objective=parts, kind="short_answer", prompt="What process makes food in a leaf?",
                        answer=["photosynthesis"], order=1, explanation="Leaves make sugar from light.")
    PracticeItemFactory(objective=parts, kind="short_answer", prompt="Which dark fruit grows on a bramble?",
                        answer=["blackberry"], order=2, explanation="Brambles bear blackberries.")
    lina = student_in(mixtures, username="lina", first_name="Lina", last_name="Lake")
    nova = student_in(mixtures, username="nova", first_name="Nova", last_name="North")
    for student in (lina, nova):
        EnrollmentFactory(user=student, course=plants)
    teacher_of(plants, username="tess", first_name="Tess", last_name="Tide")
    return {"mixtures": mixtures, "plants": plants, "lina": lina}


def shown_question(card) -> tuple[str, list[str]]:
    """The prompt of the multiple-choice question on a course card and its choices, in the order shown."""
    choices = card.locator("form.practice label.choice").all_inner_texts()
    return card.locator("form.practice legend").inner_text(), [choice.strip() for choice in choices]


def test_choices_are_shuffled_per_attempt_kept_on_reload_and_no_question_repeats(live_server, page, classroom):
    lina, mixtures = classroom["lina"], classroom["mixtures"]
    right = {prompt: choices[0] for prompt, choices in MIXTURE_ITEMS}
    sign_in(page, live_server.url, "lina")
    card = page.get_by_role("region", name="Mixtures", exact=True)
    seen: list[tuple[str, list[str]]] = []
    for attempt in range(OBSERVED_ATTEMPTS):
        prompt, choices = shown_question(card)
        # The order this attempt's seed gives (the server's record of the item's last answer), as shown ...
        assert tuple(choices) == next_step(learner=lina, course=mixtures).choices
        page.reload()
        assert shown_question(card) == (prompt, choices)  # ... and the same after a reload
        seen.append((prompt, choices))
        # Two right answers, then wrong ones: after the third answer (wrong) the only item answered wrongly is
        # the one just answered, the item a plain "wrong ones first" order would ask again.
        pick = right[prompt] if attempt < 2 else next(choice for choice in choices if choice != right[prompt])
        card.get_by_label(pick).check()
        card.get_by_role("button", name="Check my answer").click()
        expect(card.get_by_role("status")).to_contain_text("Right!" if attempt < 2 else "Not quite.")
        card.get_by_role("link", name="Next question").click()
        page.wait_for_url(f"{live_server.url}/")

    prompts = [prompt for prompt, _ in seen]
    assert all(first != second for first, second in itertools.pairwise(prompts)), prompts
    assert set(prompts) == set(right)
    assert any(choices[0] != right[prompt] for prompt, choices in seen), "the right answer was always first"
    assert ItemResponse.objects.filter(learner=lina).count() == OBSERVED_ATTEMPTS


def test_typed_answers_forgive_a_typo_and_a_plural_and_a_student_without_answers_has_no_data(
    live_server, page, classroom
):
    base, plants = live_server.url, classroom["plants"]
    sign_in(page, base, "nova")  # no answers yet: no 20 % prior shown as if it were a score
    card = page.get_by_role("region", name="Plants", exact=True)
    expect(card.locator(".mastery-list li", has_text="Plant parts")).to_contain_text("No answers yet")
    expect(card.get_by_role("meter")).to_have_count(0)
    expect(card.locator(".mastery-list")).not_to_contain_text("%")
    sign_out(page)

    sign_in(page, base, "lina")
    card = page.get_by_role("region", name="Plants", exact=True)
    card.get_by_label("What process makes food in a leaf?").fill("fotosynthesis")  # two letters off
    card.get_by_role("button", name="Check my answer").click()
    expect(card.get_by_role("status")).to_have_text(f"{ALMOST} Next question")
    card.get_by_role("link", name="Next question").click()
    card.get_by_label("What process makes food in a leaf?").fill("photosynthsis")  # nothing was graded: asked again
    card.get_by_role("button", name="Check my answer").click()
    expect(card.get_by_role("status")).to_contain_text("Right! Leaves make sugar from light.")
    card.get_by_role("link", name="Next question").click()
    card.get_by_label("Which dark fruit grows on a bramble?").fill("Blackberries")
    card.get_by_role("button", name="Check my answer").click()
    expect(card.get_by_role("status")).to_contain_text("Right! Brambles bear blackberries.")
    card.get_by_role("link", name="Next question").click()
    expect(card.get_by_role("meter", name="Mastery of Plant parts")).to_be_visible()
    sign_out(page)

    sign_in(page, base, "tess")
    page.goto(base + reverse("portal:class_mastery", args=[plants.slug]))
    heatmap = page.locator("table.heatmap")
    expect(heatmap.locator("tr", has=page.get_by_role("rowheader", name="Nova North"))).to_contain_text("no data · 0")
    lina_row = heatmap.locator("tr", has=page.get_by_role("rowheader", name="Lina Lake"))
    expect(lina_row).to_contain_text("% · 2")
    expect(lina_row).not_to_contain_text("no data")

    heatmap.get_by_role("link", name="Plant parts").click()
    page.get_by_role("link", name="Lina Lake").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Answers on Plant parts by Lina Lake")
    typo = page.get_by_role("region", name="Answers to What process makes food in a leaf?")
    expect(typo.locator("tbody tr")).to_have_count(1)  # the near miss was not recorded
    expect(typo.locator("tbody td").nth(1)).to_have_text("photosynthsis")
    expect(typo.locator("tbody td").nth(2)).to_have_text("right")
    plural = page.get_by_role("region", name="Answers to Which dark fruit grows on a bramble?")
    expect(plural.locator("tbody td").nth(1)).to_have_text("Blackberries")
    expect(plural.locator("tbody td").nth(2)).to_have_text("right")
