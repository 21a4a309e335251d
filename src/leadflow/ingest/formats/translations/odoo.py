"""Odoo CRM's lead field labels and default stage names in German, French, Dutch,
Spanish and Italian, as an export made by a user in that language writes them.

Odoo's export dialog writes each field's label (``field_description``) in the
exporting user's language, and the stages of the default pipeline (``crm.stage``
records) by their translated names. Every label below is the ``msgstr`` Odoo's own
translation of the ``crm`` module gives for the English label the layout reads
(``addons/crm/i18n/<lang>.po`` in odoo/odoo): French from 14.0, German from 13.0,
Dutch from 16.0/17.0, Italian from 12.0 and Spanish from 10.0, the versions whose
files we read. Translations change between versions (German 13.0 calls the stage
"Proposition" ``Umsatzprognose``); a label a newer version writes differently is one
line of a mapping file.

Where an older version labelled a field differently, both are listed: 10.0 and 12.0
call ``partner_name`` "Customer Name" (Italian ``Nome cliente``, Spanish ``Nombre del
cliente``) where later versions say "Company Name"; 10.0 calls ``create_date`` and
``write_date`` "Create Date" and "Update Date". Labels identical to the English ones
once folded ("Email", "Mobile", "Source", "Medium", "ID", "Website", "Blacklist" in
Dutch) need no entry. Not listed because the files read do not carry them: "External
ID" in any language (the ``base`` module's label), and Spanish "Website" and
"Blacklist" (crm 10.0 has neither field).
"""

from __future__ import annotations

from leadflow.ingest.formats.layout import IGNORE
from leadflow.ingest.formats.translations import HeaderTable, ValueTable

__all__ = ["HEADERS", "VALUES"]

HEADERS: dict[str, HeaderTable] = {
    "de": {
        "email": ("E-Mail",),
        "full_name": ("Ansprechpartner",),
        IGNORE: ("Chance",),
        "company": ("Unternehmensname",),
        "title": ("Stelle",),
        "salutation": ("Titel",),
        "phone": ("Telefon",),
        "mobile_phone": ("Mobil",),
        "city": ("Stadt",),
        "state": ("Status",),
        "country": ("Land",),
        "lifecycle_stage": ("Stufe",),
        "owner": ("Verkäufer",),
        "tags": ("Stichwörter",),
        "utm_source": ("Herkunft",),
        "utm_medium": ("Mittel",),
        "utm_campaign": ("Kampagne",),
        "created_at": ("Erstellt am",),
        "updated_at": ("Zuletzt aktualisiert am",),
        "email_opt_out": ("Schwarze Liste",),
        "email_bounced": ("Unzustellbar",),
    },
    "fr": {
        "external_id": ("Identifiant",),
        "full_name": ("Nom du contact",),
        IGNORE: ("Opportunité",),
        "company": ("Nom de la société",),
        "title": ("Fonction",),
        "salutation": ("Titre",),
        "phone": ("Téléphone",),
        "website": ("Site web",),
        "city": ("Ville",),
        "state": ("État",),
        "country": ("Pays",),
        "lifecycle_stage": ("Étape",),
        "owner": ("Vendeur",),
        "tags": ("Étiquettes",),
        "utm_medium": ("Moyen",),
        "utm_campaign": ("Campagne",),
        "created_at": ("Créé le",),
        "updated_at": ("Dernière mise à jour le",),
        "email_opt_out": ("Liste de blocage",),
        "email_bounced": ("Rebond",),
    },
    "nl": {
        "email": ("E-mail",),
        "full_name": ("Naam contactpersoon",),
        IGNORE: ("Verkoopkans",),
        "company": ("Bedrijfsnaam",),
        "title": ("Functie",),
        "salutation": ("Titel",),
        "phone": ("Telefoon",),
        "mobile_phone": ("Mobiel",),
        "city": ("Plaats",),
        "state": ("Status",),
        "country": ("Land",),
        "lifecycle_stage": ("Fase",),
        "owner": ("Verkoper",),
        "tags": ("Labels",),
        "utm_source": ("Bron",),
        "utm_campaign": ("Campagne",),
        "created_at": ("Aangemaakt op",),
        "updated_at": ("Laatst bijgewerkt op",),
    },
    "es": {
        "email": ("Correo electrónico",),
        "full_name": ("Nombre del contacto",),
        IGNORE: ("Oportunidad",),
        "company": ("Nombre de la compañía", "Nombre del cliente"),
        "title": ("Puesto de trabajo",),
        "salutation": ("Título",),
        "phone": ("Teléfono",),
        "mobile_phone": ("Móvil",),
        "city": ("Ciudad",),
        "state": ("Estado",),
        "country": ("País",),
        "lifecycle_stage": ("Etapa",),
        "owner": ("Comercial",),
        "tags": ("Etiquetas",),
        "utm_source": ("Origen",),
        "utm_medium": ("Media",),
        "utm_campaign": ("Campaña",),
        "created_at": ("Creado el", "Fecha de Creación"),
        "updated_at": ("Última actualización el", "Fecha de actualización"),
        "email_bounced": ("Rebote",),
    },
    "it": {
        "email": ("E-mail",),
        "full_name": ("Nome contatto",),
        IGNORE: ("Opportunità",),
        "company": ("Nome azienda", "Nome cliente"),
        "title": ("Posizione lavorativa",),
        "salutation": ("Titolo",),
        "phone": ("Telefono",),
        "mobile_phone": ("Cellulare",),
        "website": ("Sito web",),
        "city": ("Città",),
        "state": ("Provincia",),
        "country": ("Nazione",),
        "lifecycle_stage": ("Fase",),
        "owner": ("Addetto vendite",),
        "tags": ("Etichette",),
        "utm_source": ("Fonte",),
        "utm_medium": ("Media",),
        "utm_campaign": ("Campagna",),
        "created_at": ("Creato il",),
        "updated_at": ("Ultimo aggiornamento il",),
        "email_opt_out": ("Lista nera",),
        "email_bounced": ("Non recapitate",),
    },
}

# The four stages Odoo's CRM creates (crm.stage_lead1..4), by their translated names.
# French "Proposition" is the English word and needs no entry.
VALUES: dict[str, ValueTable] = {
    "de": {
        "lifecycle_stage": {
            "Neu": "lead",
            "Qualifiziert": "sql",
            "Umsatzprognose": "opportunity",
            "Erfolgreich": "customer",
        },
    },
    "fr": {
        "lifecycle_stage": {"Nouveau": "lead", "Qualifié": "sql", "Gagné": "customer"},
    },
    "nl": {
        "lifecycle_stage": {
            "Nieuw": "lead",
            "Gekwalificeerd": "sql",
            "Voorstel": "opportunity",
            "Gewonnen": "customer",
        },
    },
    "es": {
        "lifecycle_stage": {
            "Nuevo": "lead",
            "Calificado": "sql",
            "Propuesta": "opportunity",
            "Ganado": "customer",
        },
    },
    "it": {
        "lifecycle_stage": {
            "Nuova": "lead",
            "Qualificata": "sql",
            "Proposta": "opportunity",
            "Vinta": "customer",
        },
    },
}
