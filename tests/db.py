"""The test database as other processes reach it: a DATABASE_URL, and the client tools
(pg_dump, psql) of its server's version."""

from urllib.parse import quote

from django.db import connection

from config.embedded_postgres import binaries


def database_url(name: str | None = None) -> str:
    """postgres://… of the test database (or another on its server); a Unix socket's
    directory is given as a percent-encoded host, as libpq and dj-database-url read it."""
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    host = db["HOST"] or "127.0.0.1"
    if host.startswith("/"):
        host = quote(host, safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{db['USER']}{password}@{host}{port}/{name or db['NAME']}"


def client_tools_path() -> str:
    """PATH for pg_dump and psql: the embedded server's own, else the system's."""
    embedded = connection.settings_dict["ENGINE"] == "config.embedded_postgres"
    return f"{binaries()}:/usr/bin:/bin" if embedded else "/usr/bin:/bin"
