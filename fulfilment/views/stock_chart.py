"""The stock level of a product over time, drawn on the server as an SVG step line."""

from datetime import timedelta

from fulfilment.models import StockMutation, utcnow

# The chart shows at most this many of the latest ledger lines, so a busy product stays cheap.
CHART_MUTATIONS = 500
WIDTH, HEIGHT = 960, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 28


class StockChart:
    """Coordinates for the template: a step path, the y-axis ticks and the dates at both ends."""

    def __init__(self, path, ticks, start, end, truncated):
        self.path = path
        self.ticks = ticks
        self.start = start
        self.end = end
        self.truncated = truncated
        self.width, self.height = WIDTH, HEIGHT
        self.left, self.right = LEFT, WIDTH - RIGHT
        self.top, self.bottom = TOP, HEIGHT - BOTTOM


def stock_levels_over_time(client, product, current_stock):
    """Return (level before the first change, [(time, level after the change)]) oldest first.

    Walks back from today's stock through the latest ledger lines, so it needs one bounded query
    and agrees with the ledger even when older lines are left out.
    """
    rows = (
        StockMutation.for_client(client)
        .select(StockMutation.created_at, StockMutation.change)
        .where(StockMutation.product == product)
        .order_by(StockMutation.created_at.desc(), StockMutation.id.desc())
        .limit(CHART_MUTATIONS + 1)
        .tuples()
    )
    rows = list(rows)
    truncated = len(rows) > CHART_MUTATIONS
    level = current_stock
    points = []
    for created_at, change in rows[:CHART_MUTATIONS]:
        points.append((created_at, level))
        level -= change
    points.reverse()
    return level, points, truncated


def _nice_ceiling(value):
    """The smallest of 1, 2, 2.5, 5 × 10^n that is at least value (a readable top for the axis)."""
    if value <= 1:
        return 1
    magnitude = 1
    while magnitude * 10 < value:
        magnitude *= 10
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            # 2.5 × 1 is never chosen (2 already covers a whole number up to 2), so this stays whole.
            return int(step * magnitude)
    return magnitude * 10


def stock_chart(client, product, current_stock, now=None):
    """Build the chart of product's stock level, or None when its ledger is empty."""
    start_level, points, truncated = stock_levels_over_time(client, product, current_stock)
    if not points:
        return None
    now = now or utcnow()
    start_time = points[0][0]
    end_time = max(now, points[-1][0])
    span = (end_time - start_time) or timedelta(seconds=1)
    top_value = _nice_ceiling(max([start_level, *(level for _, level in points)]))
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM

    def x(moment):
        return round(LEFT + plot_width * ((moment - start_time) / span), 1)

    def y(level):
        return round(TOP + plot_height * (1 - max(level, 0) / top_value), 1)

    steps = [f"M{x(start_time)} {y(start_level)}"]
    for moment, level in points:
        steps.append(f"H{x(moment)} V{y(level)}")
    steps.append(f"H{x(end_time)}")
    ticks = [(y(value), value) for value in _ticks(top_value)]
    return StockChart(" ".join(steps), ticks, start_time, end_time, truncated)


def _ticks(top_value):
    """0, the middle (when it is a whole number) and the top of the axis."""
    if top_value % 2 == 0:
        return [0, top_value // 2, top_value]
    return [0, top_value]
