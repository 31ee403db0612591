"""Indexes of the ledger and picklist lists that sorted or counted every row (issue 14).

- stock_mutation (client, created_at): the portal's stock history of all a client's products,
  newest first, sorted every ledger line of the client to show 25 (4.1 s for a client with
  400,000 lines; 27 ms with it);
- stock_mutation (created_at): the back office's ledger of every client by date (1.5 s for a deep
  page of 2,000,000 lines; 129 ms);
- picklist (status, order): the back office dashboard's open picklists and orders to pick, over
  every client (the dashboard 262 ms -> 86 ms).
"""

from fulfilment.models import Picklist, StockMutation


def upgrade(database):
    for model in (StockMutation, Picklist):
        model._schema.create_indexes(safe=True)
