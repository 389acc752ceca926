"""Load the demo data and its accounts, for `make run` (refuses in production)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from articles.models import Article
from briefing.models import Briefing
from core import deferred

# Articles first: the briefings refer to them. demo_site: the seed page's support box.
DEMO_FIXTURES = ["demo", "demo_briefings", "demo_site", "demo_subscribers"]
# (username, password, superuser?): one account per role of the desk.
DEMO_ACCOUNTS = [("editor", "editor", False), ("admin", "admin", True)]


class Command(BaseCommand):
    help = (
        "Load the demo archive, briefings and subscribers, and the demo accounts "
        "(editor / editor, admin / admin). DEBUG only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="load nothing into a database that already has articles, briefings or users",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="delete everything in the database first, then migrate and load the demo",
        )
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")

    def handle(self, *args, if_empty, reset, interactive, **options):
        if not settings.DEBUG:
            raise CommandError("load_demo creates known passwords: it runs only with DEBUG on.")
        if reset:
            self.reset(interactive)
        elif if_empty and self.has_data():
            self.stdout.write(
                "The database has data: the demo was not loaded again "
                "(`make demo-reset` starts over)."
            )
            return
        with deferred.batch():  # search data and fingerprints once, for every demo article
            call_command("loaddata", *DEMO_FIXTURES, verbosity=0)
        for username, password, superuser in DEMO_ACCOUNTS:
            self.add_account(username, password, superuser=superuser)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))

    def has_data(self) -> bool:
        return (
            Article.objects.exists()
            or Briefing.objects.exists()
            or get_user_model().objects.exists()
        )

    def reset(self, interactive: bool) -> None:
        name = connection.settings_dict["NAME"]
        if interactive:
            answer = input(f"Delete everything in the database {name!r} and load the demo? [y/N] ")
            if answer.strip().lower() not in {"y", "yes"}:
                raise CommandError("Nothing was deleted.")
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(f"Emptied and migrated the database {name!r}.")

    def add_account(self, username: str, password: str, *, superuser: bool) -> None:
        user, created = get_user_model().objects.get_or_create(
            username=username,
            defaults={
                "is_staff": True,
                "is_superuser": superuser,
                "email": f"{username}@example.org",
            },
        )
        if created:
            user.set_password(password)
            user.save()
        editors = Group.objects.filter(name="Editors").first()
        if editors and not superuser:
            user.groups.add(editors)
