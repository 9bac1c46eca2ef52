"""The migration adding the roster key's constraint copes with the people a concurrent import
wrote twice: exact copies nothing refers to go; any other pair stops it with the list."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)


def roster_key_migration(executor) -> tuple[tuple[str, str], tuple[str, str]]:
    """(the migration adding the constraint, the orgs migration before it), found by name."""
    names = [name for app, name in executor.loader.disk_migrations if app == "orgs"]
    target = next(name for name in names if name.endswith("person_roster_key_unique"))
    migration = executor.loader.disk_migrations[("orgs", target)]
    before = next(dep for dep in migration.dependencies if dep[0] == "orgs")
    return ("orgs", target), before


@pytest.fixture
def before_the_constraint():
    executor = MigrationExecutor(connection)
    target, before = roster_key_migration(executor)
    executor.migrate([before])
    apps = executor.loader.project_state([before]).apps
    yield apps, target
    apps.get_model("orgs", "Person").objects.all().delete()  # what a failed migration left
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def add_people(apps, rows):
    Organization = apps.get_model("orgs", "Organization")
    Person = apps.get_model("orgs", "Person")
    org = Organization.objects.create(path="0001", depth=1, numchild=0, code="ZZ", name="中共郑州市委")
    return [Person.objects.create(organization=org, org_path=org.path, **fields) for fields in rows]


def migrate_to(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


def test_exact_copies_are_removed_and_the_first_kept(before_the_constraint):
    apps, target = before_the_constraint
    people = add_people(
        apps,
        [
            {"name": "周杰", "phone": "13811112222", "position": "党员"},
            {"name": "周杰", "phone": "13811112222", "position": "党员"},
            {"name": "周杰", "phone": "13811112222", "position": "党员"},
            {"name": "吴敏", "phone": "", "position": ""},
        ],
    )
    migrate_to(target)
    from xuejiao.orgs.models import Person

    assert sorted(Person.objects.values_list("pk", flat=True)) == [people[0].pk, people[3].pk]


def test_people_sharing_a_key_but_differing_stop_the_migration_with_their_list(before_the_constraint):
    apps, target = before_the_constraint
    add_people(
        apps,
        [
            {"name": "周杰", "phone": "13811112222", "position": "党员"},
            {"name": "周杰", "phone": "13811112222", "position": "书记"},
        ],
    )
    with pytest.raises(RuntimeError, match=r"ZZ  周杰  138\*\*\*\*2222"):
        migrate_to(target)
    Person = apps.get_model("orgs", "Person")
    assert Person.objects.count() == 2  # nothing removed
