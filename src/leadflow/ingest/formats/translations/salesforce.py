"""Salesforce's lead field labels and default picklist values in German, French,
Dutch, Spanish and Italian, as a report export in that language writes them.

Only report exports are localised: Data Loader, Data Export and Workbench write API
names (``FirstName``), which the layout reads in every language. A report writes the
running user's field labels; the standard picklists (Lead Status, Lead Source) hold
the values of the language the org was created in, unless an admin renamed them.

Sources: the labels as Salesforce's help, Trailhead and integration guides quote them
in each language, and the product's translated labels. Where a language writes
one label for two fields (French "Nom" is both the last name and the full name), the
label goes to the field that owns it in the lead's field list (``LastName``).
"""

from __future__ import annotations

from leadflow.ingest.formats.translations import HeaderTable, ValueTable

__all__ = ["HEADERS", "VALUES"]

HEADERS: dict[str, HeaderTable] = {
    "de": {
        "salutation": ("Anrede",),
        "first_name": ("Vorname",),
        "last_name": ("Nachname",),
        "email": ("E-Mail",),
        "phone": ("Telefon",),
        "mobile_phone": ("Mobil",),
        "title": ("Titel",),
        "company": ("Firma",),
        "industry": ("Branche",),
        "revenue": ("Jahresumsatz",),
        "country": ("Land",),
        "city": ("Ort",),
        "channel": ("Lead-Quelle",),
        "lead_status": ("Lead-Status",),
        "owner": ("Lead-Inhaber",),
        "created_at": ("Erstellt am", "Erstelldatum"),
        "email_opt_out": ("E-Mail-Opt-out",),
        "phone_opt_out": ("Nicht anrufen",),
    },
    "fr": {
        "salutation": ("Civilité",),
        "first_name": ("Prénom",),
        "last_name": ("Nom",),
        "email": ("E-mail", "Adresse e-mail"),
        "phone": ("Téléphone",),
        "title": ("Titre",),
        "company": ("Société",),
        "website": ("Site Web",),
        "industry": ("Secteur d'activité",),
        "employees": ("Nombre d'employés",),
        "revenue": ("Chiffre d'affaires annuel",),
        "country": ("Pays",),
        "city": ("Ville",),
        "channel": ("Origine de la piste",),
        "lead_status": ("Statut de la piste",),
        "owner": ("Propriétaire de la piste",),
        "created_at": ("Date de création",),
        "email_opt_out": ("Désinscription des e-mails",),
        "phone_opt_out": ("Ne pas appeler",),
    },
    "nl": {
        "first_name": ("Voornaam",),
        "last_name": ("Achternaam",),
        "email": ("E-mail",),
        "phone": ("Telefoon",),
        "company": ("Bedrijf",),
        "country": ("Land",),
        "city": ("Plaats",),
        "channel": ("Leadbron",),
        "lead_status": ("Leadstatus",),
        "phone_opt_out": ("Niet bellen",),
    },
    "es": {
        "first_name": ("Nombre",),
        "last_name": ("Apellidos",),
        "email": ("Correo electrónico",),
        "company": ("Compañía", "Empresa"),
        "channel": ("Origen del candidato",),
        "lead_status": ("Estado del candidato",),
    },
    "it": {
        "first_name": ("Nome",),
        "last_name": ("Cognome",),
        "company": ("Società",),
        "channel": ("Origine lead",),
        "lead_status": ("Stato lead",),
    },
}

VALUES: dict[str, ValueTable] = {
    "de": {
        "lead_status": {
            "Offen - Nicht kontaktiert": "new",
            "In Bearbeitung - Kontaktiert": "working",
            "Geschlossen - Konvertiert": "converted",
            "Geschlossen - Nicht konvertiert": "unqualified",
        },
        "channel": {
            "Gekaufte Liste": "purchased",
            "Partnerempfehlung": "referral",
            "Mitarbeiterempfehlung": "referral",
            "Externe Empfehlung": "referral",
        },
    },
    "fr": {
        "lead_status": {
            "Ouvert - Non contacté": "new",
            "En cours - Contacté": "working",
            "Fermé - Converti": "converted",
            "Fermé - Non converti": "unqualified",
        },
        "channel": {
            "Liste achetée": "purchased",
            "Recommandation partenaire": "referral",
            "Recommandation d'employé": "referral",
            "Recommandation externe": "referral",
        },
    },
}
