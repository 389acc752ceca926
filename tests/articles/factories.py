import datetime

import factory
from django.utils import timezone

from articles.models import Article, ArticleAuthor, Author, Source


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Source {n}")
    slug = factory.Sequence(lambda n: f"source-{n}")
    home_page = factory.Sequence(lambda n: f"https://source{n}.example.org/")


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Author {n}")
    slug = factory.Sequence(lambda n: f"author-{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Article number {n}")
    slug = factory.Sequence(lambda n: f"article-number-{n}")
    source = factory.SubFactory(SourceFactory)
    original_date = factory.Sequence(lambda n: datetime.date(2024, 1, 1) + datetime.timedelta(n))
    original_url = factory.Sequence(lambda n: f"https://news.example.org/story/{n}")
    pull_quote = "A line worth quoting."
    excerpt = "<p>An excerpt of the original.</p>"
    status = Article.Status.PUBLISHED
    # Newer with each article, and never in the future however many a test session makes.
    published_at = factory.Sequence(
        lambda n: timezone.now() - datetime.timedelta(days=30) + datetime.timedelta(seconds=n)
    )

    @factory.post_generation
    def authors(self, create, names, **kwargs):
        for position, name in enumerate(names or []):
            author = AuthorFactory(name=name)
            ArticleAuthor.objects.create(article=self, author=author, position=position)

    @factory.post_generation
    def tag_names(self, create, names, **kwargs):
        if names:
            self.tags.add(*names)
