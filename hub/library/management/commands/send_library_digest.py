from django.core.management.base import BaseCommand

from hub.library.digest import send_weekly_digests_task


class Command(BaseCommand):
    help = (
        "Email each member who follows challenge areas or tags the entries published since "
        "their last digest. Run it once a week (cron or a systemd timer); running it twice "
        "sends nothing new."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true",
            help="Queue the work for a task worker (manage.py db_worker) instead of doing it "
            "now.",
        )

    def handle(self, *args, **options):
        if options["enqueue"]:
            result = send_weekly_digests_task.enqueue()
            self.stdout.write(f"Queued the library digest (task {result.id}).")
            return
        sent = send_weekly_digests_task.call()
        self.stdout.write(f"Sent {sent} library digest email{'' if sent == 1 else 's'}.")
