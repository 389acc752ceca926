# syntax=docker/dockerfile:1
# Build stage: compile wheels for our dependencies.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY config config
COPY core core
COPY briefing briefing
COPY articles articles
COPY subscribers subscribers
COPY stories stories
RUN pip wheel --wheel-dir /wheels .

# Runtime stage: slim image, non-root user, static files collected at build time.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=config.settings STATIC_ROOT=/app/staticfiles PORT=8000
RUN groupadd --system briefing && useradd --system --gid briefing --home-dir /app briefing
COPY --from=build /wheels /wheels
RUN pip install /wheels/*.whl && rm -rf /wheels
WORKDIR /app
# The code and the collected static files belong to root: the runtime user can read them,
# never change them. Only var/ (scratch) is its own.
COPY . .
RUN DEBUG=false SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && mkdir -p /app/var && chown -R briefing:briefing /app/var
USER briefing
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz?scope=web', timeout=4).status == 200 else 1)"
CMD ["deploy/start.sh"]
