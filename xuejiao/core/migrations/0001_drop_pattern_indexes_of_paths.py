"""Drop the varchar_pattern_ops twins of the path indexes on PostgreSQL.

Django adds such a twin to every varchar column declared db_index=True or unique=True, so
that LIKE 'prefix%' can use an index under a language-aware collation. A path column uses
the "C" collation (orgs.fields.PathField): its ordinary index serves prefix searches and the
scope filter's range already, and the twin only costs a write per row. The path columns now
declare their indexes in Meta.indexes and Meta.constraints, which add no twin; this drops
the twins that the initial migrations created with db_index=True and unique=True. The names
are the ones Django gave them; a twin that is not there is skipped.
"""

from django.db import migrations

TWINS = [
    "orgs_organization_path_907116d1_like",
    "orgs_person_org_path_7d4cac52_like",
    "accounts_user_home_org_path_1506d31c_like",
    "accounts_auditentry_org_path_27301c12_like",
    "campaigns_campaign_root_path_491494a7_like",
    "campaigns_completion_org_path_5d7f71ac_like",
    "campaigns_actiondocument_org_path_7fbf99e4_like",
    "ledger_activity_org_path_78e87294_like",
    "ledger_material_org_path_fb39ee81_like",
    "ledger_materialassignment_org_path_823c4887_like",
    "ledger_reflection_org_path_d311972e_like",
    "ledger_makeuptask_org_path_4bfc7976_like",
    "sheets_importjob_org_path_506a0812_like",
]


def drop_twins(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TWINS:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0002_organization_established_on"),
        ("accounts", "0001_initial"),
        ("campaigns", "0002_document_private_storage"),
        ("ledger", "0007_activity_highlights_index"),
        ("sheets", "0002_import_job_parsed_digest"),
    ]

    operations = [migrations.RunPython(drop_twins, migrations.RunPython.noop)]
