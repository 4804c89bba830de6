"""Privacy benchmark: recall on learner text, public names kept in course text, throughput vs vanilla Presidio.

Run:  .venv/bin/python benchmarks/privacy_bench.py   (make bench-privacy)
      options: --learner N (texts, default 400) --lessons N (default 120) --throughput N (default 300) --seed S
               --heldout-seed S (seed of the held-out set, default its own) --no-heldout

Two labeled sets, reported separately:

- the tuning set, generated here (seeded): learner texts mixing names from pools written for this
  benchmark (several cultures, title/lower/upper case) with contact data, IDs, addresses and birth
  dates in varied formats; lesson texts full of public names (about half of them NOT in Glossa's
  allow-list, reported separately) plus roster names and contact data. The recognizers are tuned on it.
- held-out set a (``benchmarks/heldout_pii``), written by someone else from a spec of formats with
  Faker locales, blind to the recognizers: rosters per course, learner and course records with exact
  spans to remove and public names to keep. Only aggregate numbers are printed. While the recognizers
  were extended, misses on it were read to find unsupported format classes, so it is no longer clean.
- held-out set b (``benchmarks/heldout_pii_b``), hand-written by another person blind to the code and to
  set a, after the recognizers were done: the final check; nobody has looked at its misses.

An entity counts as found when detected spans cover it entirely. Throughput compares Glossa's
``redact_texts`` (batched) with vanilla Presidio at its best (``BatchAnalyzerEngine`` +
``BatchAnonymizerEngine``, same spaCy model, same batch size) and one text at a time (``AnalyzerEngine``
+ ``AnonymizerEngine``) on the same ~130-character texts, in the same run, interleaved batch by batch; also
vanilla batched given the numpy matrix products Glossa's engine uses (no target: it separates the kernel from
the pipeline). Uses its own scratch database (``bench_privacy``), dropped at the end. Writes
benchmarks/results/privacy_bench.json.
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
    if kind == "STUDENT_ID_ANY":  # after a cue, any format a school might use
        n = rng.randint(1000, 9999)
        return rng.choice([f"S-{n}-{rng.randint(1000, 9999)}", f"PX-{rng.randint(100000, 999999)}", f"2024{n}",
                           f"2023/{rng.randint(100, 99999):05d}", f"AB{n % 100}CD{n // 100}", f"{n}-{first[0]}"])
    raise ValueError(kind)


def make_world_value(kind: str, rng: random.Random) -> str:
    """Formats beyond the US defaults: intranet emails, invalid phones after a cue, world addresses, written dates."""
    first, last = rng.choice(FIRST), rng.choice(LAST)
    n = rng.randint(1, 199)
    if kind == "EMAIL_ADDRESS":
        domain = rng.choice(["stmarys.local", "pupils.school.internal", "lab.example.ac.at"])
        return f"{first.lower()}.{last.lower()[0]}@{domain}"
    if kind == "PHONE_NUMBER":
        return rng.choice([f"555-0{rng.randint(1000, 9999)}", f"0{rng.randint(100, 999)} {rng.randint(10, 99)} "
                           f"{rng.randint(100, 999)}", f"{rng.randint(10000, 99999)}"])
    if kind == "STREET_ADDRESS":
        return rng.choice([f"Flat {n % 9 + 1}, {n} {rng.choice(STREETS)} Road", f"Calle {last} {n}, {n % 5 + 1}º B",
                           f"Avenida {first} {n} Interior {n + 3}", f"{last}gasse {n}/{n % 7 + 1}",
                           f"{first}-{last}-Straße {n}", f"{n}, rue de la {rng.choice(['Paix', 'Gare', 'Fontaine'])}",
                           f"Via {last}, {n}", f"H.No. {n}, {last} Nagar", f"{n} {rng.choice(STREETS)} Crescent"])
    if kind == "DATE_OF_BIRTH":
        y, d = rng.randint(2008, 2019), rng.randint(1, 28)
        return rng.choice([f"{d} March {y}", f"{d}.{rng.randint(1, 12)}.{y}", f"{d} de mayo de {y}",
                           f"{d}th of June {y}"])
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
# Cue phrases for IDs in any format, and the world formats of contact data (see ``make_world_value``).
CUE_TEMPLATES = {
    "STUDENT_ID_ANY": ["my student number is {v}", "ID: {v}", "pupil no. {v} here",
                       "candidate number {v} for the exam"],
    "EMAIL_ADDRESS": ["write to {v} please", "my school mail is {v}"],
    "PHONE_NUMBER": ["text me on {v}", "my mobile is {v}", "tel {v}"],
    "STREET_ADDRESS": ["I live at {v} with my gran", "we meet at {v} after class"],
    "DATE_OF_BIRTH": ["I was born {v}", "geboren am {v}", "my birthday is {v}"],
}


def learner_set(n: int, rng: random.Random) -> list[tuple[str, list[tuple[str, int, int]]]]:
    """Texts with one or two labeled entities each; about 150 characters with a neutral filler."""
    fillers = ["Also, why does ice float on water?", "And what is the difference between weather and climate?",
               "I also need help with long division.", "Is the mitochondria really the powerhouse of the cell?"]
    items = []
    kinds = list(LEARNER_TEMPLATES) + [f"world:{kind}" for kind in CUE_TEMPLATES]
    for index in range(n):
        chosen = [kinds[index % len(kinds)], rng.choice(kinds)]
        text, labels = "", []
        for kind in chosen:
            if kind.startswith("world:"):
                kind = kind.split(":", 1)[1]
                template = rng.choice(CUE_TEMPLATES[kind])
                value = make_value(kind, rng) if kind == "STUDENT_ID_ANY" else make_world_value(kind, rng)
                kind = "STUDENT_ID" if kind == "STUDENT_ID_ANY" else kind
            else:
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
    parser.add_argument("--heldout-seed", type=int, default=None, help="seed of the held-out set (default: its own)")
    parser.add_argument("--no-heldout", action="store_true", help="skip the held-out set")
    parser.add_argument("--rounds", type=int, default=3, help="throughput rounds (best is reported)")
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
    from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine
    from presidio_anonymizer import AnonymizerEngine, BatchAnonymizerEngine

    from edu.api import Course, Enrollment, LearnerProfile, create_user, enroll
    from privacy.api import ContentKind, redact_texts
    from privacy.engine import build_nlp_engine, use_numpy_matrix_products
    from privacy.redaction import PIPE_BATCH_SIZE

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

    # --- tuning set: learner text recall ---------------------------------------------------
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

    # --- tuning set: course text, public names kept, roster and contacts removed ---------------
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

    # --- vanilla Presidio on the same lesson texts (for the keep rate) --------------------------
    vanilla = AnalyzerEngine(nlp_engine=build_nlp_engine())
    vanilla_batch = BatchAnalyzerEngine(analyzer_engine=vanilla)
    anonymizer, batch_anonymizer = AnonymizerEngine(), BatchAnonymizerEngine()
    vanilla_kept = [0, 0]
    for item in lessons:
        spans = [(r.start, r.end) for r in vanilla.analyze(item["text"], "en")]
        for _tag, start, end in item["keep"]:
            vanilla_kept[0] += not any(s < end and start < e for s, e in spans)
            vanilla_kept[1] += 1

    heldout = {} if args.no_heldout else {
        name: evaluate_heldout(name, data) for name, data in heldout_sets(args.heldout_seed).items()
    }

    # --- throughput: Glossa vs vanilla batched vs vanilla one at a time, alternating rounds -----
    texts = [text for text, _ in learner_set(args.throughput, random.Random(args.seed + 1))]
    mean_chars = statistics.mean(len(t) for t in texts)
    batch = PIPE_BATCH_SIZE

    def glossa(items: list[str]) -> None:
        redact_texts(items, kind=ContentKind.LEARNER, where="bench")

    def vanilla_batched(items: list[str]) -> None:
        found = vanilla_batch.analyze_iterator(items, "en", batch_size=batch)
        batch_anonymizer.anonymize_list(items, found)

    def vanilla_single(items: list[str]) -> None:
        for text in items:
            anonymizer.anonymize(text, vanilla.analyze(text, "en"))

    # Not a baseline the issue names: vanilla Presidio given Glossa's numpy matrix products, to show how much of
    # the speed-up is the matrix kernel and how much the rest of the pipeline.
    same_kernel_engine = build_nlp_engine()
    use_numpy_matrix_products(same_kernel_engine.nlp["en"])
    same_kernel = BatchAnalyzerEngine(analyzer_engine=AnalyzerEngine(nlp_engine=same_kernel_engine))

    def vanilla_same_kernel(items: list[str]) -> None:
        batch_anonymizer.anonymize_list(items, same_kernel.analyze_iterator(items, "en", batch_size=batch))

    runners = {"glossa": glossa, "vanilla_batched": vanilla_batched, "vanilla_unbatched": vanilla_single,
               "vanilla_batched_same_kernel": vanilla_same_kernel}
    for runner in runners.values():  # warm-up: models loaded, caches filled
        runner(texts[:batch])
    # Interleaved batch by batch (in rotating order), so a busy machine slows every engine alike.
    rates: dict[str, list[float]] = {name: [] for name in runners}
    names = list(runners)
    for round_number in range(args.rounds):
        spent = dict.fromkeys(runners, 0.0)
        for number, offset in enumerate(range(0, len(texts), batch)):
            chunk = texts[offset : offset + batch]
            shift = (round_number + number) % len(names)
            for name in names[shift:] + names[:shift]:
                start = time.perf_counter()
                runners[name](chunk)
                spent[name] += time.perf_counter() - start
        for name in runners:
            rates[name].append(len(texts) / spent[name])
    best = {name: max(values) for name, values in rates.items()}

    report = {
        "config": vars(args),
        "learner": {"texts": len(learner), "recall": learner_recall,
                    "person_recall_by_case": {c: rate(*v) for c, v in sorted(person_case.items())},
                    "entities": {k: v[1] for k, v in sorted(found.items())}, "misses_sample": misses},
        "course": {"texts": len(lessons), "public_kept": rate(*keep_total),
                   "public_kept_by_source": {tag: rate(*v) for tag, v in sorted(kept.items())},
                   "removed": {tag: rate(*v) for tag, v in sorted(removed.items())},
                   "vanilla_public_kept": rate(*vanilla_kept)},
        "heldout": heldout,
        "address_sets": {} if args.no_heldout else evaluate_address_sets(),
        "throughput": {"texts": len(texts), "mean_chars": round(mean_chars, 1), "batch_size": batch,
                       "glossa_texts_per_s": round(best["glossa"], 1),
                       "vanilla_batched_texts_per_s": round(best["vanilla_batched"], 1),
                       "vanilla_unbatched_texts_per_s": round(best["vanilla_unbatched"], 1),
                       "vanilla_batched_same_kernel_texts_per_s": round(best["vanilla_batched_same_kernel"], 1),
                       "speedup_vs_batched": round(best["glossa"] / best["vanilla_batched"], 2),
                       "speedup_vs_unbatched": round(best["glossa"] / best["vanilla_unbatched"], 2),
                       "speedup_vs_batched_same_kernel": round(best["glossa"] / best["vanilla_batched_same_kernel"], 2),
                       "rounds": {name: [round(r, 1) for r in values] for name, values in rates.items()}},
    }
    print_report(report)
    return report


HELDOUT_B = Path(__file__).resolve().parent / "heldout_pii_b"
# Hand-written address sets (addresses.jsonl with the exact address in each text, negatives.jsonl), each written
# blind to the code by a helper from a spec of formats. c to g were read after their first measurement to find the
# formats missing (so they are development sets now, i and j too); k has not been read. Their READMEs give the history.
ADDRESS_SETS = {name: Path(__file__).resolve().parent / folder for name, folder in
                (("c", "heldout_addresses"), ("d", "heldout_addresses_d"), ("e", "heldout_addresses_e"),
                 ("f", "heldout_addresses_f"), ("g", "heldout_addresses_g"), ("h", "heldout_addresses_h"),
                 ("i", "heldout_addresses_i"), ("j", "heldout_addresses_j"),
                 ("k", "heldout_addresses_k"))}


def evaluate_address_sets() -> dict[str, dict]:
    """Whole addresses removed from learner text, and lesson sentences left without an address, per set."""
    from privacy.api import ContentKind, redact_texts

    report = {}
    for name, folder in ADDRESS_SETS.items():
        if not (folder / "addresses.jsonl").exists():
            continue
        rows = [json.loads(line) for line in (folder / "addresses.jsonl").read_text(encoding="utf-8").splitlines()
                if line.strip()]
        negatives = [json.loads(line)["text"] for line in
                     (folder / "negatives.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
        results = redact_texts([row["text"] for row in rows], kind=ContentKind.LEARNER, where="bench")
        by_locale: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for row, result in zip(rows, results, strict=True):
            start = row["text"].index(row["address"])
            detected = [(entity.start, entity.end) for entity in result.entities]
            by_locale[row["locale"]][0] += covered(row["text"], (start, start + len(row["address"])), detected)
            by_locale[row["locale"]][1] += 1
        flagged = sum(
            any(entity.type == "STREET_ADDRESS" for entity in result.entities)
            for result in redact_texts(negatives, kind=ContentKind.COURSE, where="bench")
        )
        hits = sum(v[0] for v in by_locale.values())
        report[name] = {"addresses": len(rows), "recall": rate(hits, len(rows)),
                        "by_locale": {k: rate(*v) for k, v in sorted(by_locale.items())},
                        "negatives": len(negatives), "negatives_with_address": flagged}
    return report


def heldout_sets(seed: int | None) -> dict[str, dict]:
    """Both held-out sets, each written blind to the code by someone else: ``a`` generated from a spec of
    formats (benchmarks/heldout_pii), ``b`` hand-written later as the final check nobody looked into
    (benchmarks/heldout_pii_b). Each is {"rosters": {course: [row]}, "records": [record]}."""
    sets = {}
    try:
        from benchmarks.heldout_pii.generate import generate
    except ImportError:
        print("held-out set a not found (benchmarks/heldout_pii): skipped")
    else:
        sets["a"] = generate() if seed is None else generate(seed)
    if (HELDOUT_B / "records.jsonl").exists():
        sets["b"] = {
            "rosters": json.loads((HELDOUT_B / "rosters.json").read_text(encoding="utf-8")),
            "records": [json.loads(line) for line in (HELDOUT_B / "records.jsonl").read_text(encoding="utf-8")
                        .splitlines() if line.strip()],
        }
    else:
        print("held-out set b not found (benchmarks/heldout_pii_b): skipped")
    return sets


def _identifier(value: str) -> str:
    """An identifier compared in any casing and spacing ("LH7A0433" is "lh-7a-0433")."""
    return "".join(char for char in value.casefold() if char.isalnum())


def _roster_values(rows: list[dict]) -> frozenset[str]:
    """Every identifier a roster holds: names (whole and by part), emails, student IDs, guardians."""
    values = set()
    for row in rows:
        for field in ("email", "student_id", "guardian_email"):
            values.add(row.get(field) or "")
        for name in (f"{row['first_name']} {row['last_name']}", row.get("guardian_name") or ""):
            values.update([name, *name.split()])
    return frozenset(_identifier(value) for value in values if _identifier(value))


def evaluate_heldout(name: str, data: dict) -> dict:
    """One held-out set: its rosters imported as courses, its records redacted with their course.

    Only aggregate numbers are reported (recall per entity type and kind, public names kept), so the
    set cannot be tuned on sentence by sentence.
    """
    from edu.api import Course, create_user, enroll, update_profile
    from privacy.api import ContentKind, redact_texts

    courses = {}
    roster_values = {key: _roster_values(rows) for key, rows in data["rosters"].items()}
    for number, (key, rows) in enumerate(sorted(data["rosters"].items())):
        course = Course.objects.create(slug=f"heldout-{name}-{number}", title=f"Held-out course {name}{number}")
        courses[key] = course
        for index, row in enumerate(rows):
            user = create_user(username=f"h{name}{number}-{index}", first_name=row["first_name"],
                               last_name=row["last_name"], email=row["email"])
            enroll(user=user, course=course)
            update_profile(user=user, student_id=row["student_id"][:64], guardian_name=row["guardian_name"][:200],
                           guardian_email=row["guardian_email"])
    by_group: dict[tuple[str, str | None], list[dict]] = defaultdict(list)
    for record in data["records"]:
        by_group[(record["kind"], record["course"])].append(record)
    recall: dict[str, dict[str, list[int]]] = {"learner": defaultdict(lambda: [0, 0]),
                                                "course": defaultdict(lambda: [0, 0])}
    kept = {"learner": [0, 0], "course": [0, 0]}
    roster_removed = [0, 0]  # labelled spans in course text that are one of the course roster's identifiers
    by_locale: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (kind, course_key), records in sorted(by_group.items(), key=lambda item: (item[0][0], str(item[0][1]))):
        results = redact_texts([r["text"] for r in records], kind=ContentKind(kind), course=courses.get(course_key),
                               where="bench")
        for record, result in zip(records, results, strict=True):
            detected = [(e.start, e.end) for e in result.entities]
            for entity in record["entities"]:
                hit = covered(record["text"], (entity["start"], entity["end"]), detected)
                recall[kind][entity["type"]][0] += hit
                recall[kind][entity["type"]][1] += 1
                by_locale[record["locale"]][0] += hit
                by_locale[record["locale"]][1] += 1
                value = _identifier(record["text"][entity["start"] : entity["end"]])
                if kind == "course" and value in roster_values.get(course_key, ()):
                    roster_removed[0] += hit
                    roster_removed[1] += 1
            for span in record.get("keep", []):
                kept[kind][0] += not any(s < span["end"] and span["start"] < e for s, e in detected)
                kept[kind][1] += 1
    return {
        "records": len(data["records"]),
        "learner_recall": {t: rate(*v) for t, v in sorted(recall["learner"].items())},
        "learner_entities": {t: v[1] for t, v in sorted(recall["learner"].items())},
        "course_removed": {t: rate(*v) for t, v in sorted(recall["course"].items())},
        "course_entities": {t: v[1] for t, v in sorted(recall["course"].items())},
        "course_public_kept": rate(*kept["course"]), "course_public_names": kept["course"][1],
        "course_roster_removed": rate(*roster_removed), "course_roster_identifiers": roster_removed[1],
        "learner_public_kept": rate(*kept["learner"]), "learner_public_names": kept["learner"][1],
        "recall_by_locale": {locale: rate(*v) for locale, v in sorted(by_locale.items())},
    }


def print_report(report: dict) -> None:
    print(f"\nTuning set, learner text ({report['learner']['texts']} texts): recall per entity type (target >= 0.98)")
    for kind, value in report["learner"]["recall"].items():
        print(f"  {kind:<16} {value:6.3f}  (n={report['learner']['entities'][kind]})")
    by_case = report["learner"]["person_recall_by_case"].items()
    print("  PERSON by casing: " + ", ".join(f"{k} {v:.3f}" for k, v in by_case))
    course = report["course"]
    print(f"\nTuning set, course text ({course['texts']} lessons)")
    print(f"  public names kept      {course['public_kept']:.3f}  (target >= 0.95; vanilla Presidio keeps "
          f"{course['vanilla_public_kept']:.3f})")
    for tag, value in course["public_kept_by_source"].items():
        print(f"    {tag + ' in allow-list' if tag == 'listed' else 'not in allow-list':<22} {value:.3f}")
    for tag, value in course["removed"].items():
        print(f"  removed {tag:<15} {value:.3f}  (target 1.000)")
    for name, heldout in report.get("heldout", {}).items():
        print(f"\nHeld-out set {name} ({heldout['records']} records, written blind): learner recall (target >= 0.98)")
        for kind, value in heldout["learner_recall"].items():
            print(f"  {kind:<16} {value:6.3f}  (n={heldout['learner_entities'][kind]})")
        print(f"  public names kept in learner text {heldout['learner_public_kept']:.3f} "
              f"(n={heldout['learner_public_names']})")
        print(f"Held-out set {name}, course text: removed per type (target 1.000)")
        for kind, value in heldout["course_removed"].items():
            print(f"  {kind:<16} {value:6.3f}  (n={heldout['course_entities'][kind]})")
        print(f"  roster identifiers     {heldout['course_roster_removed']:6.3f}  (target 1.000, "
              f"n={heldout['course_roster_identifiers']})")
        print(f"  public names kept      {heldout['course_public_kept']:.3f}  (target >= 0.95, "
              f"n={heldout['course_public_names']})")
        print("  recall by locale: " + ", ".join(f"{k} {v:.3f}" for k, v in heldout["recall_by_locale"].items()))
    for name, found in report.get("address_sets", {}).items():
        print(f"\nAddress set {name}: whole addresses removed {found['recall']:.3f} (n={found['addresses']}); "
              f"lesson sentences given an address {found['negatives_with_address']} of {found['negatives']}")
        print("  by locale: " + ", ".join(f"{k} {v:.2f}" for k, v in found["by_locale"].items()))
    speed = report["throughput"]
    print(f"\nThroughput ({speed['texts']} texts of ~{speed['mean_chars']:.0f} chars, batch {speed['batch_size']}, "
          f"best of {len(speed['rounds']['glossa'])} interleaved rounds)")
    print(f"  Glossa redact_texts              {speed['glossa_texts_per_s']:8.1f} texts/s")
    print(f"  vanilla Presidio, batched        {speed['vanilla_batched_texts_per_s']:8.1f} texts/s  "
          f"(BatchAnalyzerEngine + BatchAnonymizerEngine)")
    print(f"  vanilla Presidio, one at a time  {speed['vanilla_unbatched_texts_per_s']:8.1f} texts/s")
    print(f"  vanilla Presidio, batched, with Glossa's numpy matrix products "
          f"{speed['vanilla_batched_same_kernel_texts_per_s']:.1f} texts/s")
    print(f"  speedup vs batched    {speed['speedup_vs_batched']:6.2f}x  (target >= 1.5x)")
    print(f"  speedup vs unbatched  {speed['speedup_vs_unbatched']:6.2f}x  (target >= 2x)")
    print(f"  speedup vs batched with the same matrix kernel {speed['speedup_vs_batched_same_kernel']:.2f}x  "
          f"(no target: what the pipeline itself gains)")


if __name__ == "__main__":
    main()
