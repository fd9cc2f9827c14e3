"""The consent texts shown at sign-up (PIPA art. 15 and 22). Each change gets a new version;
what a user agreed to is copied into their ConsentRecord as it was shown."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

CONSENT_VERSION = "2026-11"


@dataclass(frozen=True)
class ConsentText:
    document: str
    required: bool
    title: Promise
    items: tuple[Promise, ...]
    purpose: Promise
    retention: Promise
    refusal_notice: Promise


SIGNUP_CONSENTS = (
    ConsentText(
        document="signup.required",
        required=True,
        title=_("Collection and use of personal data (required)"),
        items=(_("name"), _("e-mail address"), _("password (stored hashed)"), _("organisation")),
        purpose=_(
            "To identify you, run your account, and let your organisation apply for support, "
            "GPU-hours and equipment through Bitgoeul."
        ),
        retention=_(
            "Until you delete your account; records that public-money rules require us to keep "
            "(applications, decisions, audit trail) are kept for 5 years with your name removed."
        ),
        refusal_notice=_(
            "You may refuse. Without this consent we cannot create an account for you."
        ),
    ),
    ConsentText(
        document="signup.newsletter",
        required=False,
        title=_("News about calls and events by e-mail (optional)"),
        items=(_("name"), _("e-mail address")),
        purpose=_("To send you news about new calls, events and programmes of the cluster."),
        retention=_("Until you withdraw this consent or delete your account."),
        refusal_notice=_("You may refuse. Refusing changes nothing else in your account."),
    ),
)
