"""Wrong API keys are throttled per address: 429 with Retry-After after the threshold."""

from fulfilment.models import RateLimitCounter
from tests.factories import ApiClient


def test_wrong_keys_from_one_address_get_429_with_retry_after(app, staff_api):
    app.config["API_KEY_FAILURES_PER_ADDRESS"] = "3 per 15 minutes"
    guesser = ApiClient(app.test_client(), "guessed-key")
    for _ in range(3):
        assert guesser.get("/products").status_code == 401
    response = guesser.get("/products")
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
    assert response.get_json()["error_code"] == 28
    # The throttle holds the address, right key or wrong, until the window ends.
    same_address = ApiClient(app.test_client(), staff_api.raw_key)
    assert same_address.get("/products").status_code == 429
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert ApiClient(other, staff_api.raw_key).get("/products").status_code == 200
    RateLimitCounter.update(expires_at=0).execute()
    assert same_address.get("/products").status_code == 200


def test_a_revoked_key_and_an_unknown_key_count_and_answer_alike(app, staff_api):
    from fulfilment.services import accounts

    app.config["API_KEY_FAILURES_PER_ADDRESS"] = "2 per 15 minutes"
    accounts.revoke_api_key(staff_api.key)
    revoked = staff_api.get("/products")
    unknown = ApiClient(app.test_client(), "unknown-key").get("/products")
    assert revoked.status_code == unknown.status_code == 401
    assert revoked.get_json() == unknown.get_json()
    assert staff_api.get("/products").status_code == 429
