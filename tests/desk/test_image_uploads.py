"""Images reach an excerpt only through the desk's upload: checked, stored, then kept."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db
UPLOAD = "/admin/articles/article/upload-image/"


def png(extra: bytes = b"") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 9), "teal").save(buffer, "PNG")
    return SimpleUploadedFile("map.png", buffer.getvalue() + extra, content_type="image/png")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def uploaded_url(editor_client) -> str:
    response = editor_client.post(UPLOAD, {"image": png(), "alt": "A map of the front"})
    assert response.status_code == 200
    return re.search(r'value="([^"]+)"[^>]*class="uploaded-image-url"', response.text)[1]


def test_an_uploaded_image_is_kept_in_the_excerpt_and_shown_to_readers(editor_client, client):
    url = uploaded_url(editor_client)
    assert url.startswith("/media/desk-images/") and url.endswith(".png")
    article = ArticleFactory(
        status="published", excerpt=f'<p>The front:</p><p><img src="{url}" alt="A map"></p>'
    )
    assert f'<img src="{url}" alt="A map">' in client.get(article.get_absolute_url()).text


def test_a_file_that_is_not_an_image_is_refused(editor_client):
    fake = SimpleUploadedFile("map.png", b"<script>alert(1)</script>", content_type="image/png")
    response = editor_client.post(UPLOAD, {"image": fake, "alt": "x"})
    assert "Upload a valid image" in response.text


def test_an_image_over_the_size_limit_is_refused(editor_client, settings):
    settings.DESK_IMAGE_MAX_BYTES = 1000
    response = editor_client.post(UPLOAD, {"image": png(b"\0" * 2000), "alt": "x"})
    assert "larger than" in response.text


def test_only_the_desk_may_upload(client):
    assert client.get(UPLOAD).status_code == 302  # to the login page
