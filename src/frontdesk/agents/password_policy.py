"""What a new password must be (OWASP ASVS 2.1 and NIST SP 800-63B): long enough, and
not one that attackers try first. No rules about digits or symbols: they make passwords
harder to remember, not to guess.

The list of common passwords (common-passwords.txt.gz, 19,640 of them, lower case) is
Django's (django/contrib/auth/, BSD-3-Clause), compiled by Royce Williams from leaked
password sets. Most are shorter than the minimum, and refused by length anyway; the list
also catches a common word or password with digits or symbols stuck on its end
("password1234!")."""

from __future__ import annotations

import gzip
import re
from functools import cache
from importlib import resources

from frontdesk.errors import Invalid

# ASVS 2.1.1 asks for at least 12; long passphrases are what we want people to choose.
MIN_PASSWORD_CHARS = 12
# argon2 hashes whatever it gets; past this it is not a password but a payload.
MAX_PASSWORD_CHARS = 128

_TAIL = re.compile(r"[\d\W_]+$")


@cache
def common_passwords() -> frozenset[str]:
    packed = resources.files("frontdesk.agents").joinpath("common-passwords.txt.gz").read_bytes()
    return frozenset(line.strip() for line in gzip.decompress(packed).decode().splitlines() if line.strip())


def is_common(password: str) -> bool:
    lowered = password.strip().lower()
    stem = _TAIL.sub("", lowered)
    known = common_passwords()
    return lowered in known or (len(stem) >= 4 and stem in known) or len(set(lowered)) <= 2


def check_password(password: str, field: str = "password") -> str:
    """Returns the password when it may be used; raises Invalid naming ``field``."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise Invalid(f'"{field}" must be at least {MIN_PASSWORD_CHARS} characters, got {len(password)}', field=field)
    if len(password) > MAX_PASSWORD_CHARS:
        raise Invalid(f'"{field}" must be at most {MAX_PASSWORD_CHARS} characters', field=field)
    if is_common(password):
        raise Invalid(
            f'"{field}" is too common: it is on a list of passwords attackers try first; '
            "choose a longer phrase of a few unrelated words",
            field=field,
        )
    return password
