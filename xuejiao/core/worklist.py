"""The work list (待办): what needs the user now, gathered from every app through one registry.

Each app registers a provider in its `AppConfig.ready()`:

    from xuejiao.core import worklist
    worklist.register(review_items, order=10)

A provider takes the user and returns the work items it has for them (none when the user's
roles have nothing to do with the app). Each item is a count and the address of exactly the
records it counts, so the home page, the phone client (`GET /api/v1/worklist`) and any later
dashboard show the same list without knowing the apps. A provider reads through the scope
rule like every other list; it must cost a bounded number of queries, whatever the counts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class WorkItem:
    key: str  # stable, for clients: "review", "returned", "due", …
    title: str  # translated, shown as is
    count: int
    url: str  # the list of exactly the records counted
    urgent: bool = False  # overdue, or waiting on the user for too long: shown first, in red
    note: str = ""  # one short line under the title (the oldest waiting since …)


Provider = Callable[[object], Iterable[WorkItem]]

_providers: list[tuple[int, str, Provider]] = []


def register(provider: Provider, order: int = 100) -> None:
    """Add a provider; items are listed by the providers' order, then as each gives them."""
    name = f"{provider.__module__}.{provider.__qualname__}"
    if any(existing == name for _order, existing, _provider in _providers):
        return  # ready() may run twice in tests; a provider counts once
    _providers.append((order, name, provider))
    _providers.sort(key=lambda entry: (entry[0], entry[1]))


def items_for(user) -> list[WorkItem]:
    """Every provider's items for the user, urgent ones first, in registration order otherwise."""
    items = [item for _order, _name, provider in _providers for item in provider(user)]
    return sorted(items, key=lambda item: not item.urgent)  # stable: keeps the order within each
