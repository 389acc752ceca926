"""The desk's side of same-story detection: the panel on the article form, its verdict
buttons, and the stories and verdicts themselves."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html

from articles.admin import ArticleAdmin
from articles.models import Article
from stories import panel, search, services
from stories.models import PairDecision, Story, StoryArticle


class SameStoryAdminMixin:
    """Shows an article's same-story candidates on its admin form, with "Same story" and
    "Not the same" buttons posting to the views this mixin adds to the admin's URLs."""

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/same-story/<int:other_id>/<str:verdict>/",
                self.admin_site.admin_view(self.same_story_decide_view),
                name="{}_{}_same_story_decide".format(*info),
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        article = obj if obj is not None else _unsaved_article(context)
        context["same_story"] = panel.same_story_panel(article, opts=self.opts)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_add(self, request, obj, post_url_continue=None):
        self._point_to_candidates(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        self._point_to_candidates(request, obj)
        return super().response_change(request, obj)

    def _point_to_candidates(self, request, obj):
        """After a save the admin leaves the form: say so when the article's story has coverage
        waiting for a verdict (the scores only: the panel loads the articles when opened)."""
        waiting = len(search.scored_candidates(obj))
        if waiting:
            url = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk]
            )
            self.message_user(
                request,
                format_html(
                    "“{}” may report the same story as {} archived article(s): "
                    '<a href="{}#same-story">review them</a>.',
                    obj,
                    waiting,
                    url,
                ),
                messages.WARNING,
            )

    def same_story_decide_view(self, request, object_id, other_id, verdict):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = get_object_or_404(self.model, pk=object_id)
        other = get_object_or_404(self.model, pk=other_id)
        if not self.has_change_permission(request, article) or article.pk == other.pk:
            raise PermissionDenied
        score = _score(request.GET.get("score"))
        if verdict == PairDecision.Verdict.SAME:
            services.story_confirm(article=article, other=other, user=request.user, score=score)
            self.message_user(request, f"“{other}” is now in the same story.", messages.SUCCESS)
        elif verdict == PairDecision.Verdict.DIFFERENT:
            services.pair_dismiss(article=article, other=other, user=request.user, score=score)
            self.message_user(request, f"“{other}” will not be proposed again.", messages.INFO)
        else:
            raise PermissionDenied
        info = self.opts.app_label, self.opts.model_name
        url = reverse(f"admin:{info[0]}_{info[1]}_change", args=[article.pk])
        return HttpResponseRedirect(f"{url}#same-story")


def _unsaved_article(context):
    """The article being added, from the posted form, so candidates show before the first save."""
    form = getattr(context.get("adminform"), "form", None)
    if form is None or not form.is_bound:
        return None
    instance = form.instance
    if not instance.original_date or not (instance.title or instance.excerpt):
        return None
    return instance


def _score(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


admin.site.unregister(Article)


@admin.register(Article)
class ArticleWithSameStoryAdmin(SameStoryAdminMixin, ArticleAdmin):
    """The archive's article admin with the same-story panel after its fields."""

    change_form_template = "stories/admin/article_change_form.html"


class StoryArticleInline(admin.TabularInline):
    model = StoryArticle
    raw_id_fields = ["article"]
    extra = 0


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ["__str__", "created_at"]
    inlines = [StoryArticleInline]
    search_fields = ["members__article__title"]


@admin.register(PairDecision)
class PairDecisionAdmin(admin.ModelAdmin):
    list_display = ["first", "second", "verdict", "score", "decided_by", "decided_at"]
    list_filter = ["verdict"]
    raw_id_fields = ["first", "second"]
    list_select_related = ["first", "second", "decided_by"]
