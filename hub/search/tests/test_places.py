"""Places a query names: read as countries (``places.countries_in``), and used by the ranking to
put documents from there first among equally close ones."""

import pytest

from hub.library.models import Status
from hub.library.tests.factories import EntryFactory
from hub.search import selectors
from hub.search.places import GROUPS, countries_in
from hub.search.services import index_objects


@pytest.mark.parametrize(("text", "codes"), [
    ("school meals in Finland", {"FI"}),
    ("what the Netherlands and Belgium did", {"NL", "BE"}),
    ("Danish and Swedish job centres", {"DK", "SE"}),            # adjectives
    ("a UK trial", {"GB"}),                                     # other names
    ("help for people in England", {"GB"}),
    ("US cities", {"US"}),
    ("e-government in the Baltic states", {"EE", "LV", "LT"}),   # groupings
    ("Nordic welfare reforms", GROUPS["nordic"]),
    ("Asian cities using big data", GROUPS["asia"]),             # continents, as adjectives
    ("Latin American participatory budgets", GROUPS["latin america"]),
    ("South African townships", {"ZA"}),                         # the longer form wins
    ("programmes in the EU", GROUPS["european union"]),
    ("EU-funded programmes", GROUPS["european union"]),         # beside a hyphen
    ("a UK-wide roll-out", {"GB"}),
    ("Polish job centres", {"PL"}),                              # everyday words, capitalised
    ("Finns and Danes", {"FI", "DK"}),                           # plurals
    ("schools in Côte d'Ivoire", {"CI"}),                         # with or without accents
    ("schools in Cote d'Ivoire", {"CI"}),
    ("ruſſia", {"RU"}),                                          # compatibility forms
    ("İndia", {"IN"}),
    ("UK", {"GB"}),
])
def test_a_query_s_places_are_read_as_countries(text, codes):
    assert countries_in(text) == frozenset(codes)


@pytest.mark.parametrize("text", [
    "help us find work faster",           # "us" is not the US: acronyms count only in capitals
    "rough sleeping",
    "letters that get people to pay tax on time",
    "a eu-style form",                     # nor "eu"
    "CAN YOU HELP US",                     # nor in a query written all in capitals
    "polish the user interface",           # everyday words that are also places, in lower case
    "cold turkey", "china plates", "guinea pig trials", "jersey cows", "kiwi fruit",
])
def test_ordinary_words_name_no_place(text):
    assert countries_in(text) == frozenset()


def test_groupings_hold_the_countries_people_mean():
    assert GROUPS["scandinavia"] < GROUPS["nordic"] < GROUPS["europe"] | {"GL"}
    assert len(GROUPS["european union"]) == 27 and "GB" not in GROUPS["european union"]
    assert "ZA" in GROUPS["sub-saharan africa"] and "EG" not in GROUPS["sub-saharan africa"]


SUMMARY = ("The city paid for free bus travel for school pupils so that fewer of them missed "
           "lessons, and counted attendance before and after.")


@pytest.mark.django_db
def test_documents_from_the_places_a_query_names_are_lifted_and_no_others(monkeypatch):
    def case(**where):
        entry = EntryFactory(title="Free bus passes for pupils", summary=SUMMARY, results="",
                             status=Status.PUBLISHED, **where)
        index_objects("case", [entry.pk])
        return entry.pk

    brazil = case(countries=["BR"], country_text="")
    finland = case(countries=["FI"], country_text="")
    several = case(countries=[], country_text="Latin America (multi-country)")

    def scores(query):
        return {hit.document.object_id: hit.score
                for hit in selectors.search(query, user=None).hits}

    nordic = "free bus travel for pupils in Nordic cities"
    latin = "free bus travel for pupils in Latin American cities"
    lifted = {nordic: scores(nordic), latin: scores(latin)}
    monkeypatch.setattr(selectors, "PLACE_BOOST", 0.0)
    unlifted = {nordic: scores(nordic), latin: scores(latin)}
    for query, from_there in ((nordic, {finland}), (latin, {brazil, several})):
        for case_id in (brazil, finland, several):
            lift = lifted[query][case_id] - unlifted[query][case_id]
            assert lift == pytest.approx(0.1 if case_id in from_there else 0.0, abs=1e-9)
