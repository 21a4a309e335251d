"""Names that sound right for each market: people, companies, and their ASCII e-mail forms.

Lists are short on purpose: a demo needs plausibility, not a census. Each country has
first names, family names, words for company names, and its usual legal-form suffixes.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "COMPANY_ROOTS",
    "FIRST_NAMES",
    "LAST_NAMES",
    "LEGAL_FORMS",
    "ascii_slug",
    "family_name",
]


def _split(names: str) -> tuple[str, ...]:
    """Name lists are written as one comma-separated string per country, to stay readable."""
    return tuple(name.strip() for name in names.split(","))


FIRST_NAMES: dict[str, tuple[str, ...]] = {
    "NL": _split(
        "Daan, Sanne, Lotte, Bram, Femke, Joris, Noor, Thijs, Eva, Ruben, Marieke, Pieter, "
        "Anouk, Sem, Ilse, Wouter"
    ),
    "DE": _split(
        "Lukas, Anna, Jonas, Lea, Felix, Sophie, Maximilian, Hannah, Paul, Katrin, Jürgen, "
        "Sabine, Tobias, Julia, Stefan, Miriam"
    ),
    "FR": _split(
        "Camille, Louis, Chloé, Hugo, Léa, Julien, Manon, Antoine, Élodie, Mathieu, Inès, "
        "Nicolas, Claire, Théo, Sophie, Guillaume"
    ),
    "NO": _split(
        "Ingrid, Lars, Sigrid, Ola, Kari, Henrik, Solveig, Eirik, Marte, Håkon, Nora, "
        "Øystein, Silje, Magnus, Ane, Torbjørn"
    ),
    "BE": _split(
        "Lucas, Emma, Arthur, Louise, Wout, Elise, Maxime, Lien, Thomas, Charlotte, "
        "Pieter-Jan, Amélie, Kobe, Marie, Jens, Fien"
    ),
    "GB": _split(
        "Oliver, Amelia, Harry, Isla, George, Emily, James, Sophie, Jack, Charlotte, "
        "William, Grace, Thomas, Hannah, Daniel, Lucy"
    ),
    "SE": _split(
        "Erik, Elsa, Johan, Maja, Anders, Astrid, Karl, Ebba, Gustav, Linnea, Björn, Saga, "
        "Oskar, Frida, Nils, Klara"
    ),
    "DK": _split(
        "Mads, Freja, Søren, Ida, Rasmus, Mette, Mikkel, Sofie, Anders, Line, Jesper, "
        "Camilla, Frederik, Signe, Kasper, Astrid"
    ),
    "ES": _split(
        "Lucía, Hugo, Martina, Pablo, Sofía, Javier, Carmen, Alejandro, Laura, Diego, "
        "Elena, Sergio, Paula, Álvaro, Marta, Raúl"
    ),
    "IT": _split(
        "Giulia, Lorenzo, Francesca, Matteo, Chiara, Alessandro, Sara, Davide, Martina, "
        "Federico, Elena, Luca, Valentina, Marco, Alessia, Niccolò"
    ),
    "PL": _split(
        "Jakub, Zuzanna, Kacper, Julia, Szymon, Maja, Łukasz, Agnieszka, Piotr, Katarzyna, "
        "Tomasz, Magdalena, Michał, Aleksandra, Paweł, Anna"
    ),
    "AT": _split(
        "Lukas, Anna, David, Lena, Florian, Katharina, Matthias, Johanna, Stefan, Theresa, "
        "Andreas, Verena, Christoph, Marlene, Dominik, Eva"
    ),
    "CH": _split(
        "Noah, Mia, Luca, Elena, Simon, Laura, Reto, Nadine, Beat, Corinne, Marco, Andrea, "
        "Urs, Seraina, Yannick, Chiara"
    ),
    "US": _split(
        "Michael, Jennifer, David, Jessica, Chris, Ashley, Matthew, Emily, Ryan, Sarah, "
        "Tyler, Megan, Brandon, Lauren, Kevin, Rachel"
    ),
}

LAST_NAMES: dict[str, tuple[str, ...]] = {
    "NL": _split(
        "de Jong, Jansen, de Vries, van den Berg, Bakker, Visser, Smit, Meijer, de Boer, "
        "Mulder, van Dijk, Bos, Vos, Peters, Hendriks, van Leeuwen"
    ),
    "DE": _split(
        "Müller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Schulz, "
        "Hoffmann, Koch, Richter, Klein, Wolf, Schröder, Neumann"
    ),
    "FR": _split(
        "Martin, Bernard, Dubois, Thomas, Robert, Richard, Petit, Durand, Leroy, Moreau, "
        "Simon, Laurent, Lefèvre, Michel, Garnier, Faure"
    ),
    "NO": _split(
        "Hansen, Johansen, Olsen, Larsen, Andersen, Pedersen, Nilsen, Kristiansen, Jensen, "
        "Karlsen, Berg, Haugen, Hagen, Solberg, Bakken, Strand"
    ),
    "BE": _split(
        "Peeters, Janssens, Maes, Jacobs, Mertens, Willems, Claes, Goossens, Wouters, "
        "De Smet, Dubois, Lambert, Dupont, Vermeulen, Desmet, Leclercq"
    ),
    "GB": _split(
        "Smith, Jones, Taylor, Brown, Williams, Wilson, Johnson, Davies, Robinson, Wright, "
        "Thompson, Evans, Walker, White, Roberts, Green"
    ),
    "SE": _split(
        "Andersson, Johansson, Karlsson, Nilsson, Eriksson, Larsson, Olsson, Persson, "
        "Svensson, Gustafsson, Pettersson, Jonsson, Lindberg, Lindqvist, Berglund, "
        "Sjöberg"
    ),
    "DK": _split(
        "Nielsen, Jensen, Hansen, Pedersen, Andersen, Christensen, Larsen, Sørensen, "
        "Rasmussen, Jørgensen, Petersen, Madsen, Kristensen, Olsen, Thomsen, Møller"
    ),
    "ES": _split(
        "García, Rodríguez, González, Fernández, López, Martínez, Sánchez, Pérez, Gómez, "
        "Martín, Jiménez, Ruiz, Hernández, Díaz, Moreno, Muñoz"
    ),
    "IT": _split(
        "Rossi, Russo, Ferrari, Esposito, Bianchi, Romano, Colombo, Ricci, Marino, Greco, "
        "Bruno, Gallo, Conti, De Luca, Mancini, Costa"
    ),
    "PL": _split(
        "Nowak, Kowalski, Wiśniewski, Wójcik, Kowalczyk, Kamiński, Lewandowski, Zieliński, "
        "Szymański, Woźniak, Dąbrowski, Kozłowski, Jankowski, Mazur, Kwiatkowski, "
        "Krawczyk"
    ),
    "AT": _split(
        "Gruber, Huber, Bauer, Wagner, Müller, Pichler, Steiner, Moser, Mayer, Hofer, "
        "Leitner, Berger, Fuchs, Eder, Fischer, Schmid"
    ),
    "CH": _split(
        "Müller, Meier, Schmid, Keller, Weber, Huber, Schneider, Meyer, Steiner, Fischer, "
        "Gerber, Brunner, Baumann, Frei, Zimmermann, Moser"
    ),
    "US": _split(
        "Smith, Johnson, Williams, Brown, Jones, Miller, Davis, Garcia, Rodriguez, Wilson, "
        "Anderson, Taylor, Thomas, Moore, Jackson, Martin"
    ),
}

# Words that company names are built from: local place names and invented brand roots.
COMPANY_ROOTS: dict[str, tuple[str, ...]] = {
    "NL": _split("Oranje, Delta, Polder, Zuidas, Maas, Brabant, Veluwe, Noorder, Dijk"),
    "DE": _split("Rhein, Nord, Alpen, Spree, Elbe, Main, Hansa, Isar, Weser"),
    "FR": _split("Lumière, Azur, Loire, Horizon, Atlantique, Seine, Rhône, Étoile, Mistral"),
    "NO": _split("Fjord, Nordlys, Vik, Bergen, Tind, Havn, Skog, Viking, Polar"),
    "BE": _split("Schelde, Brabo, Ardenne, Leie, Meuse, Kempen, Brugge, Sonian, Zenne"),
    "GB": _split("Thames, Pennine, Albion, Highland, Mersey, Severn, Cotswold, Kestrel, Tyne"),
    "SE": _split("Norr, Skärgård, Vasa, Göta, Mälar, Fjäll, Ljus, Älv, Sund"),
    "DK": _split("Øresund, Jylland, Fyn, Hygge, Nordsø, Kyst, Bølge, Lys, Havn"),
    "ES": _split("Ibérica, Sol, Levante, Cantábrica, Sierra, Mar, Norte, Tajo, Ebro"),
    "IT": _split("Aurora, Adriatica, Alpina, Tevere, Lario, Vesuvio, Arno, Sole, Dolomiti"),
    "PL": _split("Wisła, Mazowsze, Baltyk, Tatry, Orzeł, Odra, Polana, Warta, Kraków"),
    "AT": _split("Donau, Tirol, Wien, Alpen, Salzach, Wachau, Enns, Brenner, Mur"),
    "CH": _split("Helvetia, Matterhorn, Aare, Limmat, Jura, Rigi, Pilatus, Säntis, Léman"),
    "US": _split("Summit, Liberty, Pacific, Pioneer, Redwood, Hudson, Granite, Prairie, Atlas"),
}

# The legal forms a company name ends with in each country.
LEGAL_FORMS: dict[str, tuple[str, ...]] = {
    "NL": _split("B.V."),
    "DE": _split("GmbH, AG, GmbH & Co. KG"),
    "FR": _split("SAS, SA, SARL"),
    "NO": _split("AS, ASA"),
    "BE": _split("NV, BV, SRL"),
    "GB": _split("Ltd, plc"),
    "SE": _split("AB"),
    "DK": _split("A/S, ApS"),
    "ES": _split("S.L., S.A."),
    "IT": _split("S.r.l., S.p.A."),
    "PL": _split("sp. z o.o., S.A."),
    "AT": _split("GmbH, AG"),
    "CH": _split("AG, GmbH, SA"),
    "US": _split("Inc., LLC, Corp."),
}

# Letters that Unicode decomposition does not turn into ASCII on its own.
_FOLD = str.maketrans(
    {"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss", "ł": "l", "Ł": "L", "đ": "d"}
)
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


# Polish family names in -ski, -cki and -dzki agree with the person: Anna Kowalska, Jan
# Kowalski. The lists above hold the masculine form; Polish women's first names end in -a.
_POLISH_ADJECTIVAL = re.compile(r"(ski|cki|dzki)$")


def family_name(country: str, first: str, last: str) -> str:
    """``last`` in the form it takes with ``first`` in that country's language."""
    if country == "PL" and first.endswith("a"):
        return _POLISH_ADJECTIVAL.sub(lambda found: found[1][:-1] + "a", last)
    return last


@lru_cache(maxsize=8192)  # names repeat a lot: a million contacts share a few hundred
def ascii_slug(text: str, *, german: bool = False, sep: str = "") -> str:
    """Fold a name into the lowercase ASCII an e-mail address or domain would use.

    German-speaking countries write umlauts as two letters (Müller -> mueller); elsewhere
    accents are simply dropped (Lefèvre -> lefevre), which is what mail servers see.
    """
    if german:
        text = text.translate(_GERMAN)
    folded = unicodedata.normalize("NFKD", text.translate(_FOLD))
    plain = folded.encode("ascii", "ignore").decode("ascii").lower()
    return _NOT_SLUG.sub(sep, plain).strip(sep) if sep else _NOT_SLUG.sub("", plain)
