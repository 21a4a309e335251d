"""How reps and CRMs write an attempt's channel and outcome, beside leadflow's words.

A rep types ``phone`` for a call and ``Left voicemail`` for a voicemail; a German team's
Salesforce says ``Anruf`` and ``Nicht erreicht``, a French one ``Répondeur``. Each table
maps a word, in ``keys.snake_case`` form (case, accents, spacing and punctuation
folded: ``Nicht erreicht`` is ``nicht_erreicht``), to leadflow's value. English, German,
French, Dutch, Norwegian, Spanish and Italian are read; anything else is said to the
user with the values leadflow knows (an import's mapping file adds a team's own).

    CHANNEL_WORDS        -> AttemptChannel values (call, email, linkedin, meeting)
    OUTCOME_WORDS        -> AttemptOutcome values (no_answer ... meeting_booked)
    CONVERSATION_WORDS   -> ConversationOutcome values (interested ...)
    DONE_WORDS           an activity's status: True done, False planned or called off
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import TypeVar

from leadflow.domain.keys import snake_case
from leadflow.domain.vocabulary import AttemptChannel, AttemptOutcome, ConversationOutcome

__all__ = [
    "CHANNEL_WORDS",
    "CONVERSATION_WORDS",
    "DONE_WORDS",
    "OUTCOME_WORDS",
    "done_word",
    "said_as",
]

_Choice = TypeVar("_Choice", bound=StrEnum)


def _table(groups: Mapping[str, Iterable[str]]) -> Mapping[str, str]:
    return MappingProxyType({word: value for value, words in groups.items() for word in words})


CHANNEL_WORDS: Mapping[str, str] = _table(
    {
        "call": (
            "call", "calls", "phone", "phone_call", "telephone", "telephone_call", "log_a_call",
            "outbound_call", "inbound_call", "cold_call", "anruf", "telefonat", "telefonanruf",
            "appel", "appel_telephonique", "bellen", "telefoongesprek", "telefoon",
            "telefonsamtale", "oppringning", "ringe", "llamada", "llamada_telefonica",
            "chiamata", "telefonata",
        ),
        "email": (
            "email", "emails", "e_mail", "mail", "list_email", "listemail", "sent_email",
            "courriel", "mel", "e_post", "epost", "correo", "correo_electronico",
            "posta_elettronica",
        ),
        "linkedin": (
            "linkedin", "linked_in", "inmail", "linkedin_message", "linkedin_inmail",
            "linkedin_nachricht", "message_linkedin", "linkedin_bericht", "linkedin_melding",
            "mensaje_de_linkedin", "messaggio_linkedin",
        ),
        "meeting": (
            "meeting", "meetings", "event", "video_call", "demo", "termin", "besprechung",
            "treffen", "reunion", "rendez_vous", "rdv", "afspraak", "vergadering", "mote",
            "reunion_virtual", "riunione", "incontro", "appuntamento",
        ),
    }
)  # fmt: skip

OUTCOME_WORDS: Mapping[str, str] = _table(
    {
        "no_answer": (
            "no_answer", "not_reached", "unreached", "busy", "no_response", "no_show",
            "not_answered", "nicht_erreicht", "keine_antwort", "besetzt", "nicht_erschienen",
            "pas_de_reponse", "sans_reponse", "injoignable", "occupe", "absent",
            "niet_bereikt", "geen_gehoor", "geen_antwoord", "bezet", "niet_verschenen",
            "ikke_svar", "ikke_nadd", "opptatt", "sin_respuesta", "no_contesta", "ocupado",
            "nessuna_risposta", "non_risponde", "occupato", "non_raggiunto",
        ),
        "voicemail": (
            "voicemail", "voice_mail", "left_voicemail", "left_message", "left_live_message",
            "mailbox", "anrufbeantworter", "nachricht_hinterlassen", "auf_mailbox_gesprochen",
            "repondeur", "messagerie", "message_laisse", "message_vocal", "ingesproken",
            "voicemail_ingesproken", "telefonsvarer", "talepost", "legg_igjen_beskjed",
            "buzon_de_voz", "buzon", "mensaje_de_voz", "segreteria", "segreteria_telefonica",
            "messaggio_lasciato",
        ),
        "wrong_number": (
            "wrong_number", "invalid_number", "bad_number", "falsche_nummer",
            "falsche_telefonnummer", "mauvais_numero", "numero_errone", "faux_numero",
            "verkeerd_nummer", "onjuist_nummer", "feil_nummer", "numero_equivocado",
            "numero_incorrecto", "numero_sbagliato", "numero_errato",
        ),
        "connected": (
            "connected", "reached", "answered", "spoke", "spoke_with", "talked", "completed",
            "held", "erreicht", "gesprochen", "verbunden", "stattgefunden", "joint",
            "atteint", "eu_en_ligne", "bereikt", "gesproken", "verbonden", "nadd",
            "snakket_med", "contactado", "contestado", "hablado", "raggiunto", "risposto",
            "parlato",
        ),
        "meeting_booked": (
            "meeting_booked", "meeting_scheduled", "meeting_set", "appointment_set",
            "demo_booked", "demo_scheduled", "termin_vereinbart", "termin_gebucht",
            "rdv_pris", "rendez_vous_pris", "afspraak_gemaakt", "afspraak_ingepland",
            "mote_booket", "reunion_agendada", "reunion_programada", "appuntamento_fissato",
        ),
    }
)  # fmt: skip

CONVERSATION_WORDS: Mapping[str, str] = _table(
    {
        "interested": ("interested", "interessiert", "interesse", "geinteresseerd",
                       "interessert", "interesado", "interessato"),
        "not_interested": ("not_interested", "nicht_interessiert", "kein_interesse",
                           "pas_interesse", "niet_geinteresseerd", "ikke_interessert",
                           "no_interesado", "non_interessato"),
        "no_decision": ("no_decision", "undecided", "keine_entscheidung", "unentschieden",
                        "pas_de_decision", "indecis", "geen_beslissing", "ingen_beslutning",
                        "sin_decision", "nessuna_decisione"),
    }
)  # fmt: skip

_DONE = (
    "done", "completed", "complete", "closed", "held", "true", "yes", "1", "erledigt",
    "abgeschlossen", "stattgefunden", "ja", "termine", "fait", "effectue", "oui", "afgerond",
    "gedaan", "voltooid", "ferdig", "utfort", "fullfort", "completado", "hecho",
    "realizado", "si", "completato", "fatto", "svolto",
)  # fmt: skip
_PLANNED = (
    "not_done", "not_started", "in_progress", "open", "planned", "scheduled", "rescheduled",
    "deferred", "waiting_on_someone_else", "canceled", "cancelled", "false", "no", "0",
    "geplant", "offen", "nicht_erledigt", "abgesagt", "verschoben", "nein", "a_faire",
    "prevu", "planifie", "annule", "reporte", "non", "gepland", "niet_gedaan", "geannuleerd",
    "verzet", "nee", "planlagt", "ikke_utfort", "avlyst", "nei", "pendiente", "planificado",
    "cancelado", "da_fare", "pianificato", "annullato",
)  # fmt: skip
DONE_WORDS: Mapping[str, bool] = MappingProxyType(
    {**dict.fromkeys(_PLANNED, False), **dict.fromkeys(_DONE, True)}
)

_TABLES: dict[type[StrEnum], Mapping[str, str]] = {
    AttemptChannel: CHANNEL_WORDS,
    AttemptOutcome: OUTCOME_WORDS,
    ConversationOutcome: CONVERSATION_WORDS,
}


def said_as(kind: type[_Choice], value: str) -> _Choice | None:
    """The member of ``kind`` that ``value`` names: its value, in any case and spacing
    (``No answer``), or a rep's word for it (``phone`` is a call, ``Anrufbeantworter`` a
    voicemail); None for a word none of the tables has."""
    key = snake_case(value)
    words = _TABLES.get(kind, {})
    for candidate in (value, key, words.get(key, "")):
        with contextlib.suppress(ValueError):
            return kind(candidate)
    return None


def done_word(value: str) -> bool | None:
    """True for a word saying an activity was done, False planned or called off."""
    return DONE_WORDS.get(snake_case(value))
