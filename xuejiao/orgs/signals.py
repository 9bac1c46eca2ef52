"""Signals other apps listen to, so the tree need not know who depends on it.

Sent inside the transaction of the change, so that listeners keep their own derived data
(completion figures, for one) consistent with the tree in the same commit.
"""

from django.dispatch import Signal

# organization: the organisation created, changed, archived or restored.
organization_changed = Signal()
# organizations: many organisations created at once (orgs.services.create_organizations),
# for listeners to bring their derived data up to date once for all of them.
organizations_added = Signal()
# organization: the top of a subtree that moved, was archived or was restored;
# old_path: where that subtree was before (the same path when it did not move).
subtree_changed = Signal()
