"""Django's PostgreSQL backend, starting the embedded server before its first connection."""

from django.db.backends.postgresql import base

from config.embedded_postgres import server


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        server.acquire()
        return super().get_new_connection(conn_params)
