"""Role assignments as a source of scope grants."""

from xuejiao.orgs.scope import Grant


def role_assignment_grants(user, roles):
    for role, path, subtree in user.assignments():
        if roles is None or role in roles:
            yield Grant(path=path, subtree=subtree)
