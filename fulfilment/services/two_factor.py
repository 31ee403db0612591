"""Two-factor login for staff: TOTP codes from an authenticator app, and one-time recovery codes.

The secret is stored encrypted (with the webshop credentials' Fernet key), recovery codes only as
SHA-256 hashes. A TOTP code is accepted once: the time step it belongs to is remembered and
codes of that step or earlier are refused afterwards. Using a recovery code removes it.
Admins may require two-factor login of every staff user (a SecuritySetting).
"""

import hashlib
import hmac
import secrets
import time

import pyotp
import segno

from fulfilment.db import write_transaction
from fulfilment.i18n import _, _l
from fulfilment.models import SecuritySetting, StaffUser, utcnow
from fulfilment.services import login_sessions
from fulfilment.services.errors import DomainError, ValidationFailed
from fulfilment.services.webshop_credentials import decrypt_credentials, encrypt_credentials

ISSUER = "Fulfilment back office"
RECOVERY_CODE_COUNT = 10
# Codes of the previous and the next 30-second step are accepted too (clocks drift).
VALID_WINDOW = 1
REQUIRED_SETTING = "staff_two_factor_required"


class WrongCode(ValidationFailed):
    default_message = _l("That code is not right. Enter the 6-digit code your authenticator app shows now.")


class AdminsOnly(DomainError):
    http_status = 403
    default_message = _l("Only an admin may change this.")


def new_secret():
    return pyotp.random_base32()


def provisioning_uri(user, secret):
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def qr_code_svg(text):
    """The QR code of text as an inline <svg> element (drawn here, no outside service, no script)."""
    return segno.make(text, error="m").svg_inline(scale=5, dark="#000", light="#fff")


def _hash_code(code):
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def _normalise_recovery_code(code):
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def _new_recovery_codes():
    """Ten codes like 3f9a2-c41b7 (40 random bits each); only their hashes are stored."""
    codes = []
    for _number in range(RECOVERY_CODE_COUNT):
        raw = secrets.token_hex(5)
        codes.append(f"{raw[:5]}-{raw[5:]}")
    hashes = " ".join(_hash_code(_normalise_recovery_code(code)) for code in codes)
    return codes, hashes


def _matching_step(secret, code, now=None):
    """The time step whose code equals code (within the valid window), or None."""
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now = time.time() if now is None else now
    current = totp.timecode(now)
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        if hmac.compare_digest(totp.at(now, counter_offset=offset), code):
            return current + offset
    return None


def enable(user, secret, code):
    """Turn two-factor on with secret once code proves the app has it; return the recovery codes (show once)."""
    step = _matching_step(secret, code)
    if step is None:
        raise WrongCode(_("That code does not match. Scan the QR code again and enter the 6-digit code the app "
                          "shows now."))
    codes, hashes = _new_recovery_codes()
    with write_transaction():
        StaffUser.update(totp_secret_encrypted=encrypt_credentials({"totp": secret}), totp_enabled_at=utcnow(),
                         totp_last_step=step, recovery_code_hashes=hashes).where(StaffUser.id == user.id).execute()
    user.totp_enabled_at = utcnow()
    return codes


def disable(user, keep_token=None):
    """Turn two-factor off (an admin's reset for a lost phone, or the user's own choice). Ends other sessions."""
    with write_transaction():
        StaffUser.update(totp_secret_encrypted="", totp_enabled_at=None, totp_last_step=0,
                         recovery_code_hashes="").where(StaffUser.id == user.id).execute()
        login_sessions.end_sessions(user, keep_token=keep_token)
    user.totp_enabled_at = None


def replace_recovery_codes(user):
    """New recovery codes for user; the old ones stop working. Returns the new ones (show once)."""
    if not user.two_factor_enabled:
        raise ValidationFailed(_("Two-factor login is not set up."))
    codes, hashes = _new_recovery_codes()
    with write_transaction():
        StaffUser.update(recovery_code_hashes=hashes).where(StaffUser.id == user.id).execute()
    return codes


def unused_recovery_codes(user):
    return len((user.recovery_code_hashes or "").split())


def verify(user, code):
    """True when code is the user's current TOTP code (not used before) or an unused recovery code.

    Either is spent by a conditional UPDATE, so two requests racing with the same code cannot
    both pass.
    """
    user = StaffUser.get_by_id(user.id)  # the latest step and codes, not a stale copy
    if not user.two_factor_enabled:
        return False
    secret = decrypt_credentials(user.totp_secret_encrypted)["totp"]
    step = _matching_step(secret, code)
    if step is not None:
        with write_transaction():
            return bool(StaffUser.update(totp_last_step=step)
                        .where((StaffUser.id == user.id) & (StaffUser.totp_last_step < step)).execute())
    wanted = _hash_code(_normalise_recovery_code(code))
    hashes = (user.recovery_code_hashes or "").split()
    if not any(hmac.compare_digest(wanted, stored) for stored in hashes):
        return False
    remaining = " ".join(stored for stored in hashes if stored != wanted)
    with write_transaction():
        return bool(StaffUser.update(recovery_code_hashes=remaining)
                    .where((StaffUser.id == user.id)
                           & (StaffUser.recovery_code_hashes == user.recovery_code_hashes)).execute())


def required_for_all_staff():
    """Whether an admin requires two-factor login of every staff user."""
    return SecuritySetting.select(SecuritySetting.value).where(SecuritySetting.name == REQUIRED_SETTING) \
        .scalar() == "1"


def set_required_for_all_staff(required, actor):
    """An admin requires (or stops requiring) two-factor login of all staff."""
    if not (isinstance(actor, StaffUser) and actor.is_admin):
        raise AdminsOnly()
    with write_transaction():
        (SecuritySetting.insert(name=REQUIRED_SETTING, value="1" if required else "0")
         .on_conflict(conflict_target=[SecuritySetting.name], update={SecuritySetting.value: "1" if required else "0"})
         .execute())
