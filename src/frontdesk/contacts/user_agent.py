"""Browser and operating system from a User-Agent string: enough for an agent's sidebar
("Chrome 120 on Windows"), without a dependency that must track every new device."""

from __future__ import annotations

import re

_BROWSERS = [  # order matters: Edge and Opera also say "Chrome", Chrome also says "Safari"
    ("Edge", r"Edg(?:e|A|iOS)?/(\d+)"),
    ("Opera", r"OPR/(\d+)"),
    ("Samsung Internet", r"SamsungBrowser/(\d+)"),
    ("Firefox", r"(?:Firefox|FxiOS)/(\d+)"),
    ("Chrome", r"(?:Chrome|CriOS)/(\d+)"),
    ("Safari", r"Version/(\d+).*Safari/"),
]
_SYSTEMS = [
    ("iOS", r"iPhone|iPad|iPod"),
    ("Android", r"Android"),
    ("Windows", r"Windows NT"),
    ("macOS", r"Macintosh|Mac OS X"),
    ("ChromeOS", r"CrOS"),
    ("Linux", r"Linux"),
]


def describe(user_agent: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, pattern in _BROWSERS:
        if m := re.search(pattern, user_agent):
            found["browser"] = f"{name} {m.group(1)}"
            break
    for name, pattern in _SYSTEMS:
        if re.search(pattern, user_agent):
            found["os"] = name
            break
    if user_agent:
        found["device_type"] = (
            "mobile"
            if re.search(r"Mobi|iPhone|Android.*Mobile", user_agent)
            else ("tablet" if re.search(r"iPad|Tablet|Android", user_agent) else "desktop")
        )
    return found
