"""Keeps secrets that travel in URLs out of uvicorn's access log.

Some links are their own key: an invitation (``/console/invite/SECRET``, and the API
calls ``/api/v1/invite/SECRET`` its page makes) and an attachment
(``/api/v1/attachments/ID/NAME``: the 128-bit id is the capability, http/attachments.py,
and the name may be a customer's). Whoever reads the access log, or the log
collector it is shipped to, would hold them. The request line is logged with those
parts replaced by ``[redacted]``; so are query parameters whose names say they carry a
secret.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"
# (pattern, replacement) over the logged path. Case as served: routes are lower case.
SECRET_PATHS = (
    (re.compile(r"(/invite/)[^/?#\s]+"), rf"\g<1>{REDACTED}"),
    (re.compile(r"(/attachments/)[^/?#\s]+/[^?#\s]*"), rf"\g<1>{REDACTED}/{REDACTED}"),
)
SECRET_PARAMS = re.compile(r"([?&](?:token|secret|signature|password|key)=)[^&#\s]*", re.IGNORECASE)


def redact(path: str) -> str:
    for pattern, replacement in SECRET_PATHS:
        path = pattern.sub(replacement, path)
    return SECRET_PARAMS.sub(rf"\g<1>{REDACTED}", path)


class RedactSecrets(logging.Filter):
    """For ``uvicorn.access``, whose records carry (client, method, path, version, status)
    as their arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact(args[2]), *args[3:])
        return True


def install() -> None:
    """On uvicorn's access logger, once its logging is configured (cli.py)."""
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactSecrets) for f in logger.filters):
        logger.addFilter(RedactSecrets())
