from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hub.accounts.demo import demo_totp_codes


class Command(BaseCommand):
    help = "Print the current two-factor codes of the demo curator and admin (DEBUG only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("demo_totp only runs with DEBUG=true.")
        for email, code in demo_totp_codes():
            self.stdout.write(f"  {email:28} {code}")
