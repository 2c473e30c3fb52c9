from django.db import migrations

from hub.accounts.seeds import seed_roles_and_domains


def seed(apps, schema_editor):
    seed_roles_and_domains(
        group_model=apps.get_model("auth", "Group"),
        domain_model=apps.get_model("accounts", "PractitionerDomain"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
