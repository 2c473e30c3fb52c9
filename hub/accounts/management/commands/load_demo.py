from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hub.accounts.demo import DEMO_PASSWORD, load_demo_people


class Command(BaseCommand):
    help = "Create the demo people (one per role). Refuses to run in production."

    def add_arguments(self, parser):
        parser.add_argument(
            "--not-production", action="store_true",
            help="Run even though DEBUG is off (for a staging copy that is not production).",
        )

    def handle(self, *args, not_production=False, **options):
        if not settings.DEBUG and not not_production:
            raise CommandError(
                "Demo people have published passwords: load_demo only runs with DEBUG=true "
                "(or --not-production on a staging copy)."
            )
        people = load_demo_people()
        self.stdout.write(self.style.SUCCESS("Demo sign-ins (password for all: "
                                             f"{DEMO_PASSWORD}):"))
        for email, name, roles in people:
            self.stdout.write(f"  {email:32} {name:20} {', '.join(roles)}")
        self.stdout.write(
            "Curators and admins also need a two-factor code: `make demo-codes` "
            "(or `python manage.py demo_totp`) prints the current ones."
        )
