"""The roster's key, organisation + name + phone, becomes a database constraint.

Two imports of one people file confirmed at the same moment could write every person twice
(exact copies). Before the constraint is added those copies go: a later person equal to an
earlier one of the same organisation, name and phone in every field, and referred to by no
record (attendance, reflections, make-up study), is deleted. Any other pair with the same key
(edited since, or already used by records) stops the migration with the list, to be put
right on the roster page (a phone number tells namesakes apart) before migrating again.
"""

from django.db import migrations, models
from django.db.models import Count

SAME_FIELDS = ("gender", "is_party_member", "position", "sort_order")
BATCH = 500
SHOWN = 20


def masked(phone: str) -> str:
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:] if len(phone) >= 7 else "*" * len(phone)


def remove_exact_copies(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # Foreign keys are checked at once, so no check is left pending when the table is
        # altered in the same transaction (PostgreSQL refuses that).
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    Person = apps.get_model("orgs", "Person")
    Organization = apps.get_model("orgs", "Organization")
    keys = (
        Person.objects.values("organization_id", "name", "phone")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("organization_id", "name", "phone")
        .order_by()
    )
    copies, clashes = [], []
    for org_id, name, phone in keys:
        people = list(
            Person.objects.filter(organization_id=org_id, name=name, phone=phone)
            .order_by("id")
            .values("id", *SAME_FIELDS)
        )
        first = people[0]
        for other in people[1:]:
            if all(other[field] == first[field] for field in SAME_FIELDS):
                copies.append(other["id"])
            else:
                clashes.append((org_id, name, phone))
                break
    used = set()
    for relation in Person._meta.related_objects:
        for start in range(0, len(copies), BATCH):
            batch = copies[start : start + BATCH]
            referring = relation.related_model.objects.filter(**{f"{relation.field.name}__in": batch})
            used.update(referring.values_list(relation.field.name, flat=True))
    removable = [pk for pk in copies if pk not in used]
    for start in range(0, len(removable), BATCH):
        Person.objects.filter(pk__in=removable[start : start + BATCH]).delete()
    clashes += list(
        Person.objects.filter(pk__in=sorted(used)).values_list("organization_id", "name", "phone").distinct()
    )
    if removable:
        print(
            f"\n  Removed {len(removable)} exact copies of people (same organisation, name, phone and fields)."
        )
    if clashes:
        codes = dict(Organization.objects.filter(pk__in={c[0] for c in clashes}).values_list("pk", "code"))
        shown = "\n".join(
            f"    {codes.get(org_id, org_id)}  {name}  {masked(phone)}"
            for org_id, name, phone in sorted(set(clashes), key=lambda c: (str(codes.get(c[0])), c[1]))[
                :SHOWN
            ]
        )
        raise RuntimeError(
            f"{len(set(clashes))} groups of people share organisation, name and phone and cannot be "
            "merged automatically (they differ, or records refer to them). Give each a distinct phone "
            "number, or delete the extra entry, on the roster page; then migrate again. "
            f"The first of them (organisation code, name, phone):\n{shown}"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0002_organization_established_on"),
    ]

    operations = [
        migrations.RunPython(remove_exact_copies, migrations.RunPython.noop, elidable=False),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.UniqueConstraint(
                fields=("organization", "name", "phone"), name="person_roster_key"
            ),
        ),
    ]
