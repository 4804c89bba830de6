"""Street addresses in the formats of the countries Glossa's schools are in.

Each family of formats has its own house-number order and street-type words:

- English (US, Canada, UK, India): number first, type last ("742 Evergreen Terrace Apt 4",
  "Flat 2, 14 Baker Street", "H.No. 806, Sami Ganj", "14/17, Sodhi Chowk");
- Spanish and Italian (Mexico, Spain, Latin America, Italy): type first, number last
  ("Periférico Sur 766 Interior 450", "Calle Mayor 12, 3º B", "Via Roma, 15 Appartamento 4");
- French: number, then type, then name ("12, rue de la Paix");
- German (Germany, Austria, Switzerland): the type glued to the name or after it, number last
  ("Etzlergasse 8-8", "Anna-Weber-Straße 7/6", "Linzer Straße 5, Stiege 2, Top 5", "Am Graben 4").

A street needs its house number: "the Nile", "Mount Everest", "Place de la Concorde" or "Vienna"
as the subject of a lesson are no address. Street-type words that are also everyday English words
("Mountain", "Park", "Place", "Square", "Via") count only in a street's shape: capitalised words
or an address cue right before, and never after function words ("Square root of 16").

Addresses without a street pattern are read from their two ends: back from a postcode over the lines that look
like address lines (`postcode_anchored`), and forward from what the writer says before them ("my address is",
"vivo en", "Adresse :"; `cue_anchored`). Every span then takes what follows the town: a region, a country, the next
line of a letter, a form's "City:" line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from presidio_analyzer import LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

# US/UK/Canada: the USPS suffix list (as used by postal services and address generators) plus British
# and Indian street words. Abbreviations are accepted with or without their full stop.
_SAFE_EN_TYPES = (
    "street|st|avenue|ave|av|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|terrace|ter|crescent|cres|close|"
    "parkway|pkwy|highway|hwy|expressway|freeway|motorway|turnpike|stravenue|mews|grove|gardens|gdns|"
    "nagar|marg|chowk|ganj|zila|colony|layout|enclave|vihar|puram|bagh"
)
_BROAD_EN_TYPES = (
    "alley|branch|bridge|brooks?|burgs?|bypass|camp|canyon|cape|causeway|centers?|centre|circles?|cir|cliffs?|"
    "club|common|corners?|course|courts|coves?|creek|crest|crossing|crossroad|curve|dale|dam|divide|drives|"
    "estates?|extensions?|falls?|ferry|fields?|flats?|fords?|forest|forges?|forks?|fort|garden|gateway|glens?|"
    "greens?|groves|harbou?rs?|haven|heights|hills?|hollow|inlet|islands?|isle|junctions?|keys?|knolls?|"
    "lakes?|land|landing|light|lights|loaf|locks?|lodge|loop|mall|manors?|meadows?|mills?|mission|mount|"
    "mountains?|neck|orchard|oval|overpass|park|parks|parkways|pass|passage|path|pike|pines?|place|pl|plains?|"
    "plaza|points?|ports?|prairie|radial|ramp|ranch|rapids?|rest|ridges?|river|roads|route|row|rue|run|"
    "shoals?|shores?|skyway|springs?|spurs?|squares?|sq|station|streams?|streets|summit|throughway|trace|"
    "track|trafficway|trail|trl|tunnel|underpass|unions?|valleys?|viaduct|views?|villages?|ville|vista|walks?|"
    "wall|ways?|wells?|circle|hill|walk|yard|wharf|quay|parade|broadway|rise|vale|wynd|end|approach|chase|cross|main|bend|"
    "lu|jie|dajie|dadao|hutong"  # Chinese streets in pinyin: "37 Xueyuan Lu"
)
# Spanish, Italian, Portuguese, French: the type comes before the name.
_SAFE_ROMANCE_TYPES = (
    r"calle|c/|avenida|avda\.?|av\.|av(?=\s+[^\W\d_]{3})|avinguda|paseo|p[º°]\.?|pza\.?|pla[çc]a|carrer|passeig|ctra\.?|rda\.?|carrera|cra\.?|carretera|calzada|bulevar|perif[eé]rico|"
    r"circuito|cerrada|privada|prolongaci[oó]n|andador|callej[oó]n|circunvalaci[oó]n|continuaci[oó]n|"
    r"corredor|eje\s+vial|pasaje|peatonal|viaducto|ampliaci[oó]n|rambla|glorieta|urbanizaci[oó]n|"
    r"cañada|alameda|ronda|cuesta|pasadizo|traves[ií]a|viale|piazza|piazzale|corso|vicolo|contrada|"
    r"borgo|strada|rotonda|incrocio|stretto|lungomare|lungotevere|salita|rua|travessa|pra[çc]a|estrada|rodovia|"
    r"cda\.|priv\.|prol\.|calz\.|cjon\.|and\.|blvr\.|cam[íi](?=\s+d)|blvd\.?|bv\.|bvar\.?|bvd\.|pl\.(?=\s)|v\.le|p\.za|p\.zza|c\.so|v\.lo|l\.go|ladeira|beco|viela|avenue|boulevard|bd|chemin|impasse|all[ée]e|mont[ée]e|quai|cours|rue|faubourg|sentier|hameau|lotissement|r[ée]sidence"
)
_BROAD_ROMANCE_TYPES = r"via|vial|plaza|place|route|square|passage|camino|largo|canale|acceso|diagonal|retorno"
_ROMANCE_LINKS = (
    r"de|del|de\s+la|de\s+las|de\s+los|di|da|dal|della|delle|dei|degli|dello|du|des|de\s+l['’]|d['’]|l['’]|la|le|"
    r"les|el|los|las|y|e|san|santa|santo|sur|norte|oriente|poniente|nord|sud|est|ovest"
)
# German: types glued to the name (Etzlergasse), hyphenated (Anna-Weber-Straße) or a word of their own.
_SAFE_DE_TYPES = (
    r"stra(?:ß|ss)e|str\.?|gasse|weg|platz|allee|damm|ufer|steig|pfad|zeile|g[üu]rtel|graben|kai|chaussee|"
    r"promenade|stieg|lände|laende|gässchen|gaessle|twiete|redder|kamp|anger|markt|steg|hof|wall|tor|"
    r"berg|feld|park|garten|siedlung|br[üu]cke|h[öo]he|au|bach|ring|kehre|winkel|zeile|plan|see|"
    r"straat|laan|gracht|plein|kade|singel|dijk|steeg"
)
# "Wiedner Hauptstraße", "Alte Landstraße": a capitalised place adjective before a glued street name.
_DE_ADJECTIVE = (
    r"(?:(?!(?i:die|eine|meine|deine|seine|ihre|unsere|jede|diese|keine|der|oder|aber|oder|über|unter|hinter|"
    r"the|we|are|were|here|there|where|over|after|never|ever|other)\b)(?-i:[A-ZÄÖÜ][\wäöüß]+(?:er|e))\s+)?"
)
_DE_SEPARATE_TYPES = r"stra(?:ß|ss)e|str\.|gasse|weg|platz|allee|ring|damm|ufer|g[üu]rtel|zeile|kai|markt|graben"
_DE_PREPOSITIONS = (
    r"Am|An\s+der|An\s+den|An\s+dem|Auf\s+der|Auf\s+dem|Auf\s+den|Im|In\s+der|In\s+den|Zum|Zur|Unter\s+den|"
    r"Hinter\s+der|Hinter\s+dem|Bei\s+der|Vor\s+dem|Alte|Alter|Neue|Neuer"
)
_WORD = r"[^\W\d_][\w'’.\-]*"
_CAPITAL = r"(?-i:[A-ZÀ-Ý])[\w'’\-]*"
_NUMBER = r"\d{1,5}[A-Za-z]?(?:\s?[-/]\s?\d{1,5}[A-Za-z]?){0,3}(?:/[A-Za-z](?!\w))?(?:\s+(?:bis|ter))?"
_EN_NAME_WORD = rf"(?:{_WORD}|\d{{1,3}}(?:st|nd|rd|th))"
_EN_UNIT = (
    r"(?:flat|apartment|apt\.?|unit|studio|suite|ste\.?|room|rm\.?|floor|fl\.?|h\.?\s?no\.?|house\s+no\.?|"
    r"plot(?:\s+no\.?)?|door\s+no\.?|#)"
)
_EN_SECONDARY = (
    r"(?:\s+(?-i:[NSEW]|NE|NW|SE|SW|North|South|East|West|Upper|Lower)\b\.?|\s*\((?-i:[NSEW])\))?"  # "Ave NW", "Rd (W)"
    rf"(?:,?\s*{_EN_UNIT}\s*#?\s*[\w-]*\d[\w-]*"
    r"|,?\s*\d{1,3}(?:st|nd|rd|th)\s+floor)?"
)
# A place and postcode after the street: "Riverton, OH 44123", "London SW1A 1AA", "Toronto, ON M5V 2T6".
_POSTCODE = (
    r"(?-i:\d{5}-\d{3}|\d{4}-\d{3}|\d{5}(?:-\d{4})?|[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}|[A-Z]\d[A-Z]\s?\d[A-Z]\d|"
    r"[A-Z]\d[\dW]\s?[A-Z\d]{4}|\d{4}\s?[A-Z]{2}(?![\w])|[A-Z]\d{4}(?:[A-Z]{3})?|\d{6}|\d{4}|\d{2}-\d{3}|\d{3}\s\d{2})"
)
_CITY = (  # a full stop only inside a name ("St.Gallen"), never the end of the sentence
    r"(?!(?i:col|colonia|fracc|c\.p)\b)(?-i:[A-ZÀ-Ý](?:[^\W\d]|['’\-]|\.(?=\w))*"
    r"(?:[ \t]+(?:(?:am|an[ \t]+der|im|bei|upon|on|sur|sous|de|del|di)[ \t]+)?"
    r"[A-ZÀ-Ý](?:[^\W\d]|['’\-]|\.(?=\w))*){0,2})"
)
_PLACE_AFTER = (  # a named group, so that the place can be read again more widely (see _extended)
    rf"(?P<place>(?:,[ \t]*{_CITY}(?:\s\d{{1,2}}(?!\d))?(?:,\s*(?-i:[A-Z]{{2,3}}))?(?:[\s,\-]+{_POSTCODE})?(?![\w]))?"
    rf"(?:,?\s*{_POSTCODE}(?:\s+{_CITY})?(?!\w))?)"
)
_ROMANCE_SECONDARY = (
    r"(?:\s*,?\s*(?:interior|int\.?|depto\.?|dpto\.?|departamento|edif\.?|edificio|piso|puerta|pta\.?|apt\.?|"
    r"appartamento|app\.?|piano|scala|interno|esc\.?|escalera|local|casa|bloque|bl\.?|mz\.?|lt\.?|torre|"
    r"apto\.?|ap\.?|andar|sala|bloco|conj(?:unto)?\.?(?!\s+residencial)|"
    r"b[âa]t(?:iment)?\.?|[ée]tage|porte|appt\.?|apartamento|oficina|of\.?|suite|bureau|no\.?|n[º°o]\.?|#)(?:(?<=\.)|(?![^\W\d_]))\s*[\w-]*\d?[\w-]*"
    r"|\s*[,–-]?\s*\d{1,2}\.?\s*[º°ªo]\.?(?:\s*[A-Za-z\d][ºª]?)?(?!\w)"
    r"|\s*,?\s*(?:izq(?:uierda)?|izqda|izda|dcha|dcho|drcha|derecha|centro|esq(?:uerdo)?|dt[oa]|direito|frente|"
    r"bajo|[áa]tico|entlo|entresuelo|pral|pte|ote|nte|poniente|oriente)\.?(?!\w)"
    r"|\s+x\s+\d{1,3}[a-z]?(?:\s+y\s+\d{1,3}[a-z]?)?(?!\w)"
    # the streets either side: "Calle Higuera 45 entre Nogal y Sauce", "entre calles 5 y 7"
    r"|\s*,?\s+entre\s+(?:(?:las\s+)?calles?\s+)?(?:[A-ZÀ-Ý][\w'’\-]*|\d{1,3})(?:\s+[A-ZÀ-Ý][\w'’\-]*)?"
    r"\s+(?:y|e)\s+(?:[A-ZÀ-Ý][\w'’\-]*|\d{1,3})(?:\s+[A-ZÀ-Ý][\w'’\-]*)?){0,3}"
)
_DE_SECONDARY = (
    r"(?i:\s*[,/]?\s*(?:(?:stiege|stg\.?|top|t[üu]r|etage|stock|og|eg|dg|wohnung|whg\.?)\s*\d{1,3}[a-z]?"
    r"|\d{1,2}\.\s*(?:og|stock|etage|obergeschoss)(?:\s+(?:links|rechts|mitte|li\.|re\.))?"
    r"|hinterhaus|vorderhaus|seitenfl[üu]gel|gartenhaus)(?!\w)){0,3}"
)
_STOP_WORDS = frozenset({
    "the", "a", "an", "of", "to", "in", "on", "at", "by", "for", "with", "and", "or", "your", "my", "our", "their",
    "his", "her", "its", "it", "all", "each", "these", "those", "this", "that", "them", "is", "are", "was", "were",
    "be", "from", "into", "over", "under", "about", "every", "some", "both", "than", "then", "there", "here", "as",
    "if", "so",
})
_ADDRESS_CUE = re.compile(
    r"(?:\b(?:live|lives|living|lived|stay|stays|staying|address|addr|moved|move|at|visit|house|home|flat|"
    r"(?:vivo|vive|vivimos)(?:\s+en)?|direcci[oó]n|domicilio|(?:abito|abita)(?:\s+(?:in|a))?|indirizzo|"
    r"(?:wohne|wohnt|wohnen)(?:\s+in)?|adresse|j['’]habite(?:\s+au)?|habite(?:\s+au)?|morada|moro(?:\s+na)?|"
    r"endere[çc]o)\b|[:@])"
    r"[\s,:]*$",
    re.IGNORECASE,
)


def _pattern(body: str, *, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w/]){body}", flags)


PATTERNS = {
    # Number first, English type last; a unit may come first ("Flat 2, 14 Baker Street", "Flat 17\nJanet Meadows").
    "english": _pattern(
        rf"(?P<value>(?:{_EN_UNIT}\s*\d{{1,5}}[A-Za-z]?\s*,?\s+)?(?:(?:no\.?\s*)?(?P<number>{_NUMBER})(?:\s*,?\s+|(?=(?-i:[a-z]{{3}}))(?!(?-i:st|nd|rd|th)\b)))"
        rf"(?P<name>(?:{_EN_NAME_WORD}\s+){{0,4}})(?P<type>(?:{_SAFE_EN_TYPES}|{_BROAD_EN_TYPES})\b\.?)"
        rf"(?:{_EN_SECONDARY})?{_PLACE_AFTER})"
    ),
    "english_unit_first": _pattern(
        rf"(?P<value>{_EN_UNIT}\s*\d{{1,5}}[A-Za-z]?\s*,?\s+(?P<name>(?:{_WORD}\s+){{1,4}})"
        rf"(?P<type>(?:{_SAFE_EN_TYPES}|{_BROAD_EN_TYPES})\b\.?){_PLACE_AFTER})"
    ),
    # Romance: type, name (with its links: "de la", "della"), house number, then interior/floor/door.
    "romance": _pattern(
        rf"(?P<value>(?P<type>(?:{_SAFE_ROMANCE_TYPES}|{_BROAD_ROMANCE_TYPES})(?!\w))\s+"
        rf"(?P<name>(?:\d{{1,2}}\s+de\s+)?(?:(?:{_ROMANCE_LINKS})\s+|{_WORD}\s+){{0,5}}?{_WORD})\s*,?\s*(?:(?:no\.?|n\.?\s?[º°o]\.?|#|n[úu]m(?:ero)?\.?)\s*)?"
        rf"(?P<number>\d{{1,5}}[A-Za-z]?(?:\s?[-/]\s?\d{{1,5}}[A-Za-z]?(?![º°ª]))?(?:[/-][A-Za-z](?!\w))?|s/n|snc)(?!\d)"
        r"(?:\s+(?:bis|ter))?(?:\s+\d{1,5}(?![º°ª\d])(?![\w/.,]\w))?"
        rf"{_ROMANCE_SECONDARY}{_PLACE_AFTER})"
    ),
    # French: "12, rue de la Paix", "8 bis avenue Victor Hugo".
    "french": _pattern(
        rf"(?P<value>(?P<number>\d{{1,5}}(?:\s?(?:bis|ter|[a-z]))?)\s*,?\s+(?P<type>rue|avenue|av\.|boulevard|bd|"
        r"chemin|impasse|all[ée]e?|mont[ée]e|place|quai|route|cours|square|passage|faubourg|sentier|rond-point|voie|"
        rf"r[ée]sidence)\s+(?P<name>(?:(?:{_ROMANCE_LINKS})\s*)*"
        rf"(?:{_CAPITAL}(?:[ \t]+(?:(?:{_ROMANCE_LINKS})[ \t]*)*{_CAPITAL}){{0,4}}"
        rf"|{_WORD}(?:[ \t]+{_WORD})?))"
        rf"(?:(?<=\b[A-Z])\.|\s+(?-i:Ouest|Est|Nord|Sud)\b)?{_ROMANCE_SECONDARY}{_PLACE_AFTER})"
    ),
    # German compounds and hyphenated names: "Etzlergasse 8-8", "Anna-Weber-Straße 7/6".
    "german": _pattern(
        rf"(?P<value>{_DE_ADJECTIVE}(?P<name>(?:[^\W\d_]\w*-){{1,3}}|[^\W\d_]\w*?)(?P<type>{_SAFE_DE_TYPES})(?:\s+|(?=\d))"
        rf"(?P<number>\d{{1,4}}[a-zA-Z]?(?:\s?[-/]\s?\d{{1,4}}[a-zA-Z]?){{0,3}})(?![\d.]\d|,\d(?!\d{{3,4}}(?!\d))){_DE_SECONDARY}"
        rf"{_PLACE_AFTER})"
    ),
    # German with the type as a word of its own: "Linzer Straße 5", "Kärntner Ring 12".
    "german_separate": _pattern(
        rf"(?P<value>(?P<name>{_WORD})\s+(?P<type>(?:{_DE_SEPARATE_TYPES})(?!\w))\s+"
        rf"(?P<number>\d{{1,4}}[a-zA-Z]?(?:\s?[-/]\s?\d{{1,4}}[a-zA-Z]?){{0,3}})(?![\d.]\d|,\d(?!\d{{3,4}}(?!\d))){_DE_SECONDARY})"
    ),
    # German with a preposition: "Am Graben 4", "Auf der Heide 12a" (capitalised: "Im 3rd" is no street).
    "german_preposition": re.compile(
        rf"(?<!\w)(?P<value>(?P<type>{_DE_PREPOSITIONS})\s+(?P<name>[A-ZÄÖÜ][\wäöüß\-]+)\s+"
        rf"(?P<number>\d{{1,4}}[a-zA-Z]?(?:\s?[-/]\s?\d{{1,4}}[a-zA-Z]?){{0,3}})(?![\d.]\d|,\d(?!\d{{3,4}}(?!\d))){_DE_SECONDARY})"
    ),
}
# Colombia and neighbours: the street is a number, the house a pair ("Carrera 7 # 45-12", "Calle 10 No. 5-51").
PATTERNS["colombian"] = _pattern(
    r"(?P<value>(?P<type>avenida\s+(?:calle|carrera)|av\.?\s+(?:calle|carrera|cra\.?|cl\.?)|ak|ac|calle|cll?\.?|clle\.?|"
    r"carrera|cra\.?|kra\.?|cr\.?|kr\.?|avenida|av\.?|diagonal|diag\.?|dg\.?|transversal|trans\.?|tv\.?|tr\.?)\s*"
    r"(?P<name>\d{1,3}\s?[A-Za-zªº]?(?:\s+bis(?:\s?[A-Za-z](?!\w))?)?(?:\s+(?:sur|este|norte|oeste))?)\s*"
    r"(?:#|no\.?|n[º°o]\.?|n[úu]mero)\s*"
    rf"(?P<number>\d{{1,3}}\s?[A-Za-z]?\s?-\s?\d{{1,3}}|\d{{1,5}}[A-Za-z]?)(?![\d-])(?:\s+(?:este|sur|norte|oeste))?"
    rf"{_ROMANCE_SECONDARY}{_PLACE_AFTER})"
)
# A house number and place names that end in a postcode of a shape no other number has ("23-B, gandhi nagar,
# jaipur 302015", "7, Ashok Vihar, Delhi 110052"): the postcode says it is an address (see `_plausible`).
PATTERNS["number_then_places"] = _pattern(
    r"(?<![\w/.,-])(?P<value>(?P<number>\d{1,5}(?:\s?[-/]\s?[A-Za-z\d]{1,4})?)\s*,\s*"
    rf"(?P<name>{_WORD}(?:\s+{_WORD}){{0,3}}))(?P<type>)"
)
# Roads known by a number: "Plot 12, Road No. 5, Banjara Hills".
PATTERNS["numbered_road"] = _pattern(
    rf"(?P<value>(?P<type>road|street|lane|cross|main)\s+no\.?\s*(?P<number>\d{{1,3}})(?!\d)(?P<name>){_PLACE_AFTER})"
)
# Post office boxes in the languages of the schools ("PO Box 4412", "Apartado Postal 17", "Postfach 1021").
PATTERNS["po_box"] = _pattern(
    r"(?P<value>(?:(?:p\.?\s?o\.?\s?box|post\s+office\s+box|apartado(?:\s+(?:postal|a[ée]reo|de\s+correos))?|postfach|case\s+postale|"
    r"casella\s+postale|casilla(?:\s+de\s+correos?)?|bo[iî]te\s+postale|caixa\s+postal|(?-i:CP|BP|C\.P\.|B\.P\.)(?=\s*\d{1,4}(?!\d)))"
    r"\s*(?:no\.?\s*)?\d{1,6}(?:\s\d{2,3}){0,2}(?!\d)"
    r"|(?:unit|psc)\s+\d{1,5}\s*,?\s*box\s+\d{1,5}(?!\d))"  # US military mail: "PSC 1234, Box 5678, APO AE 09012"
    rf"{_PLACE_AFTER})"
)
# Addresses on a road by its kilometre: "Km 4.5 Vía La Calera", "Carretera Federal 15 km 23", "SP-55 km 12"
# (never "963 km long": the kilometre comes first or after a road's name).
PATTERNS["kilometre"] = _pattern(
    r"(?P<value>(?P<type>(?:km|kil[óo]metro)\.?)\s*(?P<number>\d{1,3}(?:[.,]\d{1,3})?)\s*,?\s*"
    rf"(?:(?:v[ií]a|carretera|ruta|autopista|camino|strada)\s+(?:(?:a|al|de|del|para)\s+)?{_CITY}(?:\s*[-–]\s*{_CITY})?(?P<name>))"
    rf"|(?P<road>(?:carretera|ctra\.|ruta|autopista|v[ií]a|strada\s+(?:statale|provinciale)|route|(?-i:S[SP]|N|RN|RD|A|B|C|M|SR|CR|SH))"
    rf"[ \t.\-]*(?:(?-i:[A-Z][\w.\-]*)[ \t]+){{0,2}}\d{{1,4}}[A-Za-z]?)"
    rf"\s*,?\s*(?i:km)\.?\s*\d{{1,3}}(?:[.,]\d{{1,3}})?(?!\w)"
    rf"{_PLACE_AFTER})"
)
PATTERNS["block_house"] = _pattern(
    r"(?P<value>(?P<type>manzana|mz[a]?\.?|bloque|torre)\s*(?P<name>[A-Z\d]{1,3})\s*,?\s*"
    rf"(?:casa|lote|lt\.?|apto\.?|depto\.?|dpto\.?|apartamento|interior|int\.?)\s*(?P<number>\d{{1,4}}[A-Za-z]?)(?!\w){_PLACE_AFTER})"
)
PATTERNS["unit_after_number"] = re.compile(
    r"(?<![\w/])(?P<value>(?P<name>(?:(?-i:[A-Z][a-z]{1,4})\.\s?)?(?-i:[A-ZÀ-Ý][\w'’\-]+)"
    r"(?:[ \t]+(?-i:[A-ZÀ-Ý][\w'’\-]+)){0,2})"
    r"[ \t]+(?P<number>\d{1,5}[A-Za-z]?)\s*,?\s*"
    r"(?P<type>(?i:dpto|depto|departamento|apto|piso|oficina|interior|stiege|wohnung))"
    r"\.?\s*[\w-]*\d[\w-]*"
    rf"{_PLACE_AFTER})"
)
PATTERNS["english_the"] = re.compile(
    r"(?<![\w/])(?P<value>(?P<number>\d{1,4}[A-Za-z]?)\s+(?P<type>The)\s+(?P<name>[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)"
    rf"(?=\s*,\s*{_CITY})(?P<place>))"
)
_HOUSE_WORDS = (
    r"house|cottage|lodge|farm|barn|villa|mansions?|apartments|apts\.?|building|bldg\.?|towers?|hall|manor|"
    r"residency|complex|society|niwas|nivas|bhavan|chambers|flats|rectory|vicarage|grange|croft|farmhouse|mill|court"
)
_UNIT_WORDS = (
    r"flat|apartment|appartement|appt\.?|app\.?|apto\.?|dpto\.?|apt\.?|b[âa]t(?:iment)?\.?|building|bldg\.?|block|bloc|unit|studio|suite|"
    r"escalier|esc\.?|porte|entr[ée]e|wohnung|top|stiege|piso|depto\.?|interior|house\s+no\.?|h\.?\s?no\.?|plot(?:\s+no\.?)?|door\s+no\.?|"
    r"room|rm\.?"
)
_HOUSE_NAME = rf"(?:[^\W\d_][\w'’\-]*\s+){{1,3}}(?:{_HOUSE_WORDS})(?!\w)"
# Building names and flat numbers: "Flat 5B, Wood House, Church Close"; Indian blocks: "D-1091, Cheema Apartments,
# Anna Nagar", "H.No. 4-4-98, Jayanagar", "803, Sector 31".
PATTERNS["house_named"] = _pattern(
    rf"(?P<value>(?:(?:{_UNIT_WORDS})\s*[\w-]{{1,6}}\s*,\s*)?(?P<type>{_HOUSE_NAME})\s*[,\n]\s*"
    rf"(?:(?P<number>{_NUMBER})\s*,?\s+)?(?P<name>(?:{_EN_NAME_WORD}\s+){{0,3}})"
    rf"(?:{_SAFE_EN_TYPES}|{_BROAD_EN_TYPES})\b\.?{_PLACE_AFTER})"
)
PATTERNS["indian"] = re.compile(
    rf"(?<![\w/])(?P<value>(?P<number>(?-i:[A-Z]{{1,2}})-\d{{1,5}}[A-Za-z]?|(?i:h\.?\s?no\.?|house\s+no\.?|plot\s+no\.?|"
    rf"door\s+no\.?|flat(?:\s+no\.?)?)\s*[\w]*\d[\w/-]*)\s*,\s*(?:\d{{1,2}}(?i:st|nd|rd|th)\s+(?i:floor)\s*,\s*)?"
    rf"(?P<type>(?i:{_HOUSE_NAME})\s*,\s*)?"
    rf"(?P<name>(?:(?i:sector|phase|block|ward|gali|khasra)\s+\d+|(?i:plot|house|door|shop)\s+(?i:no)\.?\s*\d[\w/-]*|[A-Z][\w'’\-]*|(?(type)[a-z][\w'’\-]*|(?!)))"
    rf"(?:\s+[A-Z][\w'’\-]*){{0,2}}))"
    rf"|(?<![\w/])(?P<sector>(?!(?:1[89]|20)\d\d\b)\d{{1,5}}(?:/\d{{1,4}})?\s*,?\s*(?i:sector|phase)\s+\d{{1,3}}[A-Za-z]?)"
)
# After a street: place components that end in a postcode ("south leonard g20 1wr", "Col. Del Valle, C.P. 22608,
# Monterrey", "West Daniel, OR 77018"), or a capitalised place name before the end of the sentence (", Monterrey.").
_ANY_POSTCODE = (
    r"(?:c\.?\s?p\.?\s*|cep\s*:?\s*|pin\s*:?\s*|(?-i:[A-Z]{1,2})-(?=\d{4,5}\b))?(?:\d{5}-\d{3}|\d{4}-\d{3}|\d{5}(?:-\d{4})?|"
    r"[a-z]{1,2}\d[a-z\d]?\s*\d[a-z]{2}|[a-z]\d[a-z]\s?\d[a-z]\d|[a-z]\d[\dw]\s?[a-z\d]{4}(?!\w)|"
    r"(?-i:\d{4}\s?[A-Z]{2})(?!\w)|(?-i:[A-Z]\d{4}(?:[A-Z]{3})?)|\d{6}|\d{3}\s\d{3}|\d{4}|\(\d{4}\))"
)
_PLACE_STOP = (  # words that end an address written in lower case ("75011 paris before friday")
    r"(?:and|but|or|the|to|in|on|at|y|et|e|und|por|pour|per|mon|ma|my|please|pls|thanks|thx|call|tel|if|so|"
    r"gracias|saludos|hola|danke|bitte|merci|grazie|ciao|porfa|a|al|à|um|"
    r"before|after|by|for|from|with|is|are|was|were|will|can|until|since|when|because|as|we|i|you|he|she|they|"
    r"it|today|tomorrow|next|this|que|para|avant|bis|vor|prima|entro|ist|sind|war|wird|est|sont|es|son|est[áa]|"
    r"è|sono|é)"
)
_PLACE_WORD = rf"(?!(?-i:{_PLACE_STOP})\b)(?:(?-i:St|Ste|Mt|Ft)\.\s?)?[^\W\d_](?:[\w'’\-]|\.(?=\w))*"
_RIGHT_WITH_POSTCODE = re.compile(
    rf"(?:[ \-]{_PLACE_WORD}){{0,3}}"  # the rest of a place the street's own pattern stopped in ("andheri| east")
    rf"(?:\s*[,–-]\s*(?:(?:col(?:onia)?\.?\s+|co\.?\s+|\d{{1,3}}(?:st|nd|rd|th)\s+)?{_PLACE_WORD}"
    rf"(?:[ \-]{_PLACE_WORD}){{0,5}}(?:\s\d{{1,2}}(?!\d)|\s*\({_PLACE_WORD}(?:[ \-]{_PLACE_WORD}){{0,2}}\))?"
    r"|(?:ward|sector|phase|block|plot|gali|lane|road|street|cross|main|no\.?)\s*(?:no\.?\s*)?\d{1,4}[a-z]?(?!\w))){0,4}"
    r"\s*[,–-]?\s*"
    rf"(?:[a-z]{{2,3}}\s+)?{_ANY_POSTCODE}(?:(?!\w)|(?=(?-i:[A-ZÀ-Ý][a-zà-ÿ]{{2}})))"  # "28009Madrid"
    rf"(?:\s*,?\s*{_PLACE_WORD}(?:[ \-]{_PLACE_WORD}){{0,3}}(?:\s\d{{1,2}}(?!\d))?){{0,2}}",
    re.IGNORECASE,
)
# A town written without a comma before a postcode of an unmistakable shape: "27 holloway road london n7 8jg".
_RIGHT_TOWN_POSTCODE = re.compile(
    rf"\s+{_PLACE_WORD}(?:\s+{_PLACE_WORD}){{0,2}}\s+(?:[a-z]{{2,3}}\s+)?"
    r"(?:\d{5}(?:-\d{3,4})?|\d{4}-\d{3}|[a-z]{1,2}\d[a-z\d]?\s*\d[a-z]{2}|[a-z]\d[a-z]\s?\d[a-z]\d|\d{6})(?!\w)",
    re.IGNORECASE,
)
# An Irish county after the town, with or without commas: "swords co dublin", ", Co. Cork".
_RIGHT_COUNTY = re.compile(
    rf"(?:\s*,?\s*{_PLACE_WORD}){{0,2}}\s*,?\s*(?<!\w)(?:co\.?|county)\s+{_PLACE_WORD}(?!\w)", re.IGNORECASE
)
# A state or region code after the town: ", CDMX", " - SP", ", NSW", " (SI)", ", Jal.".
_RIGHT_REGION = re.compile(
    r"(?:\s*[,–/-]\s*|\s+\(|[ \t]+(?=(?-i:[A-Z]\.){2}))"
    r"(?-i:[A-Z]{2,4}|(?:[A-Z]\.){2,3}|[A-Z]\.[ \t]?[A-Z][a-z]{1,3}\.?)\)?(?![\w@])"
)
_DISTINCT_POSTCODE = re.compile(  # Indian PIN, UK, Canadian, Irish, Brazilian and Portuguese shapes
    r"(?<![\w-])(?:\d{6}|\d{3}\s\d{3}|\d{5}-\d{3}|\d{4}-\d{3}|[a-z]{1,2}\d[a-z\d]?\s*\d[a-z]{2}|[a-z]\d[a-z]\s?\d[a-z]\d|"
    r"[a-z]\d[\dw]\s?[a-z\d]{4})(?!\w)",
    re.IGNORECASE,
)
_COUNTRIES = (
    r"usa|u\.s\.a\.?|united\s+states|canada|m[ée]xico|mexico|espa[ñn]a|spain|argentina|colombia|chile|per[úu]|"
    r"uruguay|venezuela|ecuador|bolivia|paraguay|deutschland|germany|[öo]sterreich|austria|schweiz|suisse|svizzera|"
    r"switzerland|france|italia|italy|india|uk|united\s+kingdom|england|scotland|wales|ireland|[ée]ire|portugal|"
    r"brasil|brazil|belgique|belgi[eë]|belgium|nederland|netherlands|luxembourg|china"
)
_REGION_WORDS = (
    r"provincia|province|prov\.|estado|edo\.|state|regi[oó]n|region|regione|d[ée]partement|departamento|kanton|canton|"
    r"bundesland|comunidad|county"
)
_RIGHT_REGION_OR_COUNTRY = re.compile(  # ",\nProvincia de Buenos Aires\nArgentina", ", México", "\nCanada"
    rf"(?:[ \t]*,[ \t]*|[ \t]*\n[ \t]*)(?:(?:{_COUNTRIES})|(?:{_REGION_WORDS})\s+(?:(?:de|del|of|di)\s+)?{_CITY}"
    r"(?:(?<=(?-i:[A-ZÀ-Ý][a-zà-ÿ]{2}))\.)?)"  # an abbreviated state: "Edo. de Méx."
    r"(?=[ \t]*(?:[,;!?)\n]|\.(?:\s|$)|$))",
    re.IGNORECASE,
)
_FORM_LABEL = (
    r"city|town|province|state|county|region|country|post(?:al)?\s*code|zip(?:\s*code)?|ville|code\s+postal|pays|"
    r"ciudad|provincia|estado|pa[ií]s|c[óo]digo\s+postal|stadt|ort|plz|land|citt[àa]|cap|"
    r"compl[ée]ment\s+d['’]adresse|(?:address\s+)?line\s*\d|apt|unit|suite|flat|apartment"
)
_RIGHT_FORM_LINE = re.compile(
    rf"[ \t]*\n[ \t]*(?:{_FORM_LABEL})(?:[ \t]*/[ \t]*(?:{_FORM_LABEL}))*[ \t]*:[ \t]*[^\n]*[^\W_]", re.IGNORECASE
)
_RIGHT_POSTCODE = re.compile(r"[ \t]*,?[ \t]*\d{5,6}(?![\w-])")
_CLOSINGS = (
    r"thanks|thank|regards|dear|hello|hi|best|love|cheers|yours|merci|cordialement|gracias|saludos|atentamente|"
    r"danke|gr[üu](?:ß|ss)e|grazie|cordiali|distinti|ciao|sincerely|kind"
)
_RIGHT_TOWN_LINE = re.compile(
    rf"[ \t]*\n[ \t]*(?!(?i:{_CLOSINGS})\b)(?:{_POSTCODE}[ \t]+)?{_CITY}\.?(?:[ \t]*,[ \t]*{_CITY}\.?)?"
    rf"(?:[ \t]*,?[ \t]+{_POSTCODE})?(?=[ \t]*(?:\n|$))"
)
_RIGHT_LOWER_PLACES = re.compile(
    rf"(?:[ \t]+{_PLACE_WORD}){{1,3}}(?:[ \t]+\d{{1,2}}(?!\w))?(?=[ \t]*(?:[.,;!?\n]|$)|[ \t]+(?-i:{_PLACE_STOP})\b)",
    re.IGNORECASE
)
_RIGHT_IN_TOWN = re.compile(rf"[ \t]+(?:in|en|à|a)[ \t]+{_CITY}(?=\s*(?:[,;!?)\n]|\.(?:\s|$)|$))")


def _repeated(pattern: re.Pattern[str], text: str, end: int, *, times: int) -> int:
    """Where up to ``times`` matches of ``pattern``, one after the other from ``end``, stop."""
    for _ in range(times):
        found = pattern.match(text, end)
        if found is None:
            break
        end = found.end()
    return end


def _next_lines(text: str, end: int) -> int:
    """The end of the short place lines that follow an address line in a letter (town, region)."""
    return _repeated(_RIGHT_TOWN_LINE, text, end, times=3)


def _with_region_and_country(text: str, end: int) -> int:
    return _repeated(_RIGHT_REGION_OR_COUNTRY, text, end, times=2)


_STATE_ABBREVIATION = re.compile(  # ", Jal", ", Q. Roo", " D.C"
    r"(?:,\s*(?:[A-ZÀ-Ý][a-zà-ÿ]{1,3}|[A-Z]\.\s?[A-Z][a-z]{1,3})|[,\s]\s*(?:[A-Z]\.)+[A-Z])$"
)
_SECOND_ABBREVIATION = re.compile(r"[ \t]?(?-i:[A-Z][a-z]{1,2})\.(?=\s|$|[,;)])")
_AFTER_POSTCODE = re.compile(rf"(?<=\d)\s*,?\s*{_PLACE_WORD}(?:[ \-]{_PLACE_WORD}){{0,2}}", re.IGNORECASE)
_ENDS_IN_POSTCODE = re.compile(rf"{_ANY_POSTCODE}$", re.IGNORECASE)
_NEIGHBOURHOOD = (
    r"\s*,?\s*(?i:col(?:onia)?|fracc(?:ionamiento)?|barrio|urb(?:anizaci[oó]n)?|unidad\s+habitacional|u\.\s?h|"
    r"conjunto(?:\s+residencial)?|villa|poblaci[oó]n)(?:\.\s*|\s+)"
)
_RIGHT_COLONIA = re.compile(  # Mexican and Argentine neighbourhoods: ", Col. Roma Norte", "barrio alta cordoba"
    rf"{_NEIGHBOURHOOD}(?:(?:{_ROMANCE_LINKS})\s+)?[A-ZÀ-Ý][\w'’\-]*(?:\s+(?:(?:{_ROMANCE_LINKS})\s+)?[A-ZÀ-Ý][\w'’\-]*){{0,2}}"
)
_RIGHT_COLONIA_LOWER = re.compile(rf"{_NEIGHBOURHOOD}{_PLACE_WORD}(?:\s+{_PLACE_WORD}){{0,5}}", re.IGNORECASE)
_RIGHT_PLACE = re.compile(  # ", Monterrey", ", Dublin 2", ", little hadham, herts and ...": a place that ends a clause
    rf"\s*,\s*(?!(?:{_REGION_WORDS})\s)"  # a region is read with its name: ", Edo. de Méx."
    rf"{_PLACE_WORD}(?:[ \-]{_PLACE_WORD}){{0,2}}(?:\s\d{{1,2}})?"
    rf"(?=\s*(?:[.,;!?)\n]|$)|\s+(?-i:{_PLACE_STOP})\b)",
    re.IGNORECASE,
)
_LEFT_PREFIX = re.compile(
    rf"(?:(?:(?:{_UNIT_WORDS}|haus)\s*[\w/-]{{1,6}}|\d{{1,2}}\s?(?:e|er|[eè]me)\s+[ée]tage|"
    rf"(?-i:[A-Z]{{1,2}})-\d{{1,5}}[A-Za-z]?|{_HOUSE_NAME}|"
    r"(?:(?:rose|ivy|holly|orchard|mill|rose|old)\s+)?cottage"
    # a building, a school or a house by its name: "The Old Rectory, ", "St Mary's Primary School, "
    rf"|(?-i:[A-ZÀ-Ý][\w'’\-]*(?:[ \t]+(?:(?i:{_ROMANCE_LINKS}|of|the)[ \t]+)?[A-ZÀ-Ý][\w'’\-]*){{0,4}}))\s*[,\n]\s*"
    r"|(?:no\.?\s*)?\d{1,5}[a-z]?\s*,?\s*(?:lane|alley|nong)\s+"  # Chinese lanes: "No. 15 Lane 300 ..."
    r"|#\s*"
    rf"|(?:quinta|casa|villa|edif[ií]cio|residencial|palazzo|condom[ií]nio|condominio|torre|finca|vereda|hacienda|"
    rf"rancho|paraje|aldea|caser[ií]o|parcela|corregimiento)\s+(?:(?:{_ROMANCE_LINKS})\s+)?"
    r"(?-i:[A-ZÀ-Ý][\w'’\-]*)(?:\s+(?-i:[A-ZÀ-Ý][\w'’\-]*)){0,2}\s*,\s*)$",
    re.IGNORECASE,
)
_LINK = re.compile(rf"(?:{_ROMANCE_LINKS})", re.IGNORECASE)


def _mixed_case(words: list[str]) -> bool:
    """A name of capitalised words with other lower-case words among them, links aside."""
    content = [word for word in words if word[:1].isalpha() and word.casefold() not in _LINK_WORDS
               and not _LINK.fullmatch(word)]
    return any(word[:1].isupper() for word in content) and any(word[:1].islower() for word in content)


_MONTH_BEFORE = re.compile(  # a month right before the number: it is a day or a year
    r"\b(?:jan(?:uary)?|feb(?:ruary)?|march|april|june|july|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|"
    r"dec(?:ember)?|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|"
    r"janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre|januar|februar|märz|juni|"
    r"juli|oktober|dezember|gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre)\.?\s+$",
    re.IGNORECASE,
)
_ROAD_CODE = re.compile(r"(?<![\w-])[A-Z]{1,3}-\d*$")  # what the romance pattern takes of "N-340"
_QUANTITY_AFTER = re.compile(  # what follows a number that counts or measures
    r"\s*(?:%|°|minut[eo]s?|minuten|min\b|hours?|stunden|horas?|heures?|ore\b|seconds?|sekunden|km\b|kilomet|"
    r"met(?:er|re|ro)s?\b|mètres?|m\b|miles?|yards?|feet|years?|jahren?\b|años|ans\b|anni\b|people|menschen|"
    r"personas|personnes|persone|percent|prozent|por\s+ciento|degrees?|grad\b|grados|euros?|dollars?|pesos|"
    r"days?|weeks?|months?|tage?n?\b|wochen|monate?n?\b|d[ií]as|semanas|meses|jours|semaines|mois\b|giorni|settimane|"
    r"mesi\b)",
    re.IGNORECASE,
)
_BROAD_EN = re.compile(rf"(?:{_BROAD_EN_TYPES})\b\.?", re.IGNORECASE)
_BROAD_ROMANCE = re.compile(rf"(?:{_BROAD_ROMANCE_TYPES})", re.IGNORECASE)
_AMBIGUOUS_DE = re.compile(r"(?:hof|wall|tor|berg|feld|park|garten|au|bach|ring|see|plan|steg|markt|h[öo]he)", re.I)
_YEAR = re.compile(r"(?:1[0-9]|20)\d\d")


def _has_postcode(match: re.Match[str]) -> bool:
    """A postcode right after the street ("via nazionale 12, 00184 roma") makes an everyday word a street type."""
    return any(char.isdigit() for char in match.groupdict().get("place") or "")


# What a text must contain for a family's full pattern to be worth running: both scan every position of a text,
# these look only at the words before a number or a line's end.
_WORD_BEFORE_NUMBER = re.compile(r"([^\W\d_](?:[^\W\d]|[.\-])*)\s*\d")  # "Rosenweg 12", "Rosenweg12"
_WORD_BEFORE_BREAK = re.compile(r"([^\W\d_][\w.]*)\s*[,\n]")
_DE_TYPE_END = re.compile(rf"(?:{_SAFE_DE_TYPES})$", re.IGNORECASE)
_HOUSE_WORD_END = re.compile(rf"(?:{_HOUSE_WORDS})$", re.IGNORECASE)
_WORTH_RUNNING = {
    "german": lambda text, folded: any(map(_DE_TYPE_END.search, _WORD_BEFORE_NUMBER.findall(text))),
    "house_named": lambda text, folded: any(map(_HOUSE_WORD_END.search, _WORD_BEFORE_BREAK.findall(text))),
    "kilometre": lambda text, folded: "km" in folded or "kil" in folded,
    "unit_after_number": lambda text, folded: any(word in folded for word in (
        "dpto", "depto", "departamento", "apto", "piso", "oficina", "interior", "stiege", "wohnung")),
    "block_house": lambda text, folded: any(word in folded for word in ("manzana", "mz", "bloque", "torre")),
}


class StreetAddressRecognizer(LocalRecognizer):
    """Street addresses of several countries (see the module docstring); learner and course text alike."""

    SCORE = 0.85

    def __init__(self) -> None:
        super().__init__(supported_entities=["STREET_ADDRESS"], name="StreetAddressRecognizer", context=[])

    def load(self) -> None:
        """Nothing to load: the patterns are compiled at import."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts = None) -> list[RecognizerResult]:
        from privacy.recognizers import make_result

        if not any(char.isdigit() for char in text):  # only a rural address after its cue has no number
            return [make_result(self, "STREET_ADDRESS", start, end, self.SCORE) for start, end in cue_anchored(text)]
        spans: set[tuple[int, int]] = {*postcode_anchored(text), *cue_anchored(text)}
        folded = text.casefold()
        for family, pattern in PATTERNS.items():
            worth_running = _WORTH_RUNNING.get(family)
            if worth_running is not None and not worth_running(text, folded):
                continue
            for match in pattern.finditer(text):
                if match.group("value") is None:  # the Indian "803, Sector 31"
                    start, end = match.span("sector")
                elif self._plausible(family, match, text):
                    start, end = match.span("value")
                else:
                    continue
                place = match.groupdict().get("place")
                street_end = match.start("place") if place else end
                spans.add(self._extended(text, start, end, street_end))
        return [
            make_result(self, "STREET_ADDRESS", start, end, self.SCORE)
            for start, end in sorted(spans)
            if not any(s <= start and end <= e and (s, e) != (start, end) for s, e in spans)
        ]

    @staticmethod
    def _extended(text: str, start: int, end: int, street_end: int) -> tuple[int, int]:
        """The street plus the building, flat and place parts written around it.

        The place is read again from the street's end (`street_end`), since the pattern's own place part stops at
        a short town name ("San Sofía" of "San Sofía de la Montaña, MOR 25388").
        """
        for _ in range(3):
            prefix = _LEFT_PREFIX.search(text, max(0, start - 60), start)
            if prefix is None or prefix.start() == start:
                break
            start = prefix.start()
        after = max(
            (
                found
                for position in {end, street_end}
                for found in (_RIGHT_WITH_POSTCODE.match(text, position), _RIGHT_TOWN_POSTCODE.match(text, position))
                if found is not None
            ),
            key=lambda found: found.end(),
            default=None,
        )
        if after is not None:
            end = max(end, after.end())
        elif _ENDS_IN_POSTCODE.search(text, max(0, end - 12), end):
            city = _AFTER_POSTCODE.match(text, end)  # "75011 paris"
            end = city.end() if city else end
        lowercase = _written_lowercase(text[start : end + 60])
        colonia = _RIGHT_COLONIA_LOWER if lowercase else _RIGHT_COLONIA
        # read from the street's end too: its place part may have taken half of it ("Unidad Habitacional El")
        end = max([end, *(found.end() for position in {end, street_end} if (found := colonia.match(text, position)))])
        end = _repeated(_RIGHT_PLACE, text, end, times=2)
        county = _RIGHT_COUNTY.match(text, end)
        if county is not None:
            end = county.end()
        if text[end : end + 1] == "." and _STATE_ABBREVIATION.search(text, max(0, end - 8), end):
            end += 1  # the full stop of a state's abbreviation: ", Jal."
            second = _SECOND_ABBREVIATION.match(text, end)  # "Bs. As."
            end = second.end() if second else end
        region = _RIGHT_REGION.match(text, end)
        end = region.end() if region else end
        postcode = _RIGHT_POSTCODE.match(text, end)  # "Bogotá D.C., 110231"
        end = before_lines = postcode.end() if postcode else end
        end = _next_lines(text, end)  # a letter's next lines: "\nBoston, MA 02115"
        if end == before_lines and _written_lowercase(text[start : end + 40]):
            line = _RIGHT_LOWER_PLACES.match(text, end)  # "dg 32 sur#5a-18 bosa bogota"
            end = line.end() if line else end
        town = _RIGHT_IN_TOWN.match(text, end)  # "62 Chestnut Ct in Ann Arbor"
        end = _with_region_and_country(text, town.end() if town else end)
        return start, _repeated(_RIGHT_FORM_LINE, text, end, times=8)

    @staticmethod
    def _plausible(family: str, match: re.Match[str], text: str) -> bool:
        number_end = match.end("number") if match.groupdict().get("number") else -1
        if number_end >= 0 and _QUANTITY_AFTER.match(text, number_end):
            return False
        if family == "house_named":  # "Wood House, Church Close", never "until the QRS complex, at which point"
            words = f"{match.group('type')} {match.group('name')}".split()
            return not any(word in _STOP_WORDS for word in words)
        if family in ("indian", "colombian", "po_box", "kilometre", "block_house"):
            return True  # a block number, a "# 45-12" or a box number says it is an address
        name = match.group("name") or ""
        words = name.split()
        if any(word.casefold() in _STOP_WORDS for word in words):
            return False
        street_type = match.group("type")
        before = text[max(0, match.start() - 30) : match.start()]
        cue = bool(_ADDRESS_CUE.search(before))
        capitalised = all(word[:1].isupper() or not word[:1].isalpha() for word in words)
        if family == "romance" and _ROAD_CODE.search(name):
            return False  # a road's code: "Carretera N-340", "Autopista A-7"
        if family in ("romance", "french", "english", "english_unit_first") and _mixed_case(words):
            return False  # "Plaza Mayor de Madrid se terminó en 1619": a sentence, not a street's name
        if number_end >= 0 and _MONTH_BEFORE.search(text, max(0, number_end - 40), match.start("number")):
            return False  # "rue de l'Homme-Armé en juin 1832": a date
        if family == "english_the":  # "9 The Paddocks, Upper Wraxby", never "In 1492 The Pinta, Nina ..."
            return not _YEAR.fullmatch(match.group("number"))
        if family.startswith("english"):
            if _BROAD_EN.fullmatch(street_type):
                # "141 Carter Mountains" or "live at 8 margaret spur"; never "3 large islands".
                return (capitalised and street_type[:1].isupper() and bool(words)) or (cue and bool(words))
            number = match.groupdict().get("number") or ""
            if _YEAR.fullmatch(number) and not capitalised:  # "in 1989 people moved", not "1520 w elm st ... 62704"
                return cue or bool(_RIGHT_WITH_POSTCODE.match(text, match.end("type"))
                                   or _RIGHT_TOWN_POSTCODE.match(text, match.end("type")))
            return bool(words)
        if family == "german_separate" and not street_type[:1].isupper():
            return street_type.casefold() in {"straße", "strasse", "str.", "gasse", "weg", "platz", "allee"} or cue
        if family == "number_then_places":
            after = _RIGHT_WITH_POSTCODE.match(text, match.end())
            return after is not None and bool(_DISTINCT_POSTCODE.search(after.group()))
        if family == "numbered_road":
            return street_type[:1].isupper() or cue
        if family == "romance" and _BROAD_ROMANCE.fullmatch(street_type):
            return street_type[:1].isupper() or cue or _has_postcode(match)
        if family == "french" and street_type.casefold() in {"place", "route", "square", "passage", "cours"}:
            # "3 Place Bellecour", "12 place de la Concorde", "live at 3 place bellecour"; never "70 square meters"
            return capitalised or cue or bool(re.match(rf"(?:{_ROMANCE_LINKS})\s", name, re.IGNORECASE))
        if family == "german":
            if _AMBIGUOUS_DE.fullmatch(street_type):
                # "Bolnbachring 54", "Schlossberg 3" but not "during 5", "spring 2019", "Heidelberg 1386".
                if name.endswith("-"):
                    return True  # "Anna-Weber-Ring 5"
                stem = name
                number = match.group("number")
                return (
                    len(stem) >= 4
                    and stem[-1:].casefold() not in "aeiouy"
                    and (name[:1].isupper() or cue)
                    and not (_YEAR.fullmatch(number) and not cue)
                )
            return len(name) >= 2 or "-" in name
        return True


# Addresses read from their end. Many real addresses have no street pattern ("Cloonfad, Ballyhaunis, Co. Mayo
# F35 WK62", "Fenghuang Village, Liangshan Town, Hebei Province 074200", "Urb. Los Almendros, Bloque 3, 5ºC,
# 29600 Marbella") but all end in a postcode; the lines before it are read back while they look like address
# lines (capitalised words, numbers, address words), and never past a sentence.
_STRONG_POSTCODE = re.compile(  # shapes no other number has: UK, Irish Eircode, Canadian, Brazilian, Portuguese
    r"(?<![\w-])(?:(?-i:[A-Z]{1,2}\d[A-Z\d]?(?:\s\d|\d(?!(?:ST|ND|RD|TH)\b))[A-Z]{2})|(?-i:[a-z]{1,2}\d[a-z\d]?\s\d(?!(?:st|nd|rd|th)\b)[a-z]{2})"
    r"|(?i:[ac-fhknprtv-y]\d[\dw]\s?(?=[0-9ac-fhknprtv-y]{0,3}[ac-fhknprtv-y])(?=[0-9a-z]{0,3}\d)[0-9ac-fhknprtv-y]{4})"
    r"|(?-i:[A-Z]\d[A-Z]\s?\d[A-Z]\d)|(?i:[a-z]\d[a-z]\s\d[a-z]\d)|\d{5}-\d{3}|\d{4}-\d{3})(?![\w-])"
)
_CUE_POSTCODE = re.compile(  # a postcode after its name: "C.P. 09290", "cp 44110", "PIN 110091", "- 560011"
    r"(?<!\w)(?:c\.?\s?p\.?|cep|pin(?:\s?code)?|post\s?code|postal\s+code|zip(?:\s?code)?|plz)\s*:?\s*\d{4,7}(?!\d)"
    r"|(?<=\w)\.?\s+-\s+\d{6}(?!\d)",
    re.IGNORECASE,
)
# A postcode of four to six digits after a region's name ("Telangana 500028", "CA 92103") or before the town at
# the start of a line ("29600 Marbella", "10243 Berlin"): only with an address line before it (see _read_back).
_NUMBER_RUN = re.compile(
    r"(?:(?<![\w-])|(?<=(?<![\w-])[A-Z]-)|(?<=(?<![\w-])[A-Z]{2}-))(?:\d{4,6}(?:-\d{4})?|(?-i:[A-Z]\d{4}(?:[A-Z]{3})?))(?![\w-])"
    r"|(?<![\w-])\d{4,5}(?=(?-i:[A-ZÀ-Ý][a-zà-ÿ]{2,}))"  # typed against its town: "44300Nantes"
    r"|(?<=[^\W\d_]-)\d{6}(?![\w-])"  # an Indian PIN against its town: "New Delhi-110092"
)
_REGION_BEFORE = re.compile(r"(?:[^\W\d_]\.|[^\W\d_]{2})(?:\s+|-)$")  # "Telangana 500028", "Delhi-110092"
_STATE_BEFORE = re.compile(r"\b[A-Z]{2}\s$")  # "CA 92103"
_LINE_START_BEFORE = re.compile(r"(?:^|[,\n])[ \t]*(?-i:[A-Z]{1,2}-)?$")  # "29600 Marbella", "A-1210 Wien"
_TOWN_NEXT = re.compile(r"\s*[A-ZÀ-Ý]")


def _weak_postcodes(text: str) -> Iterator[re.Match[str]]:
    """Four to six digits in a postcode's place: after a region's name or a state code, or before a town."""
    for match in _NUMBER_RUN.finditer(text):
        digits, before = match.group(), text[max(0, match.start() - 24) : match.start()]
        if not digits[0].isdigit():  # the Argentine "B1900" only opens a line before its town
            if _LINE_START_BEFORE.search(before) and _TOWN_NEXT.match(text, match.end()):
                yield match
            continue
        if (
            (len(digits) == 6 and _REGION_BEFORE.search(before))
            or (len(digits) in (5, 10) and _STATE_BEFORE.search(before))
            or (len(digits) in (4, 5) and _LINE_START_BEFORE.search(before) and _TOWN_NEXT.match(text, match.end()))
        ):
            yield match


_TOWN_AFTER = re.compile(  # the town after a postcode, with "Cedex", a province in brackets or a state code
    r"(?:[ \t]*,?[ \t]*(?-i:(?:St|Ste|Mt|S)\.[ \t]?)?(?-i:[A-ZÀ-Ý][\w'’\-]*|A|Le|La)"
    r"(?:[ \t]+(?:(?:de|del|di|da|do|sur|am|an\s+der|im|in|en|al|lès)[ \t]+)?"
    r"(?!(?i:cedex)\b)(?-i:[A-ZÀ-Ý][\w'’\-]*)){0,3}(?:[ \t]+(?i:cedex)(?:[ \t]+\d{1,2})?)?"
    # a province that closes the line: "15886 Teo, A Coruña"
    r"(?:[ \t]*,[ \t]*(?:(?-i:A|O|El|La|Las|Los|Le|Les|Il|Lo)[ \t]+)?(?-i:[A-ZÀ-Ý][\w'’\-]{3,})"
    r"(?:[ \t]+(?:(?:de|del|di)[ \t]+)?(?-i:[A-ZÀ-Ý][\w'’\-]*)){0,2}"
    r"(?=[ \t]*(?:[\n;!?]|\.(?:\s|$)|$|,)))?)?"
    r"(?:[ \t]*\((?-i:[A-ZÀ-Ý][\w'’\- ]*)\)|\s*,?[ \t]*"
    r"(?-i:[A-Z]{2,3}\.?|[A-Z][a-z]{1,3}\.|(?:[A-Z]\.){2,3}|[A-Z]\.[ \t]?[A-Z][a-z]{1,3}\.?)(?![\w]))?"
)
# Words that make a line an address line even without a number ("Co. Mayo", "Yi County", "Lieu-dit Le Moulin").
_ADDRESS_WORDS = frozenset({
    "co", "co.", "county", "district", "province", "village", "town", "township", "city", "state", "cross", "post",
    "dist", "dist.", "nr", "nr.", "tehsil", "taluk", "mandal", "block", "sector", "phase", "pocket", "nagar", "opp",
    "opp.", "near",
    "lieu-dit", "località", "localita", "frazione", "fraz.", "urb.", "urbanización", "urbanização", "lote", "col.",
    "colonia", "fracc.", "barrio", "alcaldía", "municipio", "hinterhaus", "vorderhaus", "cottage", "house", "farm",
    "lodge", "garden", "gardens", "estate", "court", "hall", "villa", "manor", "road", "street", "lane", "avenue",
    "rd", "st", "ave", "cedex", "bp", "postfach", "apartado", "box", "rr", "xiaoqu", "cun", "zhen", "qu", "shi",
    # house numbers, units and floors in lower case: "No. 34", "bureau 400", "2e étage", "r/c dto", "depto 8"
    "no.", "nº", "n.º", "apt", "apt.", "flat", "unit", "suite", "room", "bldg", "building", "floor", "bureau", "appt",
    "étage", "etage", "bât.", "piso", "depto", "depto.",
    "dpto", "dpto.", "apto", "apto.", "departamento", "interior", "int.", "puerta", "escalera", "esc.", "bloque",
    "bloco", "andar", "r/c", "dto", "dto.", "esq", "esq.", "stiege", "top", "tür", "og", "stock", "interno", "scala",
    "piano", "s/n", "s/nº", "h.no", "h.no.", "d.no", "d.no.",
    # rural and postal lines without a street: "Domicilio conocido, Rancho El Mezquite", "Lugar de Vilanova s/n",
    # "Site 12, Comp 8, RR 2", "CP 58, succ. Bureau-chef", "Località Poggio", "near hanuman temple"
    "domicilio", "conocido", "rancho", "ranchería", "ejido", "paraje", "lugar", "aldea", "caserío", "parroquia",
    "vereda", "corregimiento", "finca", "hacienda", "cortijo", "masía", "km", "km.", "cascina", "podere", "borgata",
    "contrada", "casale", "hameau", "weiler", "ortsteil", "site", "comp", "cp", "c.p.", "succ.", "succursale", "stn",
    "temple", "church", "mosque", "school", "hospital", "market", "station", "hof", "gut", "alp", "alm", "mühle",
    "izq", "izq.", "izda", "izda.", "dcha", "dcha.", "dcho.", "portal", "bajo", "ático", "entlo.", "pta.", "planta",
    "local", "manzana", "mz.", "lt.", "casilla", "correo", "n°", "nº.", "parcela", "parcel", "plot", "solar", "casa",
    "gali", "route", "chemin", "impasse", "imp.", "snc", "allée", "quai", "voie", "sentier", "camino", "carretera",
    "ctra.",
    "paseo", "avenida", "plaza", "ronda", "travesía", "strada", "vicolo", "corso", "largo", "drive", "close",
    "crescent", "terrace", "way", "camí", "carrer",
    # street types written in lower case or abbreviated: "boul. René-Lévesque", "av. vallarta"
    "boul.", "bd", "blvd", "blvd.", "av.", "avda.", "c/", "rue", "calle", "via", "viale", "piazza", "p.zza", "rua",
    "travessa", "straße", "strasse", "str.", "weg", "gasse", "platz", "marg", "lu", "jie",
})
_SENTENCE_WORDS = frozenset({  # words of a sentence around an address, in the languages of the schools
    "the", "a", "an", "of", "to", "in", "on", "at", "by", "for", "with", "and", "or", "is", "are", "was", "were",
    "be", "my", "our", "your", "his", "her", "their", "me", "us", "we", "i", "you", "it", "this", "that", "from",
    "please", "pls", "send", "mail", "post", "address", "live", "lives", "moved", "here", "there",
    "thanks", "thank", "hi", "hello", "dear", "is:", "es", "en", "mi", "su", "vivo", "vive",
    "est", "à", "chez", "ist", "wir", "wohnen", "wohne", "ich", "bei", "è", "sono", "abito", "é", "em", "moro",
    "na", "no", "und", "y", "et", "e", "que", "para", "pour", "per", "mon", "ma", "meine", "unsere", "notre",
    "nuestra", "nossa", "nostra", "could", "will", "would", "should", "sent", "it's",
})
_LINK_WORDS = frozenset({
    "de", "del", "el", "da", "do", "dos", "das", "di", "della", "du", "des", "la", "le", "los", "las", "von", "van",
    "der", "den", "am", "an", "im", "the", "y", "e", "of", "on", "upon", "al", "alla", "alle", "allo", "ai", "agli",
    "dal", "dalla", "dei", "degli", "delle", "dello", "sul", "sulla", "au", "aux", "sur", "sous", "lès", "zum", "zur",
    "auf", "bei", "ob", "unter",
})


# A house or flat number written with letters or a separator ("D/12", "B-204", "12A", "5ºC"), never a year.
_HOUSE_NUMBER = re.compile(
    r"(?=.*\d)(?=.*[^\W\d_]|.*[/-])[^\W\d_]{0,3}[/-]?\d{1,5}[^\W\d_]{0,2}(?:[/-]\d{1,5}[^\W\d_]?)*"
)


def _address_token(word: str, lowercase: bool) -> bool:
    bare = word.strip("()'\"“”‘’").casefold()
    if any(char.isdigit() for char in bare) or bare in _ADDRESS_WORDS or bare in _LINK_WORDS or bare in {"-", "–", "&"}:
        return True
    if not bare or bare.rstrip(".,:") in _SENTENCE_WORDS or word.endswith((":", "!", "?")):
        return False
    return word.lstrip("('\"“‘")[:1].isupper() or (lowercase and bare.rstrip(".").replace("-", "").isalpha())


_CAPITALISED_WORD = re.compile(r"(?<!\w)[A-ZÀ-Ý][a-zà-ÿ]")


def _written_lowercase(text: str) -> bool:
    """No capitalised word: a lone capital ("h.no 4-5-67/A", "I", "NY") does not make an address written in
    capitals, so the lower-case words around it still read as place names."""
    return _CAPITALISED_WORD.search(text) is None


def _read_back(text: str, anchor_start: int) -> tuple[int, int]:
    """Where the address lines before a postcode start, and how many lines say "address" by themselves.

    Lines (separated by commas or line breaks) are read from the postcode back while every word is an address
    word; the first line with other words contributes only the address words that end it ("... is Cloonfad").
    A line says "address" with a number and a word ("Bloque 3") or an address word ("Co. Mayo"), not a year.
    """
    lowercase = _written_lowercase(text[max(0, anchor_start - 80) : anchor_start + 12])
    start, marked, end = anchor_start, 0, anchor_start
    for _ in range(8):
        line_start = max(text.rfind(",", 0, end), text.rfind("\n", 0, end)) + 1
        words = list(re.finditer(r"\S+", text[line_start:end]))
        kept = len(words)
        while kept and _address_token(words[kept - 1].group(), lowercase):
            kept -= 1
        address_words = words[kept:]
        while address_words and address_words[0].group() in _LINK_WORDS:  # lower case: "... at the"
            address_words = address_words[1:]
        if address_words:
            start = line_start + address_words[0].start()
            tokens = [word.group().strip("().,").casefold() for word in address_words]
            marked += any(token in _ADDRESS_WORDS or _HOUSE_NUMBER.fullmatch(token) for token in tokens) or (
                len(tokens) > 1 and any(any(char.isdigit() for char in token) for token in tokens)
            )
        if (words and len(address_words) < len(words)) or line_start == 0 or len(words) > 7:
            break
        end = line_start - 1
    return start, marked


def postcode_anchored(text: str) -> list[tuple[int, int]]:
    """Spans of addresses found from their postcode (see above)."""
    spans = []
    anchors = [
        *(("strong", match) for match in _STRONG_POSTCODE.finditer(text)),
        *(("cue", match) for match in _CUE_POSTCODE.finditer(text)),
        *(("weak", match) for match in _weak_postcodes(text)),
    ]
    for kind, match in anchors:
        anchor_start = match.start() + len(match.group()) - len(match.group().lstrip(" \t.-"))
        start, marked = _read_back(text, anchor_start)
        if kind != "strong" and not marked:
            continue
        lowercase = _written_lowercase(text[max(0, start - 80) : match.end() + 12])
        town = (_AFTER_POSTCODE if lowercase else _TOWN_AFTER).match(text, match.end())
        spans.append((start, _with_region_and_country(text, _next_lines(text, town.end() if town else match.end()))))
    return spans


# Addresses read from what a writer says before them ("my address is", "we live at", "send it to", "Adresse :",
# "vivo en", "j'habite au", "il mio indirizzo è"): whatever the format, the words after such a cue up to the end of
# the clause are the address when they hold a house number or a postcode. First person or a label only: "Holmes
# lived at" or "the Pilgrims moved to" in a lesson is no cue.
_CUE = re.compile(
    r"(?:\b(?:my|our|new|home|mailing|postal|street|delivery|correct)\s+ad+res+(?:\s+(?:is|was|will\s+be|now))?"
    r"|\b(?:ad+res+e?|addr|anschrift|direc+i[oó]n|indirizzo|endere[çc]o|domicilio)(?:[ \t]+[^\W\d_]+){0,3}[ \t]*:"
    r"|\b(?:i|we)(?:['’]m|['’]re|\s+am|\s+are|\s+have|['’]ve)?\s+(?:live|living|lived|stay|staying|moved|moving)"
    r"(?:\s+now)?\s+(?:at|on|to|into)"
    r"|\b(?:send|mail|post|bring|deliver)\s+(?:it|them|this|that|(?:the|my|our)\s+[^\W\d_]+(?:\s+[^\W\d_]+)?)"
    r"\s+to(?:\s+(?:me|us|my\s+house|our\s+house|my\s+home))?(?:\s+at)?"
    r"|\b(?:mi|nuestra|nueva)\s+direc+i[oó]n(?:\s+(?:es|ahora\s+es))?"
    r"|\b(?:vivo|vivimos|estoy|estamos)\s+en|\benv[ií](?:a|e|ar)(?:lo|la|los|las|me|nos)?\s+a"
    r"|\b(?:mon|notre|nouvelle)\s+adresse(?:\s+(?:est|c['’]est))?|\badresse\s*:"
    r"|\b(?:j['’]habite|nous\s+habitons|on\s+habite)(?:\s+(?:au|à|a|en|dans\s+la|rue))?"
    r"|\b(?:meine|unsere|neue)\s+(?:adresse|anschrift)(?:\s+(?:ist|lautet))?|\b(?:anschrift|adresse)\s*:"
    r"|\b(?:ich\s+wohne|wir\s+wohnen|wohnen\s+wir)(?:\s+(?:jetzt|nun))?(?:\s+(?:in\s+der|in|im|an\s+der|am|auf\s+der))?"
    r"|\b(?:il\s+mio|il\s+nostro|nuovo)\s+indirizzo(?:\s+(?:è|e))?|\bindirizzo\s*:"
    r"|\b(?:abito|abitiamo)\s+(?:in|a|al|alla)"
    r"|\b(?:meu|nosso|novo)\s+endere[çc]o(?:\s+[ée])?|\bendere[çc]o\s*:|\b(?:moro|moramos)\s+(?:na|no|em))"
    r"[ \t]*[:\-–]?[ \t]*\n?[ \t]*",
    re.IGNORECASE,
)
# Where the clause after a cue ends: a sentence's end (not an abbreviation's full stop), a blank line, or words
# that only chatter says.
_CLAUSE_END = re.compile(
    r"[!?;]|\n[ \t]*\n|\.(?=\s+[^\W\d_]|\s*$)|\s(?:-|–|—|:\))\s"
    r"|\b(?:thanks?|thank\s+you|thx|ty|please|pls|plz|if|because|so\s+that|and\s+then|but|see\s+you|cheers|bye|"
    r"for\s+the|before|after|until|tomorrow|today|gracias|por\s+favor|porfa|xfa|plis|saludos|porque|merci|s['’]il|"
    r"danke|bitte|"
    r"grazie|perch[ée]|obrigad[oa])\b",
    re.IGNORECASE,
)
_RURAL_WORDS = frozenset({
    "co.", "co", "county", "townland", "vereda", "finca", "hacienda", "rancho", "ejido", "paraje", "lugar", "aldea",
    "caserío", "località", "frazione", "fraz.", "lieu-dit", "hameau", "weiler", "ortsteil", "hof", "farm", "cottage",
    "village", "tehsil", "taluk", "district", "dist.", "post", "rr", "concession", "lot", "range", "rang",
    "ranchería", "rancheria", "mpio.", "municipio",
})
_ABBREVIATION_END = re.compile(r"(?<![^\W\d_])(?:[^\W\d_]{1,4}|[A-Z](?:\.[A-Z])*)$")


# Words that open an address and belong to it: Indian house-number labels ("house no 23 behind hanuman mandir,
# ward no 5, sikar") and the Mexican "Domicilio conocido".
_OPENING = re.compile(
    r"\b(?:(?:h\.?\s?no|house\s+no|flat\s+no|plot\s+no|door\s+no|d\.?\s?no)\.?\s*[:\-]?\s*(?=\d)"
    r"|domicilio\s+conocido\b)",  # a village house with no street: "Domicilio conocido, Ranchería ..."
    re.IGNORECASE,
)
# Parts of every cue, looked for before the cue pattern itself runs (most texts have none).
_CUE_PARTS = (
    "dres", "addr", "anschrift", "direc", "indirizzo", "ndere", "domicilio", "liv", "stay", "mov", "send", "mail",
    "post", "bring", "deliver", "viv", "esto", "esta", "env", "habit", "wohn", "abit", "mor", "no",
)


def cue_anchored(text: str) -> list[tuple[int, int]]:
    """Spans of addresses after an address cue (see above)."""
    folded = text.casefold()
    if not any(part in folded for part in _CUE_PARTS):
        return []
    spans = []
    for cue in (*_CUE.finditer(text), *_OPENING.finditer(text)):
        start = cue.end() if cue.re is _CUE else cue.start()
        end, position = min(len(text), start + 160), start
        while (found := _CLAUSE_END.search(text, position, end)) is not None:
            if found.group() == "." and _ABBREVIATION_END.search(text, max(0, found.start() - 6), found.start()):
                position = found.end()  # "Av. Juárez", "Goethestr. 45", "N.L."
                continue
            end = found.start()
            break
        value = _address_part(text[start:end].rstrip(" \t\n,.-"))
        if value:
            spans.append((start, start + len(value)))
    return spans


def _address_part(value: str) -> str:
    """The words after a cue, or the longest part of them that ends at a full stop and looks like an address
    ("..., Mpio. de Tlacolula, Oax." of "..., Oax. no tiene calle ni número"); empty when none does."""
    if _looks_like_an_address(value):
        return value
    stops = [found.end() for found in re.finditer(r"\.(?=\s)", value)]
    return next((value[:stop] for stop in reversed(stops) if _looks_like_an_address(value[:stop])), "")


def _looks_like_an_address(value: str) -> bool:
    """A house number (not a year) or a postcode, and a word; without a number, lines naming a rural place
    ("Vereda El Salitre, Finca La Esperanza, Guasca"): never "Spain in 2019" or "the end of the road"."""
    tokens = re.findall(r"[\w/º°ª.#-]+", value)
    if len(tokens) < 2 or not any(any(char.isalpha() for char in token) for token in tokens):
        return False
    lowercase = _written_lowercase(value)
    words = value.replace(",", " ").split()
    if sum(_address_token(word, lowercase) for word in words) < 0.75 * len(words):
        return False  # "a farm with 40 sheep"
    numbers = [token for token in tokens if any(char.isdigit() for char in token)]
    if any(not _YEAR.fullmatch(token.strip(".,")) for token in numbers) or _STRONG_POSTCODE.search(value):
        return True
    lines = [line for line in re.split(r"[,\n]", value) if line.strip()]
    return not numbers and len(lines) >= 2 and any(token.casefold() in _RURAL_WORDS for token in tokens)
