"""Turn the values people and CRMs write into the one form leadflow stores.

Every function takes a non-empty, already-stripped cell and returns the normalised
value, or raises ``InvalidValueError`` whose message is the reason a row is rejected.
Empty cells never reach these functions: an empty cell means "not given".

E-mail   syntax checked by email-validator (never DNS); the whole address is lower-cased.
         RFC 5321 lets a server treat the local part case-sensitively, but no mainstream
         provider does, and CRMs (HubSpot, Salesforce, Mautic) deduplicate on the
         address without case; keeping the case would make "Jan.Jansen@" and
         "jan.jansen@" two people. Dots and "+tags" are kept: they are significant on
         most providers, so removing them would merge different people.
Phone    E.164 (``+31201234567``) by phonenumbers, with the row's country or a default
         region for national numbers. A number must be *possible* for its country
         (right length); it is not checked against the allocated ranges, which go
         stale faster than exports do. ``read_phone`` also gives the extension:
         - a direct-dial suffix written the DIN 5008 way (``030 1234567-12``,
           ``+43 1 53114-0``), or after "Durchwahl"/"DW" (the German word for it), is
           part of the number dialled: ``+4930123456712``. Where the country's plan
           has no room for it (fixed-length numbers: CH, FR, NL ...) the number
           without it is the phone and the suffix its extension;
         - a written extension ("ext. 12", "x12", "#12", "Nebenstelle 12",
           "poste 12", "toestel 4", "interno 7") is reached through the switchboard:
           the phone is the main number, the extension is kept beside it (E.164 has
           none). ``normalise_phone`` gives the number alone.
Domain   a company's domain from its website, else from an e-mail address unless the
         address is at a free-mail provider.
UTM      trimmed, URL-decoded, lower-cased, inner white space collapsed.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote_plus, urlsplit

import phonenumbers
from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email
from phonenumbers import PhoneNumberType

from leadflow.domain.keys import snake_case
from leadflow.domain.yes_no import yes_no
from leadflow.ingest.freemail import is_free_mail
from leadflow.ingest.phones import shortcut

__all__ = [
    "InvalidValueError",
    "Phone",
    "clean_text",
    "company_domain",
    "email_domain",
    "industry_key",
    "normalise_email",
    "normalise_phone",
    "normalise_utm",
    "parse_amount",
    "parse_boolean",
    "parse_integer",
    "read_phone",
    "snake_case",
    "trimmed",
    "website_domain",
]


class InvalidValueError(ValueError):
    """A cell that cannot be normalised; the message says why, in one line."""


# An unquoted ASCII local part (RFC 5322 dot-atom): the form nearly every address has.
# Such addresses skip email-validator's full parse; only their domain is validated
# (once per domain). A test checks that this shortcut agrees with email-validator.
_DOT_ATOM = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[A-Za-z0-9.-]+"
)
_MAX_LOCAL = 64
_MAX_ADDRESS = 254


def normalise_email(text: str) -> str:
    """``" Jan.Jansen@Example.COM "`` -> ``jan.jansen@example.com``; syntax is validated."""
    value = text.strip()
    if value[:7].lower() == "mailto:":
        value = value[7:]
    if _DOT_ATOM.fullmatch(value):
        local, _, domain = value.rpartition("@")
        if len(local) <= _MAX_LOCAL and len(value) <= _MAX_ADDRESS:
            try:
                return f"{local.lower()}@{_email_domain(domain.lower())}"
            except EmailNotValidError as error:
                raise InvalidValueError(f"e-mail {value!r} is not valid: {error}") from None
    return _validated(value)


def _validated(value: str) -> str:
    if value.count("@") > 1 and any(sep in value for sep in ",; "):
        raise InvalidValueError(f"e-mail {value!r} holds more than one address")
    try:
        checked = validate_email(value, check_deliverability=False, allow_display_name=True)
    except EmailNotValidError as error:
        raise InvalidValueError(f"e-mail {value!r} is not valid: {error}") from None
    local, _, _ = checked.normalized.rpartition("@")
    return f"{local.lower()}@{checked.domain.lower()}"


# A lower-case ASCII host name: letters, digits and inner hyphens, labels of at most 63,
# a dot, a top-level domain ending in a letter. email-validator accepts such a domain as
# it is, unless it holds "--" (Punycode and reserved labels) or is special-use (``.test``,
# ``localhost`` ...): those, and everything else, go through the validator itself, whose
# full check costs 100-500 µs a domain. A test checks the two agree.
_PLAIN_DOMAIN = re.compile(
    r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z0-9][a-z0-9-]{0,61})?[a-z]"
)
_DOMAIN_MAX = 253
_SPECIAL_USE = frozenset(SPECIAL_USE_DOMAIN_NAMES)


@lru_cache(maxsize=65536)
def _email_domain(domain: str) -> str:
    """Validate a domain once (email-validator's rules: a dot, no reserved names ...)."""
    if (
        len(domain) <= _DOMAIN_MAX
        and "--" not in domain
        and _PLAIN_DOMAIN.fullmatch(domain)
        and domain.rpartition(".")[2] not in _SPECIAL_USE
    ):
        return domain
    return validate_email(f"x@{domain}", check_deliverability=False).domain


def email_domain(email: str) -> str:
    """The domain of a normalised address."""
    return email.rpartition("@")[2]


@dataclass(frozen=True, slots=True)
class Phone:
    """A phone number in E.164 and the extension dialled after it, if any."""

    number: str
    extension: str | None = None


def normalise_phone(text: str, region: str | None) -> str:
    """A phone number in E.164; national numbers need ``region`` (ISO alpha-2)."""
    return _phone(text.strip(), region).number


def read_phone(text: str, region: str | None) -> Phone:
    """The number in E.164 and its extension (see the module docstring)."""
    return _phone(text.strip(), region)


# "Durchwahl 12" says what DIN 5008's "-12" says: these digits are dialled directly
# after the main number. Read as that suffix.
_DIRECT_DIAL_WORD = re.compile(r"[\s,;]*\b(?:durchwahl|durchw|dw)\b\.?:?\s*(?=\d)", re.IGNORECASE)
# The word before an extension in the languages of European exports ("poste 123",
# "Nebenstelle 4", "intern 12" in German and Swiss offices, "toestel 4", "interno 7",
# "wewn. 12"); phonenumbers knows only the English ones ("ext.", "x", "#"), and reads
# the rest as part of the number.
_EXTENSION_WORD = re.compile(
    r"\b(?:nebenstelle|nst|intern|poste|toestel|tst|interno|int"
    r"|extensi[oó]n|anexo|wewn|ankn|anknytning|lokal)\b\.?:?\s*(?=\d)",
    re.IGNORECASE,
)
# A direct-dial suffix at the end: digits, a hyphen, up to five digits ("...4567-12").
_DIRECT_DIAL = re.compile(r"(?P<main>.*\d)\s*-\s*(?P<suffix>\d{1,5})")


@lru_cache(maxsize=65536)
def _phone(value: str, region: str | None) -> Phone:
    quick = shortcut(value, region)
    if quick is not None and (
        _DIRECT_DIAL.fullmatch(value) is None or _room_for_suffix_of(quick[:6], len(quick))
    ):
        return Phone(quick)
    written = _EXTENSION_WORD.sub(" ext. ", _DIRECT_DIAL_WORD.sub("-", value))
    _refuse_keypad_words(value, written)
    number = _parsed(value, written, region)
    suffixed = _DIRECT_DIAL.fullmatch(written) if not number.extension else None
    if phonenumbers.is_possible_number(number):
        if suffixed is None or _room_for_suffix(number):
            return Phone(_e164(number), number.extension or None)
        # Too long for an office line, though some other number of the plan is that long
        # (a Dutch machine-to-machine or Swiss special number): the suffix is an extension
        # when the number before it is a whole office line, else only grouped digits.
        main = _parsed(value, suffixed["main"], region)
        if _room_for_suffix(main):
            return Phone(_e164(main), suffixed["suffix"])
        return Phone(_e164(number))
    if suffixed is not None:
        # No room for the suffix in this country's numbers: it is an extension.
        main = _parsed(value, suffixed["main"], region)
        if phonenumbers.is_possible_number(main):
            return Phone(_e164(main), suffixed["suffix"])
    where = phonenumbers.region_code_for_number(number) or region or "its country"
    raise InvalidValueError(f"phone {value!r} has the wrong length for {where}")


# The number from its first digit, without a written extension at its end.
_NUMBER_BODY = re.compile(
    r"[+\d].*?(?=(?:;ext=|\b(?:ext(?:ension|n)?|anexo)\b\.?)\s*:?\s*\d+\s*$|$)", re.I
)
_WORD = re.compile(r"[^\W\d_]+")
_KEYPAD_LETTERS = 3  # phonenumbers dials a number holding this many letters on the keypad


def _refuse_keypad_words(value: str, written: str) -> None:
    """Refuse a number with words in it: phonenumbers would dial their letters on the
    keypad (vanity numbers such as 1-800-FLOWERS), so "+49 30 1234567 mobil" or "App. 12"
    would become another, longer number, stored without a word."""
    body = _NUMBER_BODY.search(written)
    words = _WORD.findall(body.group() if body else "")
    if sum(len(word) for word in words) >= _KEYPAD_LETTERS:
        raise InvalidValueError(
            f"phone {value!r} has words in the number: {' '.join(words)!r} "
            "(a note belongs elsewhere; write an extension as 'ext. 12')"
        )


@lru_cache(maxsize=4096)
def _room_for_suffix_of(e164_start: str, e164_length: int) -> bool:
    """``_room_for_suffix`` of an E.164 number by its first digits and its length, which
    decide it: the country (the code, or for a shared code such as +1 the area code) and
    the number's length. A US number written "(415) 555-4242" looks like a direct dial;
    parsing each one again cost 25 µs, a tenth of a large import's phones."""
    representative = e164_start + "0" * (e164_length - len(e164_start))
    return _room_for_suffix(phonenumbers.parse(representative))


def _room_for_suffix(number: phonenumbers.PhoneNumber) -> bool:
    """Whether ``number`` has a possible length for a fixed line of its country: a direct
    dial (DIN 5008) extends an office's number, so only a plan whose office numbers vary
    in length (Germany, Austria) has room for one."""
    return bool(phonenumbers.is_possible_number_for_type(number, PhoneNumberType.FIXED_LINE))


# The international prefix 00 before a country code (not "00" alone, not "+00").
_IDD_00 = re.compile(r"\s*\(?00\)?\s*(?=[1-9])")


def _parsed(value: str, written: str, region: str | None) -> phonenumbers.PhoneNumber:
    """``written`` (``value`` with its extension words made English) parsed."""
    try:
        return phonenumbers.parse(written, region)
    except phonenumbers.NumberParseException as error:
        international = _IDD_00.match(written)
        if region is None and international is not None:
            # "0049 30 ...": 00 is how most of the world (all of Europe) dials out, so
            # without a region to say otherwise the country code follows it.
            return _parsed(value, "+" + written[international.end() :], None)
        if error.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE:
            reason = "has no country code (+..) and no default region applies"
        else:
            reason = "is not a phone number"
        raise InvalidValueError(f"phone {value!r} {reason}") from None


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_HOST = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+")


def website_domain(text: str) -> str:
    """``https://www.Acme.com/about`` -> ``acme.com`` (scheme, ``www.``, path and port gone)."""
    value = text.strip().lower()
    if "://" not in value:
        value = "//" + value
    host = (urlsplit(value).hostname or "").rstrip(".")
    host = host.removeprefix("www.")
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise InvalidValueError(f"website {text!r} has no valid host name") from None
    if not _HOST.fullmatch(ascii_host):
        raise InvalidValueError(f"website {text!r} has no valid host name")
    # The Unicode form, as email-validator gives for addresses: one key per domain.
    return ascii_host.encode("ascii").decode("idna")


def company_domain(
    email: str | None,
    website: str | None,
    free_mail: frozenset[str] = frozenset(),
) -> str | None:
    """The employer's domain: the website's, else the address's unless it is free mail."""
    if website:
        return website
    if email:
        domain = email_domain(email)
        if not is_free_mail(domain, free_mail):
            return domain
    return None


def industry_key(text: str) -> str:
    """An industry as fit rules name it, whichever tool wrote it: HubSpot's label
    ``Computer Software`` and value ``COMPUTER_SOFTWARE``, Salesforce's ``Financial
    Services`` -> ``computer_software``, ``financial_services`` (the presets' words).
    Raises ``InvalidValueError`` for text with no letter or digit in it."""
    key = snake_case(text)
    if not key:
        raise InvalidValueError(f"{text!r} names no industry")
    return key


# Characters no spreadsheet shows, which text pasted from web pages and chats brings
# into CRM fields: zero-width space, word joiner, zero-width no-break space (a byte-order
# mark, also where two exports were joined into one file), soft hyphen. Zero-width
# joiners stay: they shape emoji and the words of some scripts.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u00ad"))


def trimmed(text: str) -> str:
    """A cell without surrounding white space and invisible characters; an ASCII cell
    (nearly every one: the check is a flag) is only stripped."""
    text = text.strip()
    return text if text.isascii() else text.translate(_INVISIBLE).strip()


def clean_text(text: str) -> str:
    """Trimmed, with runs of white space (line breaks, tabs, NBSP) made one space."""
    return " ".join(text.split())


def normalise_utm(text: str) -> str:
    """``"  LinkedIn%20Ads "`` -> ``linkedin ads``: one spelling per source, medium, campaign."""
    value = unquote_plus(text) if "%" in text or "+" in text else text
    return clean_text(value).lower()


def parse_boolean(text: str) -> bool:
    """Yes/no in the spellings exports use (true/1/yes/ja/oui/sí ... false/0/no/nein/faux)."""
    flag = yes_no(text)
    if flag is None:
        raise InvalidValueError(f"{text!r} is not a yes/no value")
    return flag


# Digits in groups, one separator (decimal mark, thousands mark or space) between two
# groups: "1..2" and "0.,.0" are typing slips, not numbers to guess at.
# Windows' Swiss format groups thousands with a typographic apostrophe (U+2019).
_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,'\u2019 \u00a0\u202f][0-9]+)*")
# An amount as people write it: words or a currency before ("€", "EUR", "ca.", "~"), a
# sign, the number, a trailing minus (SAP), a magnitude ("2.5M", "300k", "1,5 Mio.",
# "1,2 Mrd", "10 k€") and a currency or words after ("EUR", "€/Jahr"); "(1.234,56)" is
# negative, as accountants write it. The magnitude must end its word: "5 mega" is 5
# followed by a word, not 5 million; or be glued to a currency code, as German
# controlling writes thousands and millions ("500 TEUR", "500 kEUR", "12 MEUR"; "T" is
# Tausend only so: "500 T€", not "500 t").
_CURRENCY_CODE = r"(?:eur|chf|usd|gbp|sek|nok|dkk|pln|czk|huf)(?![a-z])"
_AMOUNT = re.compile(
    r"(?P<before>[^0-9+-]*?)\s*(?P<sign>[+-]?)\s*"
    r"(?P<number>[0-9](?:[0-9.,'\u2019 \u00a0\u202f]*[0-9])?)(?P<minus>-?)\s*"
    r"(?:(?P<magnitude>(?:millionen|millions|million|milliarden|milliarde|milliards|milliard"
    rf"|mrd|mds|mio|mln|tsd|mm|md|bn|k|m|b)(?:(?![a-z])|(?={_CURRENCY_CODE}))"
    rf"|t(?=[€$£]|{_CURRENCY_CODE}))\.?)?"
    r"(?P<after>[^0-9]*)"
)
_LONGEST_AMOUNT = 1000
_FACTORS = {
    **dict.fromkeys(("k", "t", "tsd"), 1e3),
    **dict.fromkeys(("m", "mm", "mio", "mln", "million", "millions", "millionen"), 1e6),
    **dict.fromkeys(("b", "bn", "mrd", "md", "mds", "milliard", "milliards"), 1e9),
    **dict.fromkeys(("milliarde", "milliarden"), 1e9),
}


def parse_amount(text: str) -> float:
    """``"€ 1.234.567,89"``, ``"1,234,567.89"``, ``"2.5M"``, ``"1,5 Mio. €"`` -> a float
    (the currency is ignored, not converted)."""
    value = text.strip().lower()
    # No amount is this long; the limit keeps a pasted paragraph from costing seconds.
    match = _AMOUNT.fullmatch(value) if len(value) <= _LONGEST_AMOUNT else None
    if match is None or not _NUMBER.fullmatch(match["number"]):
        raise InvalidValueError(f"{text!r} is not a number")
    try:
        amount = float(_decimal_point(match["number"]))
    except ValueError:  # the decimal mark twice after the thousands mark: "1.2.3,4,5"
        raise InvalidValueError(f"{text!r} is not a number") from None
    if match["magnitude"]:
        amount *= _FACTORS[match["magnitude"]]
    in_brackets = match["before"].rstrip().endswith("(") and match["after"].lstrip()[:1] == ")"
    if match["sign"] == "-" or match["minus"] or in_brackets:
        amount = -amount
    if not math.isfinite(amount):  # 400 nines: a float says "inf"; no column holds it
        raise InvalidValueError(f"{text!r} is too large")
    return amount


def parse_integer(text: str) -> int:
    """``"1.200"``, ``"1,200"``, ``"1200.0"`` -> 1200; a range ``"51-200"`` gives its lower end."""
    value = text.strip()
    low, dash, _ = value.partition("-")
    if dash and low.strip() and _NUMBER.fullmatch(low.strip()):
        value = low.strip()
    amount = parse_amount(value)
    if amount != int(amount):
        raise InvalidValueError(f"{text!r} is not a whole number")
    if abs(amount) > _LARGEST_WHOLE:
        raise InvalidValueError(f"{text!r} is too large")
    return int(amount)


# Whole numbers (head counts) are stored in 32-bit columns (PostgreSQL's integer); no
# company comes near this, so a larger one is a mistake in the file.
_LARGEST_WHOLE = 2**31 - 1


def _decimal_point(value: str) -> str:
    """Decide which of ``.`` and ``,`` is the decimal separator; drop the other."""
    digits = re.sub(r"['\u2019 \u00a0\u202f]", "", value)
    dot, comma = digits.rfind("."), digits.rfind(",")
    if dot >= 0 and comma >= 0:
        decimal = "." if dot > comma else ","
    elif dot >= 0 or comma >= 0:
        mark = "." if dot >= 0 else ","
        tail = len(digits) - max(dot, comma) - 1
        # "1.234" or "1,234,567" group thousands; "1.5" or "12,75" have a decimal part.
        decimal = "" if digits.count(mark) > 1 or tail == 3 else mark
    else:
        return digits
    thousands = "," if decimal == "." else "."
    digits = digits.replace(thousands, "") if decimal else digits.replace(".", "").replace(",", "")
    return digits.replace(",", ".")
