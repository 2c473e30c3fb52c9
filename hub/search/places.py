"""Places a query names, as ISO 3166 country codes: "Nordic", "Asian cities", "in the Baltic
states", "Danish", "UK". The hub's ranking gives documents from those countries a small lift
(``selectors.PLACE_BOOST``): the model reads "Asian" as a topic, not as Singapore or Seoul.

General reference data only, never words taken from particular queries: every country's name
(django-countries, in English) and its common other names, the adjectives people use for
countries, the UN M49 continents and sub-regions, and the groupings public servants use
(European Union, Nordic, Baltic, Balkans, Benelux, Latin America, Middle East…). Longer forms
win ("South African" is South Africa, not Africa); acronyms count only in capitals ("US", not
"us"), and everyday words that are also places only with a capital ("Polish", not "polish")."""

import re
import unicodedata
from functools import cache, lru_cache

# UN M49 sub-regions (ISO 3166 alpha-2 codes).
SUB_REGIONS = {
    "northern africa": "DZ EG LY MA SD TN EH",
    "eastern africa": "IO BI KM DJ ER ET TF KE MG MW MU YT MZ RE RW SC SO SS UG TZ ZM ZW",
    "middle africa": "AO CM CF TD CG CD GQ GA ST",
    "southern africa": "BW SZ LS NA ZA",
    "western africa": "BJ BF CV CI GM GH GN GW LR ML MR NE NG SH SN SL TG",
    "caribbean": "AI AG AW BS BB BQ VG KY CU CW DM DO GD GP HT JM MQ MS PR BL KN LC MF VC SX TT "
                 "TC VI",
    "central america": "BZ CR SV GT HN MX NI PA",
    "south america": "AR BO BV BR CL CO EC FK GF GY PY PE GS SR UY VE",
    "northern america": "BM CA GL PM US",
    "central asia": "KZ KG TJ TM UZ",
    "eastern asia": "CN HK MO KP JP MN KR TW",
    "south-eastern asia": "BN KH ID LA MY MM PH SG TH TL VN",
    "southern asia": "AF BD BT IN IR MV NP PK LK",
    "western asia": "AM AZ BH CY GE IQ IL JO KW LB OM QA SA PS SY TR AE YE",
    "eastern europe": "BY BG CZ HU PL MD RO RU SK UA",
    "northern europe": "AX DK EE FO FI GG IS IE IM JE LV LT NO SJ SE GB",
    "southern europe": "AL AD BA HR GI GR VA IT MT ME MK PT SM RS SI ES XK",
    "western europe": "AT BE FR DE LI LU MC NL CH",
    "australia and new zealand": "AU NZ NF",
    "melanesia": "FJ NC PG SB VU",
    "micronesia": "GU KI MH FM NR MP PW",
    "polynesia": "AS CK PF NU PN WS TK TO TV WF",
}


def _codes(*names: str) -> frozenset[str]:
    return frozenset(code for name in names for code in SUB_REGIONS[name].split())


CONTINENTS = {
    "africa": _codes("northern africa", "eastern africa", "middle africa", "southern africa",
                     "western africa"),
    "americas": _codes("caribbean", "central america", "south america", "northern america"),
    "asia": _codes("central asia", "eastern asia", "south-eastern asia", "southern asia",
                   "western asia"),
    "europe": _codes("eastern europe", "northern europe", "southern europe", "western europe"),
    "oceania": _codes("australia and new zealand", "melanesia", "micronesia", "polynesia"),
}
EUROPEAN_UNION = frozenset("AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT "
                           "RO SK SI ES SE".split())
GROUPS = {name: _codes(name) for name in SUB_REGIONS} | CONTINENTS | {
    "sub-saharan africa": CONTINENTS["africa"] - _codes("northern africa") | {"SD"},
    "latin america": _codes("caribbean", "central america", "south america")
    - {"GF", "GP", "MQ", "BL", "MF", "PM"},
    "north america": _codes("northern america") | {"MX"},
    "middle east": frozenset("BH CY EG IR IQ IL JO KW LB OM PS QA SA SY TR AE YE".split()),
    "nordic": frozenset("DK FI IS NO SE FO GL AX".split()),
    "scandinavia": frozenset("DK NO SE".split()),
    "baltic": frozenset("EE LV LT".split()),
    "balkans": frozenset("AL BA BG HR XK ME MK RS SI RO GR".split()),
    "western balkans": frozenset("AL BA XK ME MK RS".split()),
    "benelux": frozenset("BE NL LU".split()),
    "iberia": frozenset({"ES", "PT"}),
    "british isles": frozenset({"GB", "IE"}),
    "european union": EUROPEAN_UNION,
    "central and eastern europe": _codes("eastern europe")
    | frozenset("EE LV LT SI HR AL BA XK ME MK RS".split()),
    "asia-pacific": _codes("central asia", "eastern asia", "south-eastern asia", "southern asia",
                           "australia and new zealand", "melanesia", "micronesia", "polynesia"),
    "pacific islands": _codes("melanesia", "micronesia", "polynesia"),
}
# How people write each group (lower case; a plural "s" is allowed after any form).
GROUP_FORMS = {
    "africa": "africa|african", "americas": "americas", "asia": "asia|asian",
    "europe": "europe|european", "oceania": "oceania",
    "sub-saharan africa": "sub-saharan|subsaharan",
    "latin america": "latin america|latin american|south and central america",
    "south america": "south america|south american",
    "central america": "central america|central american",
    "north america": "north america|north american", "caribbean": "caribbean",
    "eastern asia": "east asia|east asian|eastern asia",
    "south-eastern asia": "southeast asia|south-east asia|south east asia|southeast asian|"
                          "south-east asian",
    "southern asia": "south asia|south asian", "central asia": "central asia|central asian",
    "middle east": "middle east|middle eastern|gulf states",
    "northern africa": "north africa|north african", "western africa": "west africa|west african",
    "eastern africa": "east africa|east african", "southern africa": "southern africa",
    "nordic": "nordic", "scandinavia": "scandinavia|scandinavian", "baltic": "baltic",
    "balkans": "balkan|balkans", "western balkans": "western balkans", "benelux": "benelux",
    "iberia": "iberia|iberian", "british isles": "british isles",
    "european union": "EU|european union",
    "eastern europe": "eastern europe|eastern european",
    "western europe": "western europe|western european",
    "northern europe": "northern europe|northern european",
    "southern europe": "southern europe|southern european",
    "central and eastern europe": "central and eastern europe|CEE|central europe|"
                                  "central european",
    "asia-pacific": "asia-pacific|asia pacific|APAC",
    "pacific islands": "pacific island|pacific islands|pacific islander",
    "australia and new zealand": "australasia|australasian",
}
# Other names for countries, beside their names in django-countries.
OTHER_NAMES = {
    "GB": "UK|U.K.|Britain|Great Britain|England|Scotland|Wales|Northern Ireland",
    "US": "USA|U.S.|US|United States|America", "KR": "Korea|Republic of Korea", "KP": "DPRK",
    "RU": "Russian Federation", "CZ": "Czech Republic", "TR": "Turkey", "NL": "Holland",
    "CI": "Ivory Coast", "MM": "Burma", "SZ": "Swaziland", "MK": "Macedonia",
    "CD": "DR Congo|DRC", "VN": "Viet Nam", "AE": "UAE|Emirates", "BS": "Bahamas",
    "CV": "Cape Verde", "TL": "East Timor", "VA": "Vatican", "XK": "Kosovo",
}
# The adjectives (and names of peoples) people use for countries.
ADJECTIVES = {
    "GB": "british|english|scottish|welsh", "US": "american", "FR": "french", "DE": "german",
    "IT": "italian", "ES": "spanish", "PT": "portuguese", "NL": "dutch", "BE": "belgian",
    "LU": "luxembourgish", "CH": "swiss", "AT": "austrian", "IE": "irish",
    "DK": "danish|dane", "SE": "swedish|swede", "NO": "norwegian", "FI": "finnish|finn",
    "IS": "icelandic", "EE": "estonian", "LV": "latvian", "LT": "lithuanian", "PL": "polish",
    "CZ": "czech", "SK": "slovak|slovakian", "HU": "hungarian", "SI": "slovenian|slovene",
    "HR": "croatian|croat", "RS": "serbian|serb", "BA": "bosnian", "ME": "montenegrin",
    "MK": "macedonian", "AL": "albanian", "XK": "kosovan|kosovar", "RO": "romanian",
    "BG": "bulgarian", "GR": "greek", "CY": "cypriot", "MT": "maltese", "UA": "ukrainian",
    "BY": "belarusian", "MD": "moldovan", "RU": "russian", "GE": "georgian", "AM": "armenian",
    "AZ": "azerbaijani", "TR": "turkish", "IL": "israeli", "PS": "palestinian",
    "CA": "canadian", "MX": "mexican", "BR": "brazilian", "AR": "argentine|argentinian",
    "CL": "chilean", "CO": "colombian", "PE": "peruvian", "EC": "ecuadorian",
    "BO": "bolivian", "UY": "uruguayan", "PY": "paraguayan", "VE": "venezuelan",
    "CR": "costa rican", "PA": "panamanian", "GT": "guatemalan", "HN": "honduran",
    "SV": "salvadoran", "NI": "nicaraguan", "CU": "cuban", "JM": "jamaican", "HT": "haitian",
    "CN": "chinese", "JP": "japanese", "KR": "korean", "TW": "taiwanese", "MN": "mongolian",
    "IN": "indian", "PK": "pakistani", "BD": "bangladeshi", "LK": "sri lankan",
    "NP": "nepali|nepalese", "AF": "afghan", "ID": "indonesian", "MY": "malaysian",
    "SG": "singaporean", "TH": "thai", "VN": "vietnamese", "PH": "filipino|philippine",
    "KH": "cambodian", "MM": "burmese", "LA": "lao|laotian", "KZ": "kazakh", "UZ": "uzbek",
    "AU": "australian", "NZ": "kiwi", "FJ": "fijian", "PG": "papuan", "WS": "samoan",
    "TO": "tongan", "ZA": "south african", "NG": "nigerian", "KE": "kenyan", "GH": "ghanaian",
    "ET": "ethiopian", "TZ": "tanzanian", "UG": "ugandan", "RW": "rwandan", "ZM": "zambian",
    "ZW": "zimbabwean", "MZ": "mozambican", "MW": "malawian", "SN": "senegalese",
    "EG": "egyptian", "MA": "moroccan", "TN": "tunisian", "DZ": "algerian", "SD": "sudanese",
    "BW": "botswanan", "NA": "namibian", "CM": "cameroonian", "CI": "ivorian", "SA": "saudi",
    "AE": "emirati", "IR": "iranian", "IQ": "iraqi", "JO": "jordanian", "LB": "lebanese",
    "SY": "syrian", "QA": "qatari",
}


# Forms that are also everyday English words ("polish the form", "cold turkey", "china
# plates"): they name a place only when written with a capital.
EVERYDAY_WORDS = frozenset(
    "polish turkey china jordan guinea jersey kiwi swede finn chad georgia georgian niger "
    "mali".split())


def _plain(text: str) -> str:
    """Accents and compatibility forms folded away ("Côte" → "Cote", "İ" → "I"), case kept."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _is_acronym(form: str) -> bool:
    return form.replace(".", "").isupper() and len(form) <= 5


@cache
def _forms() -> tuple[dict[str, frozenset[str]], re.Pattern, re.Pattern]:
    """Every form → its countries (acronyms as written, the rest folded to plain lower case),
    and two patterns, acronyms and the rest, trying longer forms first."""
    from django.utils import translation
    from django_countries import countries

    forms: dict[str, frozenset[str]] = {}

    def add(form: str, codes) -> None:
        key = _plain(form) if _is_acronym(form) else _plain(form).lower()
        forms[key] = forms.get(key, frozenset()) | frozenset(codes)

    for group, written in GROUP_FORMS.items():
        for form in written.split("|"):
            add(form, GROUPS[group])
    with translation.override("en"):
        for country in countries:
            name = str(country.name)
            add(name, {country.code})
            add(re.sub(r"\s*\(.*\)", "", name), {country.code})
    for table in (OTHER_NAMES, ADJECTIVES):
        for code, written in table.items():
            for form in written.split("|"):
                add(form, {code})

    def pattern(keys) -> re.Pattern:
        alternatives = "|".join(re.escape(key) for key in sorted(keys, key=len, reverse=True))
        return re.compile(rf"(?<!\w)(?:{alternatives})s?(?!\w)")

    acronyms = [key for key in forms if _is_acronym(key)]
    return forms, pattern(acronyms), pattern([key for key in forms if key not in acronyms])


@lru_cache(maxsize=4096)
def countries_in(text: str) -> frozenset[str]:
    """The ISO codes of the countries, regions and groupings ``text`` names."""
    forms, acronyms, words = _forms()
    plain = _plain(text)
    found: set[str] = set()
    # Acronyms count in capitals, but not in a query written all in capitals ("HELP US").
    shouting = not any(char.islower() for char in plain) and len(plain.split()) > 1
    if not shouting:
        for match in acronyms.finditer(plain):
            found |= forms.get(match.group(0)) or forms.get(match.group(0)[:-1], frozenset())
        plain = acronyms.sub(lambda match: " " * len(match.group(0)), plain)
    lowered = plain.lower()
    for match in words.finditer(lowered):
        form = match.group(0)
        key = form if form in forms else form[:-1]  # or its plural
        if key in EVERYDAY_WORDS and (len(lowered) != len(plain)
                                      or not plain[match.start()].isupper()):
            continue
        found |= forms.get(key, frozenset())
    return frozenset(found)


def of_values(values) -> frozenset[str]:
    """The ISO codes a document's "country" facet values stand for: codes themselves, or a
    place in words ("Latin America (multi-country)")."""
    codes: set[str] = set()
    for value in map(str, values or ()):
        codes |= {value} if len(value) == 2 and value.isupper() else countries_in(value)
    return frozenset(codes)
