"""Countries as people and sources write them ("UK", "South Korea", "fr", "France"), turned
into ISO 3166 codes. Used by the entry form, the import and the API alike."""

from functools import lru_cache

from django_countries import countries as iso_countries

COUNTRY_ALIASES = {
    "uk": "GB",
    "u.k.": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "us": "US",
    "u.s.": "US",
    "usa": "US",
    "u.s.a.": "US",
    "united states": "US",
    "america": "US",
    "south korea": "KR",
    "korea": "KR",
    "republic of korea": "KR",
    "north korea": "KP",
    "taiwan": "TW",
    "russia": "RU",
    "ivory coast": "CI",
    "czech republic": "CZ",
    "czechia": "CZ",
    "turkey": "TR",
    "türkiye": "TR",
    "vietnam": "VN",
    "laos": "LA",
    "iran": "IR",
    "syria": "SY",
    "bolivia": "BO",
    "venezuela": "VE",
    "moldova": "MD",
    "tanzania": "TZ",
    "holland": "NL",
    "macedonia": "MK",
    "north macedonia": "MK",
    "palestine": "PS",
    "burma": "MM",
    "eswatini": "SZ",
    "swaziland": "SZ",
    "east timor": "TL",
    "cape verde": "CV",
    "uae": "AE",
    "drc": "CD",
    "democratic republic of the congo": "CD",
    "republic of the congo": "CG",
    "vatican": "VA",
    "brunei": "BN",
    "micronesia": "FM",
}


@lru_cache(maxsize=2048)
def country_code(name: str) -> str:
    """The ISO 3166 code for a country name, common name or code; "" when it is not one
    (a region such as "European Union (multi-country)", or Kosovo, which has no ISO code)."""
    key = " ".join(name.split()).lower().removeprefix("the ")
    if not key:
        return ""
    if key in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[key]
    code = iso_countries.by_name(key, insensitive=True)
    if not code and len(key) in (2, 3) and key.isalpha():
        code = iso_countries.alpha2(key.upper())
    return code or ""
