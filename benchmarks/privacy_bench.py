"""Privacy benchmark: recall on learner text, public names kept in course text, throughput vs vanilla Presidio.

Run:  .venv/bin/python benchmarks/privacy_bench.py   (make bench-privacy)
      options: --learner N (texts, default 400) --lessons N (default 120) --throughput N (default 300) --seed S

The labeled set is generated here (seeded): learner texts mixing names from pools written for this
benchmark (several cultures, title/lower/upper case) with contact data in varied formats; lesson
texts full of public names (about half of them NOT in Glossa's allow-list, reported separately) plus
roster names and contact data. An entity counts as found when detected spans cover it entirely.
Throughput compares Glossa's ``redact_texts`` (batched) with vanilla Presidio (AnalyzerEngine +
AnonymizerEngine, same spaCy model, one text at a time) on the same ~150-character texts, in the
same run, alternating rounds. Uses its own scratch database (``bench_privacy``), dropped at the end.
Writes benchmarks/results/privacy_bench.json.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edu.settings")
# Measured as served: with DEBUG on, Django keeps and formats the text of every SQL query.
os.environ.setdefault("DJANGO_DEBUG", "false")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "privacy_bench.json"

FIRST = ["Aiyana", "Bongani", "Chiara", "Dmitri", "Esperanza", "Farrukh", "Giulia", "Hamza", "Ingrid", "Jae-won",
         "Kwame", "Leilani", "Mateus", "Nadia", "Oisin", "Priyanka", "Quentin", "Rashida", "Soren", "Thandiwe",
         "Umar", "Valentina", "Wen", "Xochitl", "Yusuf", "Zofia", "Emeka", "Saoirse", "Tariq", "Ayumi", "Bjorn",
         "Camila", "Declan", "Eszter", "Folasade", "Gustavo", "Hiroshi", "Ilse", "Jasmine", "Kofi", "Lucia",
         "Mehmet", "Noor", "Olga", "Pedro", "Rania", "Siddharth", "Tomasz", "Ulla", "Vikram", "Wanjiru", "Yara"]
LAST = ["Abernathy", "Balogun", "Castellanos", "Dimitrov", "Eriksen", "Fonseca", "Gallagher", "Haddad", "Ivanova",
        "Jankowski", "Kariuki", "Lindqvist", "Mbeki", "Nakamura", "Okonkwo", "Petrakis", "Quintero", "Rahman",
        "Sokolov", "Tanaka", "Uchenna", "Vasquez", "Whitfield", "Xu", "Yilmaz", "Zielinski", "Oyelaran", "Brannigan",
        "Chowdhury", "Delacroix", "Featherstone", "Grunewald", "Halvorsen", "Iglesias", "Kowalczyk", "Moreau"]
TOWNS = ["Millbrook", "Cedar Falls", "Ashford", "Riverton", "Port Hadley", "Glenwood", "Oakridge", "Brackenfield",
         "Lower Dunmore", "Westhaven", "Kingsbury", "Marlow Heath"]
STREETS = ["Maple", "Juniper", "Old Mill", "Harbor View", "Kestrel", "Birchwood", "Elm", "Quarry"]
STREET_TYPES = ["Street", "St.", "Avenue", "Ave", "Road", "Rd", "Lane", "Drive", "Court", "Way", "Boulevard"]
PUBLIC_PEOPLE = ["Isaac Newton", "Marie Curie", "Charles Darwin", "Galileo Galilei", "Ada Lovelace", "Nikola Tesla",
                 "Rosalind Franklin", "Gregor Mendel", "Louis Pasteur", "Leonardo da Vinci", "Julius Caesar",
                 "Cleopatra", "Abraham Lincoln", "Harriet Tubman", "William Shakespeare", "Mahatma Gandhi"]
PUBLIC_PEOPLE_UNLISTED = ["Hedy Lamarr", "Wangari Maathai", "Ibn Battuta", "Zheng He", "Mary Anning",
                          "Alfred Wegener", "Lord Kelvin", "Cecilia Payne", "Chandrasekhar", "Santiago Ramon y Cajal",
                          "Hildegard of Bingen", "Toussaint Louverture", "Nzinga", "Matthew Henson",
                          "Garrett Morgan", "Hans Krebs"]
PUBLIC_PLACES = ["Egypt", "the Nile", "Mesopotamia", "the Amazon", "Mount Everest", "Paris", "the Sahara",
                 "Japan", "Peru", "the Andes", "Rome", "Mars", "Jupiter", "the Pacific Ocean"]
PUBLIC_PLACES_UNLISTED = ["Lake Baikal", "the Okavango Delta", "Patagonia", "the Danakil Depression", "Svalbard",
                          "the Mariana Trench", "Kamchatka", "Uluru", "the Ring of Fire", "Tierra del Fuego"]
ACTS = ["discovered", "explained", "described", "studied", "showed", "argued", "demonstrated"]
TOPICS = ["how light bends", "the shape of orbits", "why species change", "the structure of DNA", "trade routes",
          "the causes of earthquakes", "the age of fossils", "electric current", "the spread of disease"]


def luhn_card(rng: random.Random) -> str:
    digits = [4] + [rng.randint(0, 9) for _ in range(14)]
    total = 0
    for index, digit in enumerate(reversed(digits)):
        doubled = digit * 2 if index % 2 == 0 else digit
        total += doubled - 9 if doubled > 9 else doubled
    digits.append((10 - total % 10) % 10)
    number = "".join(map(str, digits))
    return rng.choice([number, " ".join(number[i : i + 4] for i in range(0, 16, 4)),
                       "-".join(number[i : i + 4] for i in range(0, 16, 4))])


def make_value(kind: str, rng: random.Random) -> str:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    if kind == "PERSON":
        name = rng.choice([f"{first} {last}", first, f"{first} {last}"])
        return rng.choice([name, name, name.lower(), name.upper()])
    if kind == "EMAIL_ADDRESS":
        user = rng.choice(
            [f"{first}.{last}", f"{first[0]}{last}{rng.randint(1, 99)}", f"{first}_{rng.randint(1, 999)}"]
        )
        return f"{user.lower()}@{rng.choice(['gmail.com', 'school.org', 'mail.co.uk', 'outlook.com', 'web.de'])}"
    if kind == "PHONE_NUMBER":
        a, b, c = rng.randint(201, 989), rng.randint(200, 999), rng.randint(0, 9999)
        return rng.choice([f"({a}) {b}-{c:04d}", f"{a}-{b}-{c:04d}", f"{a}.{b}.{c:04d}", f"+1 {a} {b} {c:04d}",
                           f"+44 20 7{rng.randint(100, 999)} {c:04d}", f"+49 30 {rng.randint(100000, 999999)}",
                           f"+91 9{rng.randint(1000, 9999)} {rng.randint(10000, 99999)}", f"555-{c:04d}"])
    if kind == "STREET_ADDRESS":
        unit = rng.choice(["", f", Apt {rng.randint(1, 40)}", f" Unit {rng.randint(1, 9)}B"])
        return f"{rng.randint(1, 9999)} {rng.choice(STREETS)} {rng.choice(STREET_TYPES)}{unit}"
    if kind == "LOCATION":
        town = rng.choice(TOWNS)
        return rng.choice([town, town.lower()])
    if kind == "DATE_OF_BIRTH":
        y, m, d = rng.randint(2008, 2019), rng.randint(1, 12), rng.randint(1, 28)
        month = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                 "November", "December"][m - 1]
        return rng.choice([f"{m:02d}/{d:02d}/{y}", f"{y}-{m:02d}-{d:02d}", f"{d}.{m}.{y}", f"{month} {d}, {y}",
                           f"{d} {month} {y}", f"{month[:3]} {d}th", f"the {d}th of {month}"])
    if kind == "US_SSN":
        area = rng.choice([n for n in range(1, 900) if n != 666])
        return rng.choice(["{:03d}-{:02d}-{:04d}", "{:03d} {:02d} {:04d}"]).format(
            area, rng.randint(1, 99), rng.randint(1, 9999))
    if kind == "IP_ADDRESS":
        return rng.choice([".".join(str(rng.randint(1, 254)) for _ in range(4)),
                           f"2001:db8::{rng.randint(1, 9999):x}"])
    if kind == "URL":
        handle = f"{first.lower()}{last.lower()[:3]}"
        return rng.choice([f"https://instagram.com/{handle}", f"www.{handle}.blog", f"https://github.com/{handle}",
                           f"http://{handle}.me/about", f"tiktok.com/@{handle}"])
    if kind == "CREDIT_CARD":
        return luhn_card(rng)
    if kind == "STUDENT_ID":
        return rng.choice(["S", "s"]) + str(rng.randint(100000, 99999999))
    raise ValueError(kind)


LEARNER_TEMPLATES = {
    "PERSON": ["my friend {v} says the answer is wrong", "{v} and I did the lab together, can you check it?",
               "can you explain photosynthesis like {v} did in class?", "I am {v} and I don't get fractions"],
    "EMAIL_ADDRESS": ["please send the worksheet to {v}", "my email is {v} if you need it"],
    "PHONE_NUMBER": ["you can call me at {v} after school", "my mom's number is {v}"],
    "STREET_ADDRESS": ["I live at {v} near the park", "the study group meets at {v} on Fridays"],
    "LOCATION": ["I live in {v} and it rains a lot", "we moved to {v} last year so I missed this unit"],
    "DATE_OF_BIRTH": ["I was born on {v} so am I old enough?", "my birthday is {v}", "DOB: {v}"],
    "US_SSN": ["my ssn is {v} for the form", "social security number {v}"],
    "IP_ADDRESS": ["my laptop ip is {v} and the quiz won't load", "it says blocked for {v}"],
    "URL": ["here is my page {v} with the project", "check my profile {v}"],
    "CREDIT_CARD": ["can I pay the trip with card {v}?", "the card number is {v}"],
    "STUDENT_ID": ["my student id is {v}", "I'm {v} in the register"],
}


def learner_set(n: int, rng: random.Random) -> list[tuple[str, list[tuple[str, int, int]]]]:
    """Texts with one or two labeled entities each; about 150 characters with a neutral filler."""
    fillers = ["Also, why does ice float on water?", "And what is the difference between weather and climate?",
               "I also need help with long division.", "Is the mitochondria really the powerhouse of the cell?"]
    items = []
    kinds = list(LEARNER_TEMPLATES)
    for index in range(n):
        chosen = [kinds[index % len(kinds)], rng.choice(kinds)]
        text, labels = "", []
        for kind in chosen:
            template = rng.choice(LEARNER_TEMPLATES[kind])
            value = make_value(kind, rng)
            prefix = text + ("" if not text else ". ") + template.split("{v}")[0]
            labels.append((kind, len(prefix), len(prefix) + len(value)))
            text = prefix + value + template.split("{v}")[1]
        items.append((text + ". " + rng.choice(fillers), labels))
    return items


def lesson_set(n: int, rng: random.Random, roster: list[str]) -> list[dict]:
    """Lesson paragraphs with public names (labeled keep) plus roster names and contacts (labeled remove)."""
    items = []
    for _ in range(n):
        text, keep, remove = "", [], []

        def add(piece: str, value: str | None = None, bucket: list | None = None, tag: str = "") -> None:
            nonlocal text
            if value is not None:
                start = len(text) + piece.index("{v}")
                bucket.append((tag, start, start + len(value)))
                piece = piece.replace("{v}", value)
            text += piece

        for _sentence in range(3):
            listed = rng.random() < 0.5
            person = rng.choice(PUBLIC_PEOPLE if listed else PUBLIC_PEOPLE_UNLISTED)
            place = rng.choice(PUBLIC_PLACES if rng.random() < 0.5 else PUBLIC_PLACES_UNLISTED)
            add("{v} ", person, keep, "listed" if listed else "unlisted")
            add(f"{rng.choice(ACTS)} {rng.choice(TOPICS)} while working in ")
            add("{v}. ", place, keep, "listed" if place in PUBLIC_PLACES else "unlisted")
        roster_name = rng.choice(roster)
        roster_name = rng.choice([roster_name, roster_name.lower(), roster_name.split()[0]])
        add(rng.choice(["Thanks to {v} for preparing these notes. ", "Ask {v} to read this aloud. ",
                        "{v} will present the summary on Friday. "]), roster_name, remove, "ROSTER")
        contact = rng.choice(["EMAIL_ADDRESS", "PHONE_NUMBER", "STUDENT_ID"])
        add("Questions: {v}.", make_value(contact, rng), remove, contact)
        items.append({"text": text, "keep": keep, "remove": remove})
    return items


def covered(text: str, span: tuple[int, int], detected: list[tuple[int, int]]) -> bool:
    """Every non-space character of the labeled span lies inside some detected span."""
    start, end = span
    return all(not text[i].strip() or any(s <= i < e for s, e in detected) for i in range(start, end))


def rate(hits: int, total: int) -> float:
    return round(hits / total, 4) if total else 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learner", type=int, default=400)
    parser.add_argument("--lessons", type=int, default=120)
    parser.add_argument("--throughput", type=int, default=300)
    parser.add_argument("--seed", type=int, default=20260)
    args = parser.parse_args()
    logging.getLogger("tldextract").setLevel(logging.CRITICAL)  # vanilla Presidio tries to fetch; no network

    settings.DATABASES["default"]["TEST"]["NAME"] = "bench_privacy"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        report = run(args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2))
    print(f"\nwrote {RESULTS}")


def run(args) -> dict:
    from presidio_analyzer import AnalyzerEngine
    from presidio_anonymizer import AnonymizerEngine

    from edu.api import Course, Enrollment, LearnerProfile, create_user, enroll
    from privacy.api import ContentKind, redact_texts
    from privacy.engine import build_nlp_engine

    rng = random.Random(args.seed)
    course = Course.objects.create(slug="bench", title="Bench course")
    roster = []
    for index in range(24):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        user = create_user(username=f"u{index}", first_name=first, last_name=last)
        enroll(user=user, course=course, role=Enrollment.Role.TEACHER if index < 2 else Enrollment.Role.STUDENT)
        roster.append(f"{first} {last}")
        if index >= 2 and index % 3 == 0:
            guardian = f"{rng.choice(FIRST)} {last}"
            profile = LearnerProfile.objects.get(user=user)
            profile.guardian_name = guardian
            profile.save()
            roster.append(guardian)

    # --- learner text recall -------------------------------------------------------------
    learner = learner_set(args.learner, rng)
    results = redact_texts([text for text, _ in learner], kind=ContentKind.LEARNER, where="bench")
    found: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    person_case: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses = []
    for (text, labels), result in zip(learner, results, strict=True):
        detected = [(e.start, e.end) for e in result.entities]
        for kind, start, end in labels:
            hit = covered(text, (start, end), detected)
            found[kind][0] += hit
            found[kind][1] += 1
            if kind == "PERSON":
                value = text[start:end]
                case = "lower" if value.islower() else "upper" if value.isupper() else "title"
                person_case[case][0] += hit
                person_case[case][1] += 1
            if not hit and len(misses) < 10:
                misses.append({"type": kind, "value": text[start:end]})
    learner_recall = {kind: rate(*found[kind]) for kind in sorted(found)}

    # --- course text: public names kept, roster and contacts removed ---------------------
    lessons = lesson_set(args.lessons, rng, roster)
    course_results = redact_texts([item["text"] for item in lessons], kind=ContentKind.COURSE, course=course,
                                  where="bench")
    kept = defaultdict(lambda: [0, 0])
    removed = defaultdict(lambda: [0, 0])
    for item, result in zip(lessons, course_results, strict=True):
        detected = [(e.start, e.end) for e in result.entities]
        for tag, start, end in item["keep"]:
            untouched = not any(s < end and start < e for s, e in detected)
            kept[tag][0] += untouched
            kept[tag][1] += 1
        for tag, start, end in item["remove"]:
            removed[tag][0] += covered(item["text"], (start, end), detected)
            removed[tag][1] += 1
    keep_total = [sum(v[0] for v in kept.values()), sum(v[1] for v in kept.values())]

    # --- vanilla Presidio on the same lesson texts (for the keep rate) and throughput ----
    vanilla = AnalyzerEngine(nlp_engine=build_nlp_engine())
    anonymizer = AnonymizerEngine()
    vanilla_kept = [0, 0]
    for item in lessons:
        spans = [(r.start, r.end) for r in vanilla.analyze(item["text"], "en")]
        for _tag, start, end in item["keep"]:
            vanilla_kept[0] += not any(s < end and start < e for s, e in spans)
            vanilla_kept[1] += 1

    texts = [text for text, _ in learner_set(args.throughput, random.Random(args.seed + 1))]
    mean_chars = statistics.mean(len(t) for t in texts)
    redact_texts(texts[:8], kind=ContentKind.LEARNER, where="bench")
    anonymizer.anonymize(texts[0], vanilla.analyze(texts[0], "en"))
    ours_rates, vanilla_rates = [], []
    for _round in range(2):
        start = time.perf_counter()
        for text in texts:
            anonymizer.anonymize(text, vanilla.analyze(text, "en"))
        vanilla_rates.append(len(texts) / (time.perf_counter() - start))
        start = time.perf_counter()
        for offset in range(0, len(texts), 64):
            redact_texts(texts[offset : offset + 64], kind=ContentKind.LEARNER, where="bench")
        ours_rates.append(len(texts) / (time.perf_counter() - start))
    ours_rate, vanilla_rate = max(ours_rates), max(vanilla_rates)

    report = {
        "config": vars(args),
        "learner": {"texts": len(learner), "recall": learner_recall,
                    "person_recall_by_case": {c: rate(*v) for c, v in sorted(person_case.items())},
                    "entities": {k: v[1] for k, v in sorted(found.items())}, "misses_sample": misses},
        "course": {"texts": len(lessons), "public_kept": rate(*keep_total),
                   "public_kept_by_source": {tag: rate(*v) for tag, v in sorted(kept.items())},
                   "removed": {tag: rate(*v) for tag, v in sorted(removed.items())},
                   "vanilla_public_kept": rate(*vanilla_kept)},
        "throughput": {"texts": len(texts), "mean_chars": round(mean_chars, 1),
                       "glossa_texts_per_s": round(ours_rate, 1),
                       "vanilla_texts_per_s": round(vanilla_rate, 1), "speedup": round(ours_rate / vanilla_rate, 2),
                       "rounds": {"glossa": [round(r, 1) for r in ours_rates],
                                  "vanilla": [round(r, 1) for r in vanilla_rates]}},
    }
    print_report(report)
    return report


def print_report(report: dict) -> None:
    print(f"\nLearner text ({report['learner']['texts']} texts): recall per entity type (target >= 0.98)")
    for kind, value in report["learner"]["recall"].items():
        print(f"  {kind:<16} {value:6.3f}  (n={report['learner']['entities'][kind]})")
    by_case = report["learner"]["person_recall_by_case"].items()
    print("  PERSON by casing: " + ", ".join(f"{k} {v:.3f}" for k, v in by_case))
    course = report["course"]
    print(f"\nCourse text ({course['texts']} lessons)")
    print(f"  public names kept      {course['public_kept']:.3f}  (target >= 0.95; vanilla Presidio keeps "
          f"{course['vanilla_public_kept']:.3f})")
    for tag, value in course["public_kept_by_source"].items():
        print(f"    {tag + ' in allow-list' if tag == 'listed' else 'not in allow-list':<22} {value:.3f}")
    for tag, value in course["removed"].items():
        print(f"  removed {tag:<15} {value:.3f}  (target 1.000)")
    speed = report["throughput"]
    print(f"\nThroughput ({speed['texts']} texts of ~{speed['mean_chars']:.0f} chars, best of 2 alternating rounds)")
    print(f"  Glossa redact_texts     {speed['glossa_texts_per_s']:8.1f} texts/s")
    print(f"  vanilla Presidio        {speed['vanilla_texts_per_s']:8.1f} texts/s")
    print(f"  speedup                 {speed['speedup']:8.2f}x  (target >= 2x)")


if __name__ == "__main__":
    main()
