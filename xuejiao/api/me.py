from ninja import Router, Schema

from xuejiao.core.roles import Role

from .errors import answers

router = Router(tags=["me"])


class RoleOut(Schema):
    role: str
    role_label: str
    organization_id: int
    organization_name: str
    include_subtree: bool


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    organization_id: int | None
    roles: list[RoleOut]


@router.get("/me", response=answers(MeOut), summary="The calling user and their roles")
def me(request):
    user = request.auth
    assignments = user.role_assignments.select_related("organization").order_by("id")
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "organization_id": user.home_organization_id,
        "roles": [
            {
                "role": a.role,
                "role_label": str(Role(a.role).label),
                "organization_id": a.organization_id,
                "organization_name": a.organization.name,
                "include_subtree": a.include_subtree,
            }
            for a in assignments
        ],
    }
