"""A short, human name for a browser's User-Agent header ("Chrome on Windows"), for the list of
signed-in sessions. Only the browsers and systems people here use are told apart; the order of
the checks matters because most browsers also claim to be the ones they were built on."""

from __future__ import annotations

from django.utils.translation import gettext as _

# (marker in the header, name shown); the first match wins
BROWSERS = [
    ("Whale/", "Naver Whale"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("Edg", "Edge"),  # Edg/ (desktop), EdgA/ (Android), EdgiOS/
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
    ("curl/", "curl"),
    ("python-requests/", "Python requests"),
]
SYSTEMS = [
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
]


def user_agent_describe(header: str) -> str:
    browser = next((name for marker, name in BROWSERS if marker in header), None)
    system = next((name for marker, name in SYSTEMS if marker in header), None)
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    return browser or system or _("Unknown browser")
