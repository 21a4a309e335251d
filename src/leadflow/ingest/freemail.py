"""Free-mail providers: an address there says nothing about the person's employer.

The list is the definition's built-in one (``definition/data/free_mail_domains.txt``,
also behind the ``contact.free_mail`` fact), so imports and qualification agree on
what free mail is. On top of it, a provider family registered under many country
domains (``hotmail.com.br``, ``yahoo.co.jp``, ``gmx.at`` ...) counts as free mail under
every country code, without listing each one.

A university gives its students and alumni mailboxes under a subdomain of its own
(``student.uva.nl``, ``stud.uni-heidelberg.de``, ``alumni.ox.ac.uk``, ``etu.univ-lyon1.fr``):
such an address names a school the person attends or once attended, not an employer,
so it is free mail too. The rule reads the labels in front of the registered domain
(``student``, ``students``, ``stud``, ``alumni``, ``alum``, ``etu``, ``etud``, ``edu`` and
their Romance and Nordic forms) rather than listing universities; the university's own
domain (``uva.nl``: its staff) stays a company domain, and so does a company that is
merely *named* like one (``student.com``, ``alumni.co.uk``).
"""

from __future__ import annotations

from leadflow.definition.builtin import builtin_free_mail_domains

__all__ = ["is_free_mail", "is_student_mailbox"]

_FAMILIES: frozenset[str] = frozenset(
    {"gmail", "googlemail", "yahoo", "ymail", "hotmail", "outlook", "live", "msn",
     "windowslive", "aol", "gmx", "yandex", "icloud", "protonmail", "zoho"}
)  # fmt: skip
# What may follow a family name: a country code, or a second level like ``co.uk``.
_SECOND_LEVELS = frozenset({"co", "com", "net", "org"})
# Subdomain labels of students' and alumni's mailboxes (English, German, Dutch and Nordic
# "stud", French "etu"/"etud", Italian "studenti", Spanish "alumnos"/"estudiantes" ...).
_STUDENT_LABELS: frozenset[str] = frozenset(
    {"student", "students", "stud", "studs", "stu", "studenti", "studente", "studenten",
     "studium", "estudiante", "estudiantes", "alumnos", "alunos", "aluno", "etu", "etud",
     "etudiant", "etudiants", "edu", "alumni", "alum", "alumnae", "alumnus"}
)  # fmt: skip
# Second levels under a country code where universities and companies register
# (``ox.ac.uk``, ``acme.co.uk``, ``unsw.edu.au``): the registered domain is three labels.
_REGISTRY_LEVELS = frozenset({"ac", "co", "com", "edu", "gov", "net", "org", "or", "ne"})


def is_free_mail(domain: str, extra: frozenset[str] = frozenset()) -> bool:
    """True when ``domain`` (lower-case) is a free-mail provider, built in or in ``extra``."""
    if domain in extra or domain in builtin_free_mail_domains() or is_student_mailbox(domain):
        return True
    labels = domain.split(".")
    if labels[0] not in _FAMILIES:
        return False
    rest = labels[1:]
    if len(rest) == 1:
        return len(rest[0]) == 2 or rest[0] in _SECOND_LEVELS
    return len(rest) == 2 and rest[0] in _SECOND_LEVELS and len(rest[1]) == 2


def is_student_mailbox(domain: str) -> bool:
    """True for a university's students' or alumni's mailboxes (``student.uva.nl``): a
    student label in front of the registered domain, never the registered domain itself."""
    labels = domain.split(".")
    registered = 2
    if len(labels) >= 3 and labels[-2] in _REGISTRY_LEVELS and len(labels[-1]) == 2:
        registered = 3
    return any(label in _STUDENT_LABELS for label in labels[:-registered])
