from django.db import migrations

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


def seed(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    PractitionerDomain = apps.get_model("accounts", "PractitionerDomain")
    for role in ROLES:
        Group.objects.get_or_create(name=role)
    for domain, note in DOMAINS:
        PractitionerDomain.objects.get_or_create(domain=domain, defaults={"note": note})


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
