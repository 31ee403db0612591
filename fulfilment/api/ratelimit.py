"""The rate limit: requests per API key per minute, counted in the database.

The counter lives in the ApiRequestCount table (one row per key and minute, updated with an
atomic upsert), so every web worker on every server shares it. Each request also refreshes the
key's last_used_at, at most once a minute.
"""

import time
from datetime import timedelta

from flask import current_app, g

from fulfilment.api.errors import RATE_LIMITED, ApiError
from fulfilment.db import write_transaction
from fulfilment.models import ApiKey, ApiRequestCount, utcnow


def count_request(key):
    """Count this request against the key's minute; 429 (error 28) once the limit is passed."""
    limit = current_app.config["API_RATE_LIMIT_PER_MINUTE"]
    now = time.time()
    minute = int(now // 60)
    with write_transaction():
        (ApiRequestCount.insert(api_key=key, minute=minute, requests=1)
         .on_conflict(conflict_target=[ApiRequestCount.api_key, ApiRequestCount.minute],
                      update={ApiRequestCount.requests: ApiRequestCount.requests + 1})
         .execute())
        requests = (ApiRequestCount.select(ApiRequestCount.requests)
                    .where((ApiRequestCount.api_key == key) & (ApiRequestCount.minute == minute)).scalar())
        if requests == 1:
            ApiRequestCount.delete().where((ApiRequestCount.api_key == key)
                                           & (ApiRequestCount.minute < minute)).execute()
        if key.last_used_at is None or key.last_used_at < utcnow() - timedelta(minutes=1):
            ApiKey.update(last_used_at=utcnow()).where(ApiKey.id == key.id).execute()
    g.rate_limit = (limit, max(0, limit - requests))
    if requests > limit:
        retry_after = 60 - int(now % 60)
        raise ApiError(429, RATE_LIMITED, f"Rate limit reached: {limit} requests per minute. Try again in "
                                          f"{retry_after} seconds.", {"Retry-After": str(retry_after)})


def add_headers(response):
    """X-RateLimit-Limit and X-RateLimit-Remaining on every answer to a known key."""
    if "rate_limit" in g:
        limit, remaining = g.rate_limit
        response.headers["X-RateLimit-Limit"] = str(limit)
        response.headers["X-RateLimit-Remaining"] = str(remaining)
    return response
