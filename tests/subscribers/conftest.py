"""A briefing of the demo archive, ready to publish and email (the SMTP server, the worker
and the subscribers' factory are shared by every app: tests/conftest.py, tests/factories.py)."""

import datetime

import pytest
from django.utils import timezone

from briefing.models import Briefing, BriefingEntry


@pytest.fixture
def draft_briefing(demo_archive):
    """A draft briefing of one section and the seed CNN article, set to email subscribers."""
    briefing = Briefing.objects.create(
        date=datetime.date(2024, 9, 1),
        title="Daily Briefing",
        intro="<p>Good morning &amp; welcome.</p>",
        email_subscribers=True,
    )
    BriefingEntry.objects.create(briefing=briefing, article_id=1, section="Ukraine", position=0)
    return briefing


@pytest.fixture
def published_briefing(draft_briefing):
    draft_briefing.status = Briefing.Status.PUBLISHED
    draft_briefing.published_at = timezone.now()
    draft_briefing.save()
    return draft_briefing
