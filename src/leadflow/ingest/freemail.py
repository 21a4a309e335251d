"""Free-mail providers: an address there says nothing about the person's employer.

A company domain is taken from an e-mail address only when the domain is not one of
these. The list holds the large international providers and the consumer ISPs of the
markets leadflow's articles come from (Netherlands, Belgium, Germany, France, Norway),
plus provider families that exist under many country domains (``hotmail.co.uk``,
``yahoo.fr``, ``gmx.at`` ...).
"""

from __future__ import annotations

__all__ = ["FREE_MAIL_DOMAINS", "is_free_mail"]

FREE_MAIL_DOMAINS: frozenset[str] = frozenset(
    {
        # international
        "gmail.com", "googlemail.com", "yahoo.com", "ymail.com", "rocketmail.com",
        "hotmail.com", "outlook.com", "live.com", "msn.com", "passport.com", "aol.com",
        "icloud.com", "me.com", "mac.com", "proton.me", "protonmail.com", "pm.me",
        "zoho.com", "zohomail.com", "yandex.com", "yandex.ru", "mail.com", "gmx.com",
        "gmx.net", "fastmail.com", "fastmail.fm", "hey.com", "tutanota.com",
        "tutanota.de", "tuta.io", "tuta.com", "mail.ru", "inbox.ru", "list.ru", "bk.ru",
        "qq.com", "163.com", "126.com", "naver.com", "hushmail.com", "duck.com",
        # Netherlands and Belgium
        "ziggo.nl", "kpnmail.nl", "kpnplanet.nl", "planet.nl", "hetnet.nl", "home.nl",
        "xs4all.nl", "casema.nl", "chello.nl", "online.nl", "quicknet.nl", "tele2.nl",
        "upcmail.nl", "zeelandnet.nl", "telenet.be", "skynet.be", "proximus.be",
        "scarlet.be",
        # Germany, Austria, Switzerland
        "web.de", "t-online.de", "freenet.de", "posteo.de", "mailbox.org", "arcor.de",
        "online.de", "1und1.de", "gmx.de", "gmx.at", "gmx.ch", "aon.at", "chello.at",
        "bluewin.ch", "hispeed.ch", "sunrise.ch",
        # France
        "orange.fr", "wanadoo.fr", "free.fr", "laposte.net", "sfr.fr", "neuf.fr",
        "bbox.fr", "club-internet.fr", "numericable.fr", "aliceadsl.fr",
        # Norway and the other Nordics
        "online.no", "frisurf.no", "c2i.net", "broadpark.no", "getmail.no", "start.no",
        "telia.com", "telia.no", "altibox.no", "live.no", "hotmail.no", "jubii.dk",
        "mail.dk", "ofir.dk", "suomi24.fi",
        # United Kingdom, Italy, Spain, Poland, Czechia
        "btinternet.com", "sky.com", "virginmedia.com", "talktalk.net", "ntlworld.com",
        "libero.it", "virgilio.it", "tiscali.it", "alice.it", "terra.es", "wp.pl",
        "o2.pl", "onet.pl", "interia.pl", "seznam.cz",
    }
)  # fmt: skip

# Providers that register the same mailbox service under many country domains.
_FAMILIES: frozenset[str] = frozenset(
    {"gmail", "googlemail", "yahoo", "ymail", "hotmail", "outlook", "live", "msn",
     "windowslive", "aol", "gmx", "yandex", "icloud", "protonmail", "zoho"}
)  # fmt: skip
# What may follow a family name: a country code domain, or a second level like ``co.uk``.
_SECOND_LEVELS = frozenset({"co", "com", "net", "org"})


def is_free_mail(domain: str, extra: frozenset[str] = frozenset()) -> bool:
    """True when ``domain`` (lower-case) is a free-mail provider, known here or in ``extra``."""
    if domain in FREE_MAIL_DOMAINS or domain in extra:
        return True
    labels = domain.split(".")
    if labels[0] not in _FAMILIES:
        return False
    rest = labels[1:]
    if len(rest) == 1:
        return len(rest[0]) == 2 or rest[0] in _SECOND_LEVELS
    return len(rest) == 2 and rest[0] in _SECOND_LEVELS and len(rest[1]) == 2
