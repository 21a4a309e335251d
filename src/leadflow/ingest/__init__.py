"""Importers and normalisation of outside data (CRM exports, lists); no database here.

    table           read a CSV of any common dialect in constant memory (encoding,
                    delimiter, line numbers of multi-line records)
    formats         column layouts: HubSpot, Salesforce, Marketo, Odoo, Mautic, generic;
                    mapping files
    fields          the fields a column can map to, and where each one is stored
    convert         RowConverter: one row -> a validated ContactRecord, or RowError
    normalise       e-mail, website/company domain, UTM, numbers, yes/no, text
    phones          phone numbers to E.164 (a checked shortcut before phonenumbers)
    instants        dates and times to aware UTC
    countries       country names (en/nl/de/fr/nb/nn) and codes to ISO alpha-2
    values          stage, status, channel and consent words to leadflow's vocabulary
    freemail        free-mail providers (no company domain from those addresses)
    record          ContactRecord, ConsentClaim, RowError
    consent_claims  what a row says about consent; consent_rules: what that changes
    updates         what a record changes on a stored contact or account
    duplicates      candidate duplicates (fuzzy name + organisation, blocked)
    survivorship    which value a merged contact keeps
    rejects         the error report of rejected rows

The services (``services.import_contacts``, ``services.identity``) do the reading and
writing of the store around these pure decisions.
"""
