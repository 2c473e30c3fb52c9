"""General geography reference: ISO 3166 names (django_countries) + UN M49 regions/sub-regions
+ common political groupings + demonyms. Written from general reference knowledge, not from queries."""
import re, django
from django.conf import settings
if not settings.configured:
    settings.configure(USE_I18N=False); django.setup()
from django_countries import countries as _dc

NAME = {c.code: str(c.name) for c in _dc}
NAME["XK"] = "Kosovo"
# common alternative names (general)
ALIAS = {"GB": ["UK", "U.K.", "Britain", "Great Britain", "England", "Scotland", "Wales", "Northern Ireland", "United Kingdom"],
         "US": ["USA", "U.S.", "US", "United States", "America"], "KR": ["Korea", "Republic of Korea"],
         "KP": ["DPRK"], "RU": ["Russian Federation"], "CZ": ["Czech Republic"], "TR": ["Turkey"],
         "NL": ["Holland"], "CI": ["Ivory Coast"], "MM": ["Burma"], "SZ": ["Swaziland"], "MK": ["Macedonia"],
         "CD": ["DR Congo", "DRC"], "VN": ["Viet Nam"], "AE": ["UAE", "Emirates"], "BS": ["Bahamas"], "CV": ["Cape Verde"],
         "TL": ["East Timor"], "VA": ["Vatican"], "NR": ["Nauru"], "FK": ["Falkland Islands"]}
# M49 sub-regions (ISO alpha-2)
SUB = {
 "northern africa": "DZ EG LY MA SD TN EH",
 "eastern africa": "IO BI KM DJ ER ET TF KE MG MW MU YT MZ RE RW SC SO SS UG TZ ZM ZW",
 "middle africa": "AO CM CF TD CG CD GQ GA ST",
 "southern africa": "BW SZ LS NA ZA",
 "western africa": "BJ BF CV CI GM GH GN GW LR ML MR NE NG SH SN SL TG",
 "caribbean": "AI AG AW BS BB BQ VG KY CU CW DM DO GD GP HT JM MQ MS PR BL KN LC MF VC SX TT TC VI",
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
 "melanesia": "FJ NC PG SB VU", "micronesia": "GU KI MH FM NR MP PW",
 "polynesia": "AS CK PF NU PN WS TK TO TV WF",
}
SUB = {k: set(v.split()) for k, v in SUB.items()}
def U(*ks): return set().union(*[SUB[k] for k in ks])
REG = {
 "africa": U("northern africa", "eastern africa", "middle africa", "southern africa", "western africa"),
 "americas": U("caribbean", "central america", "south america", "northern america"),
 "asia": U("central asia", "eastern asia", "south-eastern asia", "southern asia", "western asia"),
 "europe": U("eastern europe", "northern europe", "southern europe", "western europe"),
 "oceania": U("australia and new zealand", "melanesia", "micronesia", "polynesia"),
}
GROUP = dict(SUB); GROUP.update(REG)
GROUP.update({
 "sub-saharan africa": REG["africa"] - SUB["northern africa"] | {"SD"},
 "latin america": U("caribbean", "central america", "south america") - {"GF", "GP", "MQ", "BL", "MF", "PM"},
 "north america": SUB["northern america"] | {"MX"},
 "east asia": SUB["eastern asia"], "southeast asia": SUB["south-eastern asia"], "south asia": SUB["southern asia"],
 "middle east": set("BH CY EG IR IQ IL JO KW LB OM PS QA SA SY TR AE YE".split()),
 "nordic": set("DK FI IS NO SE FO GL AX".split()), "scandinavia": set("DK NO SE".split()),
 "baltic": set("EE LV LT".split()), "balkans": set("AL BA BG HR XK ME MK RS SI RO GR".split()),
 "western balkans": set("AL BA XK ME MK RS".split()), "benelux": set("BE NL LU".split()),
 "iberia": {"ES", "PT"}, "british isles": {"GB", "IE"},
 "european union": set("AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split()),
 "central and eastern europe": SUB["eastern europe"] | set("EE LV LT SI HR AL BA XK ME MK RS".split()),
 "asia-pacific": U("central asia", "eastern asia", "south-eastern asia", "southern asia") | U("australia and new zealand", "melanesia", "micronesia", "polynesia"),
 "pacific islands": U("melanesia", "micronesia", "polynesia"),
})
# surface forms (lower-case; matched on word boundaries) -> group key
GFORMS = {
 "africa": ["africa", "african"], "americas": ["americas"], "asia": ["asia", "asian"], "europe": ["europe", "european"],
 "oceania": ["oceania", "oceanian"], "sub-saharan africa": ["sub-saharan", "subsaharan"],
 "latin america": ["latin america", "latin american", "south and central america"],
 "south america": ["south america", "south american"], "central america": ["central america", "central american"],
 "north america": ["north america", "north american"], "caribbean": ["caribbean"],
 "east asia": ["east asia", "east asian", "eastern asia"], "southeast asia": ["southeast asia", "south-east asia", "southeast asian", "south-east asian", "asean"],
 "south asia": ["south asia", "south asian"], "central asia": ["central asia", "central asian"],
 "middle east": ["middle east", "middle eastern", "gulf states"], "northern africa": ["north africa", "north african"],
 "western africa": ["west africa", "west african"], "eastern africa": ["east africa", "east african"],
 "southern africa": ["southern africa"],
 "nordic": ["nordic", "nordics"], "scandinavia": ["scandinavia", "scandinavian"], "baltic": ["baltic", "baltics"],
 "balkans": ["balkan", "balkans"], "western balkans": ["western balkans"], "benelux": ["benelux"], "iberia": ["iberia", "iberian"],
 "british isles": ["british isles"], "european union": ["eu", "european union"],
 "eastern europe": ["eastern europe", "eastern european"], "western europe": ["western europe", "western european"],
 "northern europe": ["northern europe", "northern european"], "southern europe": ["southern europe", "southern european"],
 "central and eastern europe": ["central and eastern europe", "cee", "central europe", "central european"],
 "asia-pacific": ["asia-pacific", "asia pacific", "apac"], "pacific islands": ["pacific island", "pacific islands", "pacific islander"],
 "australia and new zealand": ["australasia", "australasian"],
}
DEMONYM = {  # general country adjectives/demonyms
 "GB": "british english scottish welsh", "US": "american", "FR": "french", "DE": "german", "IT": "italian", "ES": "spanish",
 "PT": "portuguese", "NL": "dutch", "BE": "belgian", "LU": "luxembourgish", "CH": "swiss", "AT": "austrian", "IE": "irish",
 "DK": "danish dane danes", "SE": "swedish swede swedes", "NO": "norwegian", "FI": "finnish finn finns", "IS": "icelandic",
 "EE": "estonian", "LV": "latvian", "LT": "lithuanian", "PL": "polish", "CZ": "czech", "SK": "slovak slovakian",
 "HU": "hungarian", "SI": "slovenian slovene", "HR": "croatian croat", "RS": "serbian serb", "BA": "bosnian", "ME": "montenegrin",
 "MK": "macedonian", "AL": "albanian", "XK": "kosovan kosovar", "RO": "romanian", "BG": "bulgarian", "GR": "greek",
 "CY": "cypriot", "MT": "maltese", "UA": "ukrainian", "BY": "belarusian", "MD": "moldovan", "RU": "russian",
 "GE": "georgian", "AM": "armenian", "AZ": "azerbaijani", "TR": "turkish", "IL": "israeli", "PS": "palestinian",
 "CA": "canadian", "MX": "mexican", "BR": "brazilian", "AR": "argentine argentinian", "CL": "chilean", "CO": "colombian",
 "PE": "peruvian", "EC": "ecuadorian", "BO": "bolivian", "UY": "uruguayan", "PY": "paraguayan", "VE": "venezuelan",
 "CR": "costa rican", "PA": "panamanian", "GT": "guatemalan", "HN": "honduran", "SV": "salvadoran", "NI": "nicaraguan",
 "CU": "cuban", "JM": "jamaican", "HT": "haitian", "DO": "dominican",
 "CN": "chinese", "JP": "japanese", "KR": "korean", "TW": "taiwanese", "HK": "hongkonger", "MN": "mongolian",
 "IN": "indian", "PK": "pakistani", "BD": "bangladeshi", "LK": "sri lankan", "NP": "nepali nepalese", "AF": "afghan",
 "ID": "indonesian", "MY": "malaysian", "SG": "singaporean", "TH": "thai", "VN": "vietnamese", "PH": "filipino philippine",
 "KH": "cambodian", "MM": "burmese", "LA": "lao laotian", "KZ": "kazakh", "UZ": "uzbek",
 "AU": "australian", "NZ": "kiwi", "FJ": "fijian", "VU": "vanuatuan", "PG": "papuan", "WS": "samoan", "TO": "tongan",
 "ZA": "south african", "NG": "nigerian", "KE": "kenyan", "GH": "ghanaian", "ET": "ethiopian", "TZ": "tanzanian",
 "UG": "ugandan", "RW": "rwandan", "ZM": "zambian", "ZW": "zimbabwean", "MZ": "mozambican", "MW": "malawian",
 "SN": "senegalese", "EG": "egyptian", "MA": "moroccan", "TN": "tunisian", "DZ": "algerian", "SD": "sudanese",
 "BW": "botswanan", "NA": "namibian", "CM": "cameroonian", "CI": "ivorian", "SA": "saudi", "AE": "emirati",
 "IR": "iranian", "IQ": "iraqi", "JO": "jordanian", "LB": "lebanese", "SY": "syrian", "QA": "qatari",
}
def _forms():
    out = []  # (regex, set of codes, label)
    for k, fs in GFORMS.items():
        for f in fs: out.append((f, GROUP[k], k))
    for code, nm in NAME.items():
        base = re.sub(r"\s*\(.*\)", "", nm)
        for f in {base, nm, *ALIAS.get(code, [])}:
            out.append((f, {code}, code))
    for code, ds in DEMONYM.items():
        for d in ds.split(): out.append((d, {code}, code))
    # "south african" before "african" etc: longest first, consume matched spans
    out.sort(key=lambda x: -len(x[0]))
    return out
FORMS = _forms()
CASE_SENSITIVE = {"US", "U.S.", "UK", "U.K.", "EU", "DRC", "CEE", "APAC", "ASEAN", "UAE"}
def detect(q):
    """-> (set of ISO codes, list of labels) for geography mentioned in q."""
    codes, labels = set(), []
    text = q
    for f, cs, lab in FORMS:
        cs_flag = f.upper() == f and len(f) <= 5  # acronyms: case-sensitive
        pat = r"(?<![\w-])" + re.escape(f) + r"s?(?![\w-])"
        m = re.search(pat, text, 0 if cs_flag else re.I)
        if m:
            codes |= cs; labels.append(lab)
            text = text[:m.start()] + " " * (m.end() - m.start()) + text[m.end():]
    return codes, labels
_CNAME = {}
for code, nm in NAME.items():
    _CNAME[re.sub(r"\s*\(.*\)", "", nm).lower()] = {code}
    for a in ALIAS.get(code, []): _CNAME[a.lower()] = {code}
def case_codes(country):
    """Case 'country' field -> set of codes. Multi-country strings map to their region."""
    out = set()
    for part in re.split(r";|,", country):
        p = part.strip(); base = re.sub(r"\s*\(.*\)", "", p).strip().lower()
        if base in _CNAME: out |= _CNAME[base]
        else:
            cs, _ = detect(p); out |= cs
    return out
