from django.core.management.base import BaseCommand

from edu.demo.loader import load_demo


class Command(BaseCommand):
    help = "Load the demo course (a teacher, two students, objectives and materials queued for ingestion)."

    def handle(self, *args, **options):
        summary = load_demo()
        course = summary.course
        self.stdout.write(self.style.SUCCESS(f"Demo course '{course.title}' ({course.slug}) is loaded."))
        self.stdout.write(f"  people: {', '.join(summary.users)}")
        self.stdout.write(f"  practice items: {summary.practice_items}")
        if summary.queued_materials:
            self.stdout.write(f"  queued for ingestion: {', '.join(summary.queued_materials)}")
        if summary.existing_materials:
            self.stdout.write(f"  already ingested or in progress: {', '.join(summary.existing_materials)}")
