from django.core.management.base import BaseCommand, CommandError

from edu.bkt_fit import MIN_FIT_ANSWERS, MIN_FIT_LEARNERS
from edu.models import Course, LearningObjective
from edu.services import refit_objectives


class Command(BaseCommand):
    help = (
        "Fit each objective's BKT parameters (prior, learn, guess, slip) to its students' stored answers and "
        f"re-estimate their mastery. Objectives with fewer than {MIN_FIT_ANSWERS} answers from "
        f"{MIN_FIT_LEARNERS} students keep their parameters. The nightly Celery beat job does the same."
    )

    def add_arguments(self, parser):
        parser.add_argument("--course", help="Only this course's objectives (its slug).")

    def handle(self, *args, course: str | None = None, **options):
        found = None
        if course is not None:
            found = Course.objects.filter(slug=course).first()
            if found is None:
                raise CommandError(f"No course with the slug '{course}'.")
        codes = dict(LearningObjective.objects.values_list("pk", "code"))
        for report in refit_objectives(course=found):
            code = codes.get(report.objective_id, report.objective_id)
            if report.fit is None:
                self.stdout.write(f"{code}: {report.answers} answers of {report.learners} students, too few; kept")
                continue
            p = report.fit.params
            self.stdout.write(
                f"{code}: {report.answers} answers of {report.learners} students -> init {p.p_init:.3f}, "
                f"learn {p.p_learn:.3f}, guess {p.p_guess:.3f}, slip {p.p_slip:.3f}; "
                f"{report.masteries_replayed} masteries re-estimated"
            )
