"""The roles and practitioner domains every hub starts with. Used by the data migration (with
historical models) and by tests that empty the database between runs (with real models)."""

ROLES = ["practitioner", "reviewer", "sponsor", "curator", "admin"]
DOMAINS = [
    ("gov.uk", "UK government"),
    ("nhs.net", "NHS mail"),
    ("nhs.uk", "NHS organisations"),
    ("police.uk", "Police forces"),
    ("mod.gov.uk", "Ministry of Defence"),
    ("parliament.uk", "Parliament"),
    ("gov.scot", "Scottish Government"),
    ("gov.wales", "Welsh Government"),
    ("*.sch.uk", "Schools (subdomains only)"),
]


def seed_roles_and_domains(*, group_model, domain_model) -> None:
    for role in ROLES:
        group_model.objects.get_or_create(name=role)
    for domain, note in DOMAINS:
        domain_model.objects.get_or_create(domain=domain, defaults={"note": note})
