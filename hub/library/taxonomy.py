"""The library's reference lists (DESIGN §3), in the words users see."""

from django.db import models


class ChallengeArea(models.TextChoices):
    HEALTH = "health-and-social-care", "Health and social care"
    CLIMATE = "climate-and-environment", "Climate and environment"
    EDUCATION = "education-and-skills", "Education and skills"
    JUSTICE = "justice-and-policing", "Justice and policing"
    WELFARE = "welfare-and-employment", "Welfare and employment"
    HOUSING = "housing-and-local-services", "Housing and local services"
    TRANSPORT = "transport", "Transport"
    DIGITAL = "digital-government", "Digital government"
    TAX = "tax-and-revenue", "Tax and revenue"
    DEMOCRACY = "democracy-and-participation", "Democracy and participation"
    OTHER = "other", "Other"

    @classmethod
    def from_text(cls, text: str) -> "ChallengeArea | None":
        """'health and social care', 'Health and social care' or 'health-and-social-care'."""
        wanted = (text or "").strip().lower().replace("-", " ")
        for area in cls:
            if wanted in (area.label.lower(), area.value.replace("-", " ")):
                return area
        return None


class EntryKind(models.TextChoices):
    CASE_STUDY = "case-study", "Case study"
    METHOD = "method", "Method or tool"
    INTERNATIONAL = "international", "International intervention"


class OriginSector(models.TextChoices):
    PUBLIC = "public", "Public sector"
    PRIVATE = "private", "Private sector"
    THIRD = "third", "Third sector"
    PARTNERSHIP = "partnership", "Partnership"

    @classmethod
    def from_text(cls, text: str) -> "OriginSector | None":
        wanted = (text or "").strip().lower()
        aliases = {"third sector": "third", "charity": "third", "voluntary": "third",
                   "public sector": "public", "private sector": "private",
                   "business": "private", "mixed": "partnership"}
        wanted = aliases.get(wanted, wanted)
        return cls(wanted) if wanted in cls.values else None


class EvidenceLevel(models.IntegerChoices):
    """Nesta Standards of Evidence."""

    DESCRIBED = 1, "Level 1: describes what it does and why it matters"
    CHANGE = 2, "Level 2: data shows change"
    CAUSAL = 3, "Level 3: causality shown with a control or comparison group"
    REPLICATED = 4, "Level 4: independent replication, explains why and how"
    SCALED = 5, "Level 5: manuals and systems ensure consistent replication at scale"


EVIDENCE_EXPLAINED = {
    1: "The people behind it have described what it does and why it should matter, but no "
    "data yet shows that it changed anything.",
    2: "Data collected before and after shows that things changed, but not that this "
    "innovation caused the change: something else might have.",
    3: "A comparison with a control group (for example a randomised trial) shows that the "
    "innovation itself caused at least some of the change.",
    4: "The result has been repeated independently elsewhere, and we understand why and how "
    "it works.",
    5: "It has been written down and systematised so that others reproduce the result "
    "consistently, at scale.",
}


class EvaluationType(models.TextChoices):
    NONE = "none", "No evaluation reported"
    RANDOMISED = "randomised", "Randomised trial"
    QUASI = "quasi-experimental", "Quasi-experimental (comparison group)"
    BEFORE_AFTER = "before-after", "Before and after comparison"
    MONITORING = "monitoring", "Monitoring or programme data"
    QUALITATIVE = "qualitative", "Qualitative or case study"
    SYSTEMATIC_REVIEW = "review", "Systematic review or replication"
