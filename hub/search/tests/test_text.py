"""What someone types becomes search terms; where it matched is shown safely; what is kept of a
question the hub could not answer holds no personal data (hub/search/text.py)."""

import pytest

from hub.search.text import (
    MAX_TERMS,
    STOPWORDS,
    normalise_query,
    query_terms,
    snippet,
    without_personal_data,
)

# --- query_terms ----------------------------------------------------------------------------


def test_stopwords_are_dropped_and_the_meaningful_words_kept_in_order():
    assert query_terms("How do the councils cut their energy bills?") == [
        "councils", "cut", "energy", "bills"]


def test_a_query_of_stopwords_only_has_no_terms():
    assert query_terms("what is the and of it") == []


def test_accents_are_folded_and_case_is_ignored():
    assert query_terms("Café SANTÉ Bogotá Zürich") == ["cafe", "sante", "bogota", "zurich"]


def test_each_word_is_kept_once():
    assert query_terms("Tax tax TAX taxes tax") == ["tax", "taxes"]


@pytest.mark.parametrize("query", [
    'tax" OR title:* NEAR(a b) -letters',
    "tax & letters | !(late) <-> x:*",
    "tax'); DROP TABLE search_document;--",
    "tax\x00letters\ttimes",
    "税 tax ✓ letters 🙂",
])
def test_terms_hold_only_lower_case_letters_and_digits_so_they_cannot_carry_query_syntax(query):
    terms = query_terms(query)
    assert terms, query
    assert all(term.isascii() and term.isalnum() and term == term.lower() for term in terms)
    assert "tax" in terms


def test_one_letter_words_are_not_terms_but_numbers_are():
    assert query_terms("a b c 2019 x 5g") == ["2019", "5g"]


def test_a_very_long_query_is_cut_to_a_fixed_number_of_terms():
    words = [f"word{n}" for n in range(MAX_TERMS + 10)]
    assert query_terms(" ".join(words)) == words[:MAX_TERMS]


def test_the_stopword_list_is_postgresqls_english_list():
    # The same words must be dropped on SQLite as PostgreSQL drops itself, or the two engines
    # would answer the same question differently.
    assert len(STOPWORDS) == 127
    assert {"the", "and", "of", "don", "should", "now"} <= STOPWORDS


def test_normalising_collapses_spaces_and_removes_control_characters():
    assert normalise_query("  tax\x00letters \n\t late  ") == "tax letters late"


# --- snippet --------------------------------------------------------------------------------


def test_matching_words_are_marked_including_other_forms_of_the_same_word():
    shown = snippet("Text message reminders cut missed appointments by a quarter.",
                    ["reminder", "appointment"])
    assert shown == ("Text message <mark>reminders</mark> cut missed "
                     "<mark>appointments</mark> by a quarter.")


def test_words_that_only_begin_like_a_term_are_not_marked_nor_is_punctuation():
    shown = snippet("Taxi drivers paid their tax. The status of states (tax).",
                    ["tax", "states"])
    assert shown == ("Taxi drivers paid their <mark>tax</mark>. The status of "
                     "<mark>states</mark> (<mark>tax</mark>).")


def test_matching_ignores_case_and_accents():
    shown = snippet("The Café in Bogotá", ["cafe", "bogota"])
    assert shown == "The <mark>Café</mark> in <mark>Bogotá</mark>"


def test_a_script_in_the_text_is_escaped_not_run():
    shown = snippet('<script>alert("x")</script> tax letters <img src=x onerror=alert(1)>',
                    ["tax"])
    assert "<script" not in shown and "<img" not in shown
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in shown
    assert "&lt;img" in shown
    assert "<mark>tax</mark>" in shown


def test_the_only_markup_in_a_snippet_is_the_marks_of_the_matches():
    import re

    shown = snippet("Letters <script>steal()</script> to late taxpayers <mark>now</mark>",
                    ["letters", "taxpayers"])
    assert set(re.findall(r"</?([a-z]+)", shown)) == {"mark"}
    assert shown.count("<mark>") == 2  # the two matches; the <mark> in the text is escaped
    assert "&lt;mark&gt;now&lt;/mark&gt;" in shown


def test_a_long_text_is_cut_around_the_matches_with_ellipses():
    words = [f"filler{n}" for n in range(100)]
    words[70:73] = ["tax", "letters", "worked"]
    shown = snippet(" ".join(words), ["tax", "letters"], words=10)
    assert shown.startswith("… ") and shown.endswith(" …")
    assert "<mark>tax</mark> <mark>letters</mark>" in shown
    assert len(shown.replace("<mark>", "").replace("</mark>", "").split()) == 10 + 2


def test_a_snippet_shows_the_first_of_the_runs_with_the_most_matches():
    words = [f"filler{n}" for n in range(60)]
    words[5] = "tax"                                 # one match early on
    words[20], words[24] = "tax", "letters"          # two close together
    words[45], words[49] = "tax", "letter"           # two again, later
    shown = snippet(" ".join(words), ["tax", "letters"], words=6)
    assert shown == ("… filler19 <mark>tax</mark> filler21 filler22 filler23 "
                     "<mark>letters</mark> …")


def test_a_text_without_matches_shows_its_beginning():
    words = [f"w{n}" for n in range(60)]
    shown = snippet(" ".join(words), ["absent"], words=5)
    assert shown == "w0 w1 w2 w3 w4 …"


def test_an_empty_text_has_an_empty_snippet():
    assert snippet("", ["tax"]) == ""


# --- without_personal_data --------------------------------------------------------------------


def test_email_addresses_are_removed():
    kept = without_personal_data("Reminders jane.doe+nhs@example.org sent about tax")
    assert "jane" not in kept and "@" not in kept and "example.org" not in kept
    assert kept == "reminders [email] sent about tax"


@pytest.mark.parametrize("number", [
    "07700 900123",          # mobile
    "+44 20 7946 0958",      # landline
    "0161-496-0000",
    "1234567890",            # a reference
    "QQ 12 34 56 C",         # National Insurance number, spaced
    "QQ123456C",             # National Insurance number, written together
    "AB 123456 D",
])
def test_long_numbers_and_national_insurance_numbers_are_removed(number):
    kept = without_personal_data(f"letter about {number} late tax")
    digits = "".join(char for char in number if char.isdigit())
    assert not any(char.isdigit() for char in kept), kept
    assert digits not in kept.replace(" ", "").replace("-", "")
    assert kept.startswith("letter about ") and kept.endswith(" late tax")


def test_years_and_short_numbers_are_kept():
    assert without_personal_data("Tax letters 2019 for 5 councils") == (
        "tax letters 2019 for 5 councils")


def test_what_is_kept_is_lower_case_single_spaced_and_at_most_200_characters():
    kept = without_personal_data("  Tax   LETTERS\n\n" + "x" * 300)
    assert kept.startswith("tax letters x")
    assert len(kept) == 200


@pytest.mark.parametrize("address", [
    "john.smith＠example.com",         # a full-width @
    "john.smith@ example.com",
    "john.smith @\texample.com",
    "john dot smith at example dot com",
    "jsmith (at) example (dot) co (dot) uk",
])
def test_disguised_email_addresses_are_removed(address):
    kept = without_personal_data(f"help for {address} with tax")
    assert "smith" not in kept and "example" not in kept, kept
    assert kept.startswith("help for ") and kept.endswith(" with tax")


@pytest.mark.parametrize("number", ["07,700,900,123", "(020) 7946 0958", "+44 (0)20 7946 0958",
                                    "０７７００ ９００１２３"])
def test_numbers_written_with_commas_brackets_or_full_width_digits_are_removed(number):
    kept = without_personal_data(f"call {number} about tax")
    assert not any(char.isdigit() for char in kept), kept
    assert kept == "call [number] about tax"


@pytest.mark.parametrize("postcode", ["SW1A 1AA", "M1 1AE", "b33 8th", "CR2 6XH"])
def test_postcodes_are_removed(postcode):
    assert without_personal_data(f"damp flats near {postcode} council") == (
        "damp flats near [postcode] council")
