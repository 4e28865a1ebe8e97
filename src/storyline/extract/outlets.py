"""Which outlet an article comes from, under one name per outlet.

An outlet is counted as a source of corroboration, so two spellings of one outlet ("NWS" and
"Northern Wire Service", "BBC" and "BBC News") must become one name, and an article whose outlet
is not known must never pass for another outlet. The order of evidence, most trusted first:

1. the name the user gives (`storyline ingest --outlet NAME`), or a JSON Lines record's own `outlet`;
2. the host of the article's URL, when it is in HOSTS below (a host says more than a page's own
   `og:site_name` or a feed's title, which vary by section: "World news | The Guardian");
3. what the page or container says: the HTML's site name, the feed's title, an outlet line in
   the text ("Published by ...", "© ..."), the agency of a wire dateline;
4. the registrable domain of the URL ("example.co.uk"), when nothing else names the outlet.

Then every name goes through `canonical`: ALIASES (and the names of HOSTS) map spellings to one
name, and `Store.outlet_name` merges an acronym with the full name already stored
(`same_outlet`), whichever arrived first.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from storyline.settings import SETTINGS as S

# Hosts of outlets users follow, to one name each. A subdomain finds its parent ("news.bbc.co.uk").
HOSTS: dict[str, str] = {
    "abcnews.go.com": "ABC News",
    "aljazeera.com": "Al Jazeera",
    "apnews.com": "Associated Press",
    "axios.com": "Axios",
    "bbc.co.uk": "BBC News",
    "bbc.com": "BBC News",
    "bloomberg.com": "Bloomberg",
    "breitbart.com": "Breitbart",
    "cbsnews.com": "CBS News",
    "cnbc.com": "CNBC",
    "cnn.com": "CNN",
    "dailymail.co.uk": "Daily Mail",
    "dw.com": "DW",
    "economist.com": "The Economist",
    "euronews.com": "Euronews",
    "express.co.uk": "Daily Express",
    "foxnews.com": "Fox News",
    "france24.com": "France 24",
    "ft.com": "Financial Times",
    "huffingtonpost.com": "HuffPost",
    "huffpost.com": "HuffPost",
    "independent.co.uk": "The Independent",
    "latimes.com": "Los Angeles Times",
    "mirror.co.uk": "Daily Mirror",
    "nbcnews.com": "NBC News",
    "news.sky.com": "Sky News",
    "npr.org": "NPR",
    "nypost.com": "New York Post",
    "nytimes.com": "The New York Times",
    "politico.com": "Politico",
    "politico.eu": "Politico Europe",
    "reuters.com": "Reuters",
    "scmp.com": "South China Morning Post",
    "telegraph.co.uk": "The Telegraph",
    "theatlantic.com": "The Atlantic",
    "theguardian.com": "The Guardian",
    "thehill.com": "The Hill",
    "thesun.co.uk": "The Sun",
    "thetimes.co.uk": "The Times",
    "upi.com": "UPI",
    "usatoday.com": "USA Today",
    "washingtonpost.com": "The Washington Post",
    "westernjournal.com": "Western Journal",
    "wsj.com": "The Wall Street Journal",
}

# Other spellings of the names above (compared by `_key`: case, "the", punctuation ignored).
ALIASES: dict[str, str] = {
    "BBC": "BBC News",
    "BBC World Service": "BBC News",
    "AP": "Associated Press",
    "AP News": "Associated Press",
    "Agence France-Presse": "AFP",
    "Agence France Presse": "AFP",
    "Reuters News": "Reuters",
    "Thomson Reuters": "Reuters",
    "Guardian": "The Guardian",
    "The Guardian US": "The Guardian",
    "NYT": "The New York Times",
    "New York Times": "The New York Times",
    "Washington Post": "The Washington Post",
    "WSJ": "The Wall Street Journal",
    "Wall Street Journal": "The Wall Street Journal",
    "Huffington Post": "HuffPost",
    "The Huffington Post": "HuffPost",
    "HuffPost UK": "HuffPost",
    "Breitbart News": "Breitbart",
    "Western Journalism": "Western Journal",
    "The Western Journal": "Western Journal",
    "Politico Magazine": "Politico",
    "United Press International": "UPI",
    "Mail Online": "Daily Mail",
    "MailOnline": "Daily Mail",
    "Daily Mail Online": "Daily Mail",
    "The Daily Telegraph": "The Telegraph",
    "Telegraph": "The Telegraph",
    "Sky": "Sky News",
    "CNN International": "CNN",
    "Fox News Channel": "Fox News",
    "FT": "Financial Times",
    "Deutsche Welle": "DW",
}

# Second-level labels under which a registrable domain takes three labels (example.co.uk).
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "gov", "ac", "edu", "news", "or", "ne", "go"})
MERGE_MIN_INITIALS = S.outlet_acronym_min_letters
_SMALL_WORDS = frozenset({"the", "of", "and", "for", "a", "an", "&"})
_NOT_KEY = re.compile(r"[^\w&]+")


def _key(name: str) -> str:
    """What two spellings of one name share: no case, no leading "The", no punctuation."""
    words = _NOT_KEY.sub(" ", name.casefold()).split()
    if words[:1] == ["the"]:
        words = words[1:]
    return " ".join(words)


_CANONICAL: dict[str, str] = {_key(n): n for n in HOSTS.values()} | {_key(a): n for a, n in ALIASES.items()}


def canonical(name: str | None) -> str | None:
    """One name per outlet: a known spelling becomes its name, anything else keeps its own words."""
    if name is None:
        return None
    name = " ".join(name.split()).strip(" .,;:|-–—")
    if not name:
        return None
    return _CANONICAL.get(_key(name), name)


def registrable_domain(host: str) -> str:
    """The part of a host name an outlet registers: news.example.co.uk -> example.co.uk."""
    labels = host.lower().strip(".").split(".")
    if labels[:1] == ["www"]:
        labels = labels[1:]
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


def _host(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host.lower().rstrip(".") if host and "." in host else None


def from_host(url: str | None) -> str | None:
    """The outlet HOSTS gives this URL's host (or a parent domain of it); None when it is not listed."""
    host = _host(url)
    while host:
        if host in HOSTS:
            return HOSTS[host]
        host = host.partition(".")[2] if host.count(".") > 1 else ""
    return None


def from_domain(url: str | None) -> str | None:
    """The registrable domain of the URL, the name of last resort ("example.co.uk")."""
    host = _host(url)
    if host is None or host.replace(".", "").isdigit():
        return None  # an IP address names a machine, not an outlet
    return registrable_domain(host)


def initials(name: str) -> str:
    """ "Northern Wire Service" -> "NWS" (small words skipped)."""
    return "".join(w[0] for w in _NOT_KEY.sub(" ", name).split() if w.casefold() not in _SMALL_WORDS).upper()


def is_acronym(name: str) -> bool:
    return 2 <= len(name) <= 6 and name.isalpha() and name.isupper()


def same_outlet(a: str | None, b: str | None) -> bool:
    """Whether two names are one outlet: the same canonical name, or one the acronym of the other."""
    if not a or not b:
        return False
    ca, cb = canonical(a) or a, canonical(b) or b
    if _key(ca) == _key(cb):
        return True
    for short, long in ((ca, cb), (cb, ca)):
        if (
            is_acronym(short)
            and len(short) >= MERGE_MIN_INITIALS
            and not is_acronym(long)
            and len(long.split()) >= 2
            and initials(long) == short
        ):
            return True
    return False


def choose(
    given: str | None = None,
    url: str | None = None,
    found: str | None = None,
) -> str | None:
    """The article's outlet from the evidence, most trusted first (see the module docstring)."""
    for name in (given, from_host(url), found, from_domain(url)):
        name = canonical(name)
        if name:
            return name
    return None
