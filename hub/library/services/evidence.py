"""The evidence level of an imported case, read from the source's free-text note.

Sources describe their evidence in a few words ("randomised controlled trial", "programme
data; no impact evaluation", "none reported (award)"). ``assess_evidence`` turns such a note
into a Nesta Standards of Evidence level (DESIGN §3) and an ``EvaluationType``, with the rule
that decided it. The rules, applied in this order to the lower-cased note:

1. **Nothing reported → 1.** A note that starts with "none" ("none reported", "none formal;
   widely documented", "none reported for the UK change at launch; comparison with …"), or
   says "not yet evaluated", "no results", "proof of concept": level 1, whatever follows.
2. **Negations are taken out** before looking for methods: "no impact evaluation", "no formal
   evaluation", "no independent evaluation cited", "no counterfactual". A note with one of
   them is never above level 2 (the source itself says causality is not shown).
3. **Causal design → 3**: randomised / RCT / "controlled" (trial, comparison, field
   experiment, interrupted time series) / quasi-experimental / regression discontinuity /
   interrupted time series / propensity score / difference in differences / natural
   experiment / field experiment or field trial / comparison or control group / "comparison
   with" another group / a "trial" (the sources call a test against a comparison group a
   trial — the Behavioural Insights Team's "behavioural trial" — and call a first try-out a
   "pilot").
4. **… and more → 4**: a causal design plus independent replication ("replicat…"), a
   systematic review or meta-analysis, several trials ("two randomised controlled trials",
   "series of …", "further RCTs", "six online randomised experiments", plural "field
   experiments") or a follow-up ("long-term record-linkage follow-up", "five-year follow-up").
5. **Data → 2**: data, monitoring, statistics, before-after / before and after, trend data,
   evaluation, survey, analysis, impact assessment, estimates, a study or research (other than
   a case study), or an experiment not said to be randomised, controlled or in the field
   ("experiment", "vignette survey experiment", "home experiments": they show a change, not
   that the innovation caused it).
6. **Otherwise → 1**: case studies only, a pilot, prototyping with user testing, an award
   listing, a programme assessment.

Level 5 (manuals and systems that ensure replication at scale) is never inferred from a note;
a curator sets it, or the record says so in its ``evidence_level`` field, which always wins.
An empty note gives no level at all.

The evaluation type names the strongest method mentioned: systematic review or replication,
randomised, quasi-experimental, before-after (before-after, trend, time series, longitudinal
or panel data), monitoring (other data), qualitative (case studies, user testing,
assessments, reviews, mixed-methods studies without data), or none.
"""

import re
from dataclasses import dataclass

from hub.library.taxonomy import EvaluationType

NOTHING_REPORTED = re.compile(
    r"^\s*none\b|not yet evaluated|\bno results\b|proof of concept"
)
NEGATIONS = re.compile(
    r"\bno\s+(?:formal\s+|independent\s+|impact\s+)*(?:impact\s+)?"
    r"(?:evaluation|counterfactual|assessment)s?(?:\s+cited)?"
)
RANDOMISED = re.compile(r"randomi[sz]|\brcts?\b|field (?:experiment|trial)")
QUASI = re.compile(
    r"\bcontrolled\b|quasi-experiment|regression discontinuity|interrupted time series"
    r"|propensity score|difference[- ]in[- ]differences?|natural[- ]experiment"
    r"|\b(?:comparison|control) (?:group|with)\b|\btrials?\b"
)
STRONGER = re.compile(
    r"replicat|systematic review|meta-analys|follow-up"
    r"|\b(?:two|three|four|five|six|seven|eight|nine|ten|several|multiple|many|\d+)\s+"
    r"(?:[a-z-]+\s+){0,3}(?:trials|experiments|rcts)\b"
    r"|series of [a-z\s-]*(?:trials|experiments)|further (?:rcts|trials|experiments)"
    r"|field experiments"
)
REVIEW = re.compile(r"replicat|systematic review|meta-analys")
BEFORE_AFTER = re.compile(r"before[- ]after|before and after|\btrend|time series|longitudinal"
                          r"|\bpanel\b")
DATA = re.compile(
    r"\bdata\b|monitoring|statistics|before[- ]after|before and after|\btrend|evaluation"
    r"|evaluated|\bsurvey|analys[ie]s|impact assessment|estimates|\bstud(?:y|ies)\b"
    r"|\bresearch\b|experiment"
)
MEASURED = re.compile(r"\bdata\b|monitoring|statistics|\bsurvey|analys[ie]s|estimates|experiment")
CASE_STUDY = re.compile(r"case stud(?:y|ies)")
QUALITATIVE = re.compile(r"case stud|qualitative|user testing|interview|assessment|audit"
                         r"|review|mixed[- ]methods?")


@dataclass(frozen=True)
class EvidenceAssessment:
    """What a note says about the evidence: a Nesta level (or None when the note is empty),
    the kind of evaluation, and which rule decided."""

    level: int | None
    evaluation_type: str
    rule: str


def assess_evidence(note: str | None) -> EvidenceAssessment:
    """The Nesta level and evaluation type a source's evidence note supports (see the rules
    at the top of this module)."""
    text = " ".join((note or "").lower().split())
    if not text:
        return EvidenceAssessment(None, "", "no note")
    if NOTHING_REPORTED.search(text):
        kind = EvaluationType.QUALITATIVE if CASE_STUDY.search(text) else EvaluationType.NONE
        return EvidenceAssessment(1, kind, "nothing reported")

    negated = bool(NEGATIONS.search(text))
    text = NEGATIONS.sub(" ", text)

    randomised, quasi = bool(RANDOMISED.search(text)), bool(QUASI.search(text))
    if (randomised or quasi) and not negated:
        if REVIEW.search(text):
            kind = EvaluationType.SYSTEMATIC_REVIEW
        elif randomised:
            kind = EvaluationType.RANDOMISED
        else:
            kind = EvaluationType.QUASI
        if STRONGER.search(text):
            return EvidenceAssessment(4, kind, "causal design, replicated or followed up")
        return EvidenceAssessment(3, kind, "causal design")

    # Case studies are not data; everything else about studies, surveys and data is.
    without_case_studies = CASE_STUDY.sub(" ", text)
    if randomised or quasi or DATA.search(without_case_studies):
        if BEFORE_AFTER.search(text):
            kind = EvaluationType.BEFORE_AFTER
        elif MEASURED.search(without_case_studies) or not QUALITATIVE.search(text):
            kind = EvaluationType.MONITORING
        else:
            kind = EvaluationType.QUALITATIVE
        return EvidenceAssessment(2, kind, "data, without a counterfactual")

    if QUALITATIVE.search(text):
        return EvidenceAssessment(1, EvaluationType.QUALITATIVE, "description or case study")
    return EvidenceAssessment(1, EvaluationType.NONE, "description only")
