"""The evidence level and evaluation type read from a source's evidence note, checked on the
notes of the real cases (data/cases.jsonl)."""

import json
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from hub.library.services.evidence import assess_evidence
from hub.library.taxonomy import EvaluationType as T

CASES = Path(settings.HUB_DATA_DIR) / "cases.jsonl"

REAL_NOTES = [
    # Nothing reported, whatever follows.
    ("none reported", 1, T.NONE),
    ("none reported (award)", 1, T.NONE),
    ("none reported (OGP action plan monitoring)", 1, T.NONE),
    ("none reported for the UK change at launch; comparison with US experience", 1, T.NONE),
    ("none formal; widely documented", 1, T.NONE),
    ("pilot, not yet evaluated", 1, T.NONE),
    ("proof of concept", 1, T.NONE),
    ("pilot", 1, T.NONE),
    ("monitoring and evaluation mentioned; no results in listing", 1, T.NONE),
    # Case studies and descriptions only.
    ("academic case studies; no impact evaluation", 1, T.QUALITATIVE),
    ("case studies (GovLab CrowdLaw); no formal evaluation", 1, T.QUALITATIVE),
    ("case study review", 1, T.QUALITATIVE),
    ("service design prototyping with user testing", 1, T.QUALITATIVE),
    ("structured programme assessment", 1, T.QUALITATIVE),
    # Data shows change; "no counterfactual" / "no impact evaluation" never raise it.
    ("programme data", 2, T.MONITORING),
    ("administrative data; no impact evaluation", 2, T.MONITORING),
    ("spend analysis by the council and CLES; no counterfactual", 2, T.MONITORING),
    ("trend data from police, health and crime surveys; no counterfactual", 2, T.BEFORE_AFTER),
    ("before-after comparison using NHS admissions data; paper in British Journal of General "
     "Practice (2018)", 2, T.BEFORE_AFTER),
    ("descriptive data and comparative studies; no impact evaluation", 2, T.MONITORING),
    ("official statistics and DWP evaluation reports", 2, T.MONITORING),
    ("case studies and operating data", 2, T.MONITORING),
    ("case studies (Commonwealth Fund); adapted English pilot assessed in a mixed-methods study",
     2, T.QUALITATIVE),
    ("longitudinal ecological panel studies (state and municipal level)", 2, T.BEFORE_AFTER),
    ("experiment", 2, T.MONITORING),
    ("vignette survey experiment", 2, T.MONITORING),
    # A control or comparison group.
    ("randomised controlled trial", 3, T.RANDOMISED),
    ("behavioural trial", 3, T.QUASI),
    ("field experiment", 3, T.RANDOMISED),
    ("controlled interrupted time series analyses (PLOS Medicine 2020)", 3, T.QUASI),
    ("quasi-experimental evaluation (propensity score matching) by independent assessor for "
     "the Ministry of Justice", 3, T.QUASI),
    ("independent evaluation by LSE and Human Reliability Associates (comparison with "
     "traditional teams and national indicators)", 3, T.QUASI),
    ("two-arm randomised controlled trial in 105 schools with about 88,000 families", 3,
     T.RANDOMISED),
    ("cluster randomised controlled trial, 15,697 pupils in 36 schools, independent "
     "evaluation by Queen's University Belfast", 3, T.RANDOMISED),
    # … replicated, reviewed, several trials or followed up.
    ("two randomised controlled trials (about 20,000 patients)", 4, T.RANDOMISED),
    ("series of randomised controlled experiments", 4, T.RANDOMISED),
    ("pragmatic national randomised controlled trial (Lancet 2016); regression discontinuity "
     "and further RCTs", 4, T.RANDOMISED),
    ("pragmatic randomised controlled trial (1,645 mothers at 18 sites; Lancet 2016) plus "
     "long-term record-linkage follow-up", 4, T.RANDOMISED),
    ("field experiments (2012-13), peer-reviewed in the Journal of Public Policy", 4,
     T.RANDOMISED),
    ("large-scale quasi-experimental evaluation (Foundations) and systematic review (What "
     "Works for Children's Social Care)", 4, T.SYSTEMATIC_REVIEW),
    ("controlled comparison with similar cities; later natural-experiment replication in "
     "Cambridge; process evaluation of a US replication", 4, T.SYSTEMATIC_REVIEW),
]


@pytest.mark.parametrize(("note", "level", "evaluation_type"), REAL_NOTES)
def test_each_real_note_gets_the_level_its_method_supports(note, level, evaluation_type):
    assessment = assess_evidence(note)
    assert (assessment.level, assessment.evaluation_type) == (level, evaluation_type), \
        assessment.rule


def test_every_note_in_the_real_file_gets_a_level_and_the_spread_is_pinned():
    notes = [json.loads(line)["evidence_note"] for line in CASES.read_text().splitlines()]
    levels = Counter(assess_evidence(note).level for note in notes)
    assert levels == {1: 72, 2: 39, 3: 29, 4: 9}


def test_a_negation_keeps_a_causal_word_from_raising_the_level():
    assert assess_evidence("randomised trial planned; no impact evaluation yet").level == 2


def test_an_empty_note_gives_no_level():
    assert assess_evidence("").level is None
    assert assess_evidence(None).evaluation_type == ""


def test_level_five_is_never_guessed():
    note = "manual and accreditation system; replicated in 40 sites by randomised trials"
    assert assess_evidence(note).level == 4
