"""Running service calls at the same moment, each in its own thread and database connection."""

import threading

from fulfilment.db import database
from fulfilment.services.errors import DomainError


def run_together(*calls):
    """Run each call in its own thread and connection, released together; return (outcome, value) per call.

    outcome is "ok" (value: the result), "refused" (value: the DomainError) or "error" (value: any
    other exception, which the caller's assertion then shows).
    """
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(position, call):
        database.connect(reuse_if_open=True)
        try:
            barrier.wait(timeout=30)
            outcomes[position] = ("ok", call())
        except DomainError as error:
            outcomes[position] = ("refused", error)
        except Exception as error:  # reported by the test, not swallowed
            outcomes[position] = ("error", error)
        finally:
            database.close()

    threads = [threading.Thread(target=run, args=(position, call)) for position, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread is still waiting after 60 s"
    errors = [value for outcome, value in outcomes if outcome == "error"]
    assert errors == [], f"only domain errors may end a racing call: {errors!r}"
    return outcomes
