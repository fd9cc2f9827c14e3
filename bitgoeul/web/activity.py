"""What each audit action means, as a sentence for the operators' "recent activity" on the
home page (the audit trail's own page words its events itself)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_SENTENCES: dict[str, Promise] = {
    "api_token.create": _("Created an API token"),
    "api_token.revoke": _("Revoked an API token"),
    "company.certification_add": _("Added a certification to a company"),
    "company.certification_delete": _("Removed a certification from a company"),
    "company.chapter_consent": _("Changed a company's consent to share with its chapter"),
    "company.create_profile": _("Created a company's record"),
    "company.import": _("Imported companies from a file"),
    "company.import_discard": _("Discarded the rows of an unfinished import"),
    "company.investment_add": _("Added an investment to a company"),
    "company.investment_delete": _("Removed an investment from a company"),
    "company.metric_delete": _("Removed a company's yearly figures"),
    "company.metric_set": _("Entered a company's yearly figures"),
    "company.prospect_merge": _("Merged a prospect into a registered company"),
    "company.reviewed": _("Marked a company as reviewed"),
    "company.set_public": _("Changed whether a company's profile is public"),
    "company.update": _("Updated a company's profile"),
    "company_import.upload": _("Uploaded a file to import"),
    "consent.set": _("Recorded a consent choice"),
    "demo.load": _("Loaded the demonstration data"),
    "invitation.accept": _("Accepted an invitation"),
    "invitation.approve": _("Approved an invitation"),
    "invitation.create": _("Invited someone to an organisation"),
    "invitation.decline": _("Declined an invitation"),
    "invitation.revoke": _("Withdrew an invitation"),
    "job.start": _("Started a background task"),
    "membership.remove": _("Removed a member from an organisation"),
    "membership.set_role": _("Changed a member's role"),
    "nomination.create": _("Nominated a company"),
    "nomination.set_state": _("Decided on or withdrew a nomination"),
    "notification_preferences.set": _("Changed notification settings"),
    "organization.create": _("Created an organisation"),
    "organization.create_many": _("Created organisations"),
    "organization.update": _("Updated an organisation"),
    "organization.update_many": _("Updated organisations"),
    "score.recompute": _("Recomputed the potential scores"),
    "score.weights_create": _("Saved new score weights"),
    "technology.save": _("Saved an AI technology"),
    "user.create_admin": _("Created an administrator account"),
    "user.delete": _("Deleted an account"),
    "user.password_change": _("Changed a password"),
    "user.password_reset": _("Reset a password"),
    "user.session_end": _("Signed out a session"),
    "user.sessions_end": _("Signed out every session"),
    "user.sign_up": _("Signed up"),
    "user.update": _("Updated an account"),
    "watchlist.add": _("Added a company to the watchlist"),
    "watchlist.note": _("Wrote a note on the watchlist"),
    "watchlist.remove": _("Removed a company from the watchlist"),
}


def action_sentence(action: str) -> str:
    """The sentence for an audit action; a plain one for an action not in the map."""
    return str(ACTION_SENTENCES.get(action, _("Changed data")))
