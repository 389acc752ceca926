"""Load the demo data and an editor account, for `make run` (refuses in production)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from core import deferred

# Articles first: the briefings refer to them.
DEMO_FIXTURES = ["demo", "demo_briefings", "demo_site"]  # demo_site: the seed page's support box


class Command(BaseCommand):
    help = "Load the demo archive and briefings, and an editor account (editor / editor)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("load_demo creates a known password: it runs only with DEBUG on.")
        with deferred.batch():  # search data and fingerprints once, for every demo article
            call_command("loaddata", *DEMO_FIXTURES, verbosity=0)
        user, created = get_user_model().objects.get_or_create(
            username="editor", defaults={"is_staff": True, "email": "editor@example.org"}
        )
        if created:
            user.set_password("editor")
            user.save()
        editors = Group.objects.filter(name="Editors").first()
        if editors:
            user.groups.add(editors)
        self.stdout.write(self.style.SUCCESS("Demo data loaded; editor account: editor / editor"))
