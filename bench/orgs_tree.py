"""Organisation tree at city scale: tree page, one node expand, scoped organisation API.

    python bench/orgs_tree.py                  # SQLite under var/ (or DATABASE_URL)
    DATABASE_URL=postgres://... python bench/orgs_tree.py

Seeds 30,000 organisations with seed_scale first when the SCALE tree is missing
(--people sets how many people it adds; default 700,000 as the city target).
"""

import argparse

from common import database_label, office_persona, report, scale_root, setup_django, timed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=int, default=30_000)
    parser.add_argument("--people", type=int, default=700_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    setup_django()
    from django.test import Client

    from xuejiao.orgs.models import Category, Organization, Person

    root = scale_root(args.orgs, args.people)

    scale_orgs = Organization.objects.filter(path__startswith=root.path).count()
    district = (
        Organization.objects.filter(path__startswith=root.path, category=Category.DISTRICT)
        .order_by("path")
        .first()
    )
    street = (
        Organization.objects.filter(path__startswith=district.path, depth=district.depth + 1)
        .order_by("path")
        .first()
    )

    city_admin = office_persona("bench_city_admin", root)
    district_admin = office_persona("bench_district_admin", district)

    print(f"database: {database_label()}")
    print(
        f"organisations in the SCALE tree: {scale_orgs:,}; people: "
        f"{Person.objects.filter(org_path__startswith=root.path).count():,}; "
        f"children of the city root: {root.numchild}; of one district: {district.numchild}"
    )
    print()

    results = []
    for label, user in (("city admin", city_admin), ("district admin", district_admin)):
        client = Client()
        client.force_login(user)
        baseline = timed(lambda c=client: c.get("/healthz"), args.repeat)
        if not results:
            report("baseline: /healthz (hello world)", baseline)
        top = root if user is city_admin else district

        def get(url, c=client):
            response = c.get(url)
            assert response.status_code == 200, (url, response.status_code)

        cases = [
            (f"{label}: tree page", "/orgs/", 50),
            (f"{label}: expand one node ({top.numchild} children)", f"/orgs/{top.pk}/children/", 50),
            (f"{label}: expand a street", f"/orgs/{street.pk}/children/", 50),
            (f"{label}: API /orgs (first 50 in scope)", "/api/v1/orgs?limit=50", 30),
            (f"{label}: API /orgs?parent=district", f"/api/v1/orgs?parent={district.pk}", 30),
            (f"{label}: API /orgs?q=街道 (search)", "/api/v1/orgs?q=%E8%A1%97%E9%81%93&limit=20", 30),
            (f"{label}: API /orgs/{{id}}", f"/api/v1/orgs/{street.pk}", 30),
            (f"{label}: search page (pinyin initials)", "/orgs/search/?q=jd", 50),
            (f"{label}: people roster page", "/orgs/people/", 50),
        ]
        for case_label, url, budget in cases:
            figures = timed(lambda u=url: get(u), args.repeat)
            report(case_label, figures, baseline, budget)
            results.append((case_label, figures, budget))
        print()

    over = [label for label, figures, budget in results if figures["median"] > budget]
    print(
        f"{len(results) - len(over)} of {len(results)} cases within budget"
        + (f"; over: {over}" if over else "")
    )


if __name__ == "__main__":
    main()
