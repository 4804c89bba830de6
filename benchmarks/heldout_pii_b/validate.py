"""Check records.jsonl and rosters.json of held-out set b: keys, types, exact trimmed offsets, no overlaps.

Run: python benchmarks/heldout_pii_b/validate.py  (prints counts; exits non-zero on any problem)
"""
import collections
import json
import pathlib
import sys

HERE = pathlib.Path(__file__).parent
TYPES = {"PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "STUDENT_ID", "STREET_ADDRESS", "DATE_OF_BIRTH"}
ROSTER_KEYS = {"first_name", "last_name", "email", "student_id", "grade", "guardian_name", "guardian_email"}
BAD_EDGE = " \t\n,;:!?\"'"


def main() -> int:
    rosters = json.loads((HERE / "rosters.json").read_text(encoding="utf-8"))
    problems = []
    for course, pupils in rosters.items():
        for pupil in pupils:
            if set(pupil) != ROSTER_KEYS:
                problems.append(f"roster {course}: keys {sorted(pupil)}")
    counts = collections.Counter()
    ids = set()
    for n, line in enumerate((HERE / "records.jsonl").read_text(encoding="utf-8").splitlines(), 1):
        rec = json.loads(line)
        if set(rec) != {"id", "kind", "course", "locale", "text", "entities", "keep"}:
            problems.append(f"line {n}: keys {sorted(rec)}")
        if rec["id"] in ids:
            problems.append(f"line {n}: duplicate id")
        ids.add(rec["id"])
        if rec["kind"] not in ("learner", "course") or (rec["course"] is not None and rec["course"] not in rosters):
            problems.append(f"line {n}: kind/course")
        text = rec["text"]
        spans = [(s["start"], s["end"]) for s in rec["entities"] + rec["keep"]]
        for s in rec["entities"]:
            if s["type"] not in TYPES:
                problems.append(f"line {n}: type {s['type']}")
            counts[(rec["kind"], s["type"])] += 1
        counts[(rec["kind"], "keep")] += len(rec["keep"])
        counts[(rec["kind"], "records")] += 1
        counts[(rec["kind"], "records without personal data")] += not rec["entities"]
        for start, end in spans:
            value = text[start:end]
            if not (0 <= start < end <= len(text)) or value[0] in BAD_EDGE or value[-1] in BAD_EDGE + ".":
                problems.append(f"line {n}: bad span {value!r}")
        ordered = sorted(spans)
        for (_, end_a), (start_b, _) in zip(ordered, ordered[1:], strict=False):
            if start_b < end_a:
                problems.append(f"line {n}: overlapping spans")
    for key in sorted(counts):
        print(f"{key[0]:8} {key[1]:32} {counts[key]}")
    for problem in problems:
        print("PROBLEM", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
