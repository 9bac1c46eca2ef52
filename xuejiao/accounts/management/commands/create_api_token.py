from django.core.management.base import BaseCommand, CommandError

from xuejiao.accounts.models import User
from xuejiao.accounts.services import create_api_token


class Command(BaseCommand):
    help = "Create a personal API token for USERNAME and print it (and nothing else)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="command line", help="What the token is for.")

    def handle(self, *args, username, name, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        _token, raw = create_api_token(user=user, name=name)
        self.stdout.write(raw)
