"""What the modules whose records count towards required actions tell completion.

The ledger (and later lectures and the other modules) sends `records_changed` inside the
transaction that changed its records, once per campaign touched:

    records_changed.send(sender=Activity, campaign=campaign, organizations=[...])

`campaign` may be None (records outside any campaign count for nothing). Completion
listens (campaigns.receivers) and recomputes those organisations' cells in the same
transaction, so the figures never disagree with the records.
"""

from django.dispatch import Signal

records_changed = Signal()
