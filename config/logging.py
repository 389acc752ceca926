"""One JSON object per line on stdout, with the request's context when there is one.

Every line is made by json.dumps, so a newline, a quote or a NUL in a path is escaped and never
breaks a line; the secret tokens of subscribers' links are masked wherever they would appear
(paths and messages), in Django's log and in gunicorn's access log alike.
"""

import json
import logging
import re
from datetime import UTC, datetime

from gunicorn import glogging

# The paths whose last segment is a secret: a subscriber's token or a signed confirmation.
TOKEN_PATH = re.compile(r"(/subscription/|/subscribe/confirm/)[^/?#\s]+")
MASK = "[token]"


def mask_tokens(text: str) -> str:
    return TOKEN_PATH.sub(rf"\g<1>{MASK}", text)


_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JSONFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        event = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": mask_tokens(record.getMessage()),
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            event.update(
                method=request.method,
                path=mask_tokens(request.get_full_path()),
                remote_addr=request.META.get("REMOTE_ADDR"),
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:200],
                user=getattr(getattr(request, "user", None), "pk", None),
            )
        for key, value in vars(record).items():
            if key not in _STANDARD and key != "request" and not key.startswith("_"):
                event[key] = value if isinstance(value, str | int | float | bool) else repr(value)
        if record.exc_info:
            event["exception"] = self.formatException(record.exc_info)
        return json.dumps(event, ensure_ascii=False, default=str)


class JSONAccessLogger(glogging.Logger):
    """gunicorn's access log as one JSON object per line (gunicorn's own access_log_format
    pastes the raw path into a template, so a quote or a newline in it broke the line)."""

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        status = str(resp.status).split(None, 1)[0]
        event = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "logger": "gunicorn.access",
            "remote_addr": environ.get("REMOTE_ADDR", "-"),
            "forwarded_for": environ.get("HTTP_X_FORWARDED_FOR", ""),
            "method": environ.get("REQUEST_METHOD"),
            "path": mask_tokens(environ.get("PATH_INFO", "")),
            "query": environ.get("QUERY_STRING", ""),
            "status": int(status) if status.isdigit() else status,
            "bytes": getattr(resp, "sent", None),
            "duration_ms": request_time.seconds * 1000 + request_time.microseconds // 1000,
            "user_agent": environ.get("HTTP_USER_AGENT", "")[:200],
        }
        self.access_log.info(json.dumps(event, ensure_ascii=False))
