from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from xuejiao.orgs.models import Organization, Person
from xuejiao.orgs.queries import mark_expandable, scope_roots
from xuejiao.orgs.scope import scope_for


@login_required
def home(request):
    scope = scope_for(request.user)
    # The top organisations of the user's scope, with how much lies below each.
    roots = mark_expandable(request.user, scope_roots(request.user))
    context = {
        "roots": roots,
        "org_count": scope.filter(Organization.objects.filter(is_archived=False)).count(),
        "person_count": scope.filter(Person.objects.all()).count(),
    }
    return render(request, "home/home.html", context)
