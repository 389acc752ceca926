import smtplib

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from briefing.models import Briefing
from core.net import client_ip
from subscribers import ratelimit, services
from subscribers.emails import BriefingEmail, sample_subscriber
from subscribers.forms import ConfirmForm, PreferencesForm, SubscribeForm
from subscribers.models import Subscriber

# Pages that show a subscriber's address or personal links: kept by no cache, shared or not.
never_cache = cache_control(private=True, no_store=True)


def signup_allowed(request, email: str) -> bool:
    """The signup limits, per client (the address our proxy saw, core/net.py) and per mailbox
    (ratelimit.mailbox_key: sub-addresses and dotted spellings are one mailbox). Every path that
    sends a confirmation request goes through them."""
    return ratelimit.hit(
        scope="client", value=client_ip(request), rate=settings.SUBSCRIBE_RATE_PER_CLIENT
    ) and ratelimit.hit(
        scope="mailbox",
        value=ratelimit.mailbox_key(email),
        rate=settings.SUBSCRIBE_RATE_PER_ADDRESS,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request):
    form = SubscribeForm(request.POST or None)
    if request.method == "POST":
        if not ratelimit.hit(
            scope="client", value=client_ip(request), rate=settings.SUBSCRIBE_RATE_PER_CLIENT
        ):
            return render(request, "subscribers/rate_limited.html", status=429)
        if form.is_valid():
            data = form.cleaned_data
            mailbox_ok = ratelimit.hit(
                scope="mailbox",
                value=ratelimit.mailbox_key(data["email"]),
                rate=settings.SUBSCRIBE_RATE_PER_ADDRESS,
            )
            # A bot (honeypot filled) or a flooded mailbox gets the same answer as anyone.
            if mailbox_ok and not form.is_bot:
                services.subscriber_signup(email=data["email"], name=data["name"])
            return redirect("subscribers:subscribe_done")
    status = 400 if form.errors else 200
    return render(request, "subscribers/subscribe.html", {"form": form}, status=status)


def subscribe_done(request):
    return render(request, "subscribers/subscribe_done.html")


# The link in the email only opens this page; a person confirms with its button (a POST), so
# the link scanners of mail providers, which follow every link, confirm nobody. The page of a
# used, superseded or expired link names no one and links nowhere personal.
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    if request.method == "POST":
        form = ConfirmForm(request.POST)
        typed = form.is_valid() and "name" in request.POST
        name = form.cleaned_data["name"] if typed else None
        result = services.subscriber_confirm(token=token, name=name)
    else:
        result = services.confirm_token_check(token=token)
        form = ConfirmForm(initial={"name": result.subscriber.name if result.subscriber else ""})
    status = 200 if result.outcome in ("valid", "confirmed", "already") else 400
    context = {"outcome": result.outcome, "subscriber": result.subscriber, "form": form}
    return render(request, "subscribers/confirm.html", context, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request, token):
    subscriber = get_object_or_404(Subscriber, token=token)
    if request.method == "POST" and "resubscribe" in request.POST:
        if not signup_allowed(request, subscriber.email):
            return render(request, "subscribers/rate_limited.html", status=429)
        services.subscriber_signup(email=subscriber.email)
        return redirect("subscribers:subscribe_done")
    initial = {"name": subscriber.name, "paused": subscriber.status == Subscriber.Status.PAUSED}
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.subscriber_update(subscriber=subscriber, **form.cleaned_data)
        messages.success(request, "Your preferences are saved.")
        return redirect(subscriber)
    context = {"subscriber": subscriber, "form": form}
    return render(request, "subscribers/preferences.html", context)


# RFC 8058 one-click: mail clients POST here without a CSRF token; GET only shows a button, so
# link scanners that follow the URL never unsubscribe anyone.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    subscriber = get_object_or_404(Subscriber, token=token)
    if request.method == "POST":
        services.subscriber_unsubscribe(subscriber=subscriber)
        return render(request, "subscribers/unsubscribed.html", {"subscriber": subscriber})
    return render(request, "subscribers/unsubscribe.html", {"subscriber": subscriber})


# The same permission as the desk's web preview of a briefing; a test send changes nothing but
# mails the editor, so it asks for the right to change the briefing.
@staff_member_required
@permission_required("briefing.view_briefing", raise_exception=True)
def email_preview_html(request, pk):
    briefing = get_object_or_404(Briefing, pk=pk)
    _, html = BriefingEmail(briefing).bodies(sample_subscriber(name="Sample Reader"))
    return HttpResponse(html)


@staff_member_required
@permission_required("briefing.view_briefing", raise_exception=True)
def email_preview_text(request, pk):
    briefing = get_object_or_404(Briefing, pk=pk)
    text, _ = BriefingEmail(briefing).bodies(sample_subscriber(name="Sample Reader"))
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


@staff_member_required
@permission_required("briefing.change_briefing", raise_exception=True)
@require_POST
def send_test_email(request, pk):
    briefing = get_object_or_404(Briefing, pk=pk)
    if not request.user.email:
        messages.error(request, "Your account has no email address: add one to get test emails.")
    else:
        name = request.user.get_full_name()
        try:
            services.briefing_send_test(briefing=briefing, email=request.user.email, name=name)
        except (smtplib.SMTPException, OSError) as exc:
            messages.error(request, f"The test email could not be sent: {exc}")
        else:
            messages.success(request, f"Test email sent to {request.user.email}.")
    return redirect(reverse("admin:briefing_briefing_change", args=[briefing.pk]))
