"""The index of the portal's stock history page: a client's ledger newest first.

Without (client, created_at) the page sorted every ledger line of the client to show 25 (4 s for a
client with 400,000 lines); with it, it reads the newest 25 (27 ms).
"""

from fulfilment.models import StockMutation


def upgrade(database):
    StockMutation._schema.create_indexes(safe=True)
