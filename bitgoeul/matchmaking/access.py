"""Who may see and do what in matchmaking. Pages, the API, exports and notifications all ask
these; access functions only read.

Needs (`need_view_level`):
- PRIVATE: members of the requesting company; operator staff; staff of the chapter the
  requesting company belongs to (they follow the pipeline): the need with every invitation,
  answer, meeting and outcome;
- RECORD: members of a supplier invited to it (not withdrawn): the need as the requester wrote
  it (description, budget, data, timing) and their own invitation, meetings and outcome — never
  the other suppliers;
- NONE otherwise (404). Needs are not public: a regional firm's plans are its own.

Ranking shows suppliers only at the level the viewer has on each company (the companies app's
rule): the requester sees public profiles, and the ranking uses only public facts.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from bitgoeul.accounts.access import is_operator_staff, membership_rows, staff_chapter_ids
from bitgoeul.accounts.enums import OrganizationKind
from bitgoeul.accounts.types import Viewer
from bitgoeul.core.visibility import FieldPolicy, ViewLevel
from bitgoeul.matchmaking.enums import InvitationState
from bitgoeul.matchmaking.models import Invitation, Need

NEED_FIELDS = FieldPolicy(
    "AI need",
    {
        "company": ViewLevel.RECORD,
        "title": ViewLevel.RECORD,
        "description": ViewLevel.RECORD,
        "sector": ViewLevel.RECORD,
        "budget_min_krw": ViewLevel.RECORD,
        "budget_max_krw": ViewLevel.RECORD,
        "data_available": ViewLevel.RECORD,
        "timing": ViewLevel.RECORD,
        "starts_by": ViewLevel.RECORD,
        "preferred_province": ViewLevel.RECORD,
        "state": ViewLevel.RECORD,
        "opened_at": ViewLevel.RECORD,
        "ranking": ViewLevel.PRIVATE,  # the recommended suppliers
        "invitations": ViewLevel.PRIVATE,  # every supplier invited, their answers and outcomes
        "created_by": ViewLevel.PRIVATE,
        "created_at": ViewLevel.PRIVATE,
    },
)


def company_org_ids(user: Viewer) -> set[int]:
    """Company organisations the user is a member of (any role)."""
    return {
        org_id for org_id, kind, _, _ in membership_rows(user) if kind == OrganizationKind.COMPANY
    }


LIVE_INVITATION_STATES = (
    InvitationState.INVITED,
    InvitationState.ACCEPTED,
    InvitationState.DECLINED,
)


def needs_at_least(user: Viewer, level: ViewLevel) -> Q:
    """The same rule as `need_view_level`, as a filter on Need."""
    if level <= ViewLevel.NONE:
        return Q()
    if is_operator_staff(user):
        return Q()
    companies = company_org_ids(user)
    private = Q(company_id__in=companies)
    chapters = staff_chapter_ids(user)
    if chapters:
        private |= Q(company__organization__parent_id__in=chapters)
    if level >= ViewLevel.PRIVATE:
        return private
    if not companies:
        return private
    return private | Q(
        Exists(
            Invitation.objects.filter(
                need=OuterRef("pk"), supplier_id__in=companies, state__in=LIVE_INVITATION_STATES
            )
        )
    )


def need_view_level(user: Viewer, need: Need) -> ViewLevel:
    """The viewer's level on one need (reads the requesting company's organisation)."""
    if is_operator_staff(user):
        return ViewLevel.PRIVATE
    companies = company_org_ids(user)
    if need.company_id in companies:
        return ViewLevel.PRIVATE
    if need.company.organization.parent_id in staff_chapter_ids(user):
        return ViewLevel.PRIVATE
    if (
        companies
        and Invitation.objects.filter(
            need=need, supplier_id__in=companies, state__in=LIVE_INVITATION_STATES
        ).exists()
    ):
        return ViewLevel.RECORD
    return ViewLevel.NONE


def need_fields(user: Viewer, need: Need) -> frozenset[str]:
    return NEED_FIELDS.fields_for(need_view_level(user, need))


def need_for_viewer(user: Viewer, need_id: int, level: ViewLevel = ViewLevel.RECORD) -> Need:
    """The need if the viewer has at least `level` on it, else 404."""
    need = Need.objects.select_related("company__organization__parent").filter(pk=need_id).first()
    if need is None or need_view_level(user, need) < level:
        raise Http404
    return need


def invitation_visible(user: Viewer, invitation: Invitation) -> bool:
    """The requester's side (PRIVATE on the need) and the invited supplier's members."""
    if invitation.supplier_id in company_org_ids(user):
        return invitation.state in LIVE_INVITATION_STATES
    return need_view_level(user, invitation.need) >= ViewLevel.PRIVATE


def is_requester(user: Viewer, need: Need) -> bool:
    """Members of the requesting company: they write the need and invite suppliers."""
    return need.company_id in company_org_ids(user)


def can_post_need(user: Viewer) -> bool:
    return bool(company_org_ids(user))


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied
