"""Who may see and do what with GPU pools, rounds, requests, grants and usage. Pages, the API,
exports and notifications all ask these; access functions only read.

Staff of the data centre are operator staff (`is_operator_staff`): they manage pools, tariffs,
rounds, the ledger and reclaims. Members (any role) of a company request GPU-hours for it.

Requests and their grants (`request_view_level`):
- PRIVATE: members of the requesting company, operator staff: everything, with usage, charges
  and the statement;
- RECORD: staff of the chapter the company belongs to: what was asked and granted (pools,
  periods, GPUs, GPU-hours) and the use against it, never the purpose, justification, data or
  security needs, nor charges;
- PUBLIC: anyone, once the round is decided: the company, project, GPU-hours requested and
  granted, and the engine's reason (the decision is public, as rounds promise);
- NONE otherwise (404).
Pools, their capacity calendar and decided rounds are public; draft rounds are staff only.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from bitgoeul.accounts.access import is_operator_staff, staff_chapter_ids
from bitgoeul.accounts.types import Viewer
from bitgoeul.companies.access import member_company_ids
from bitgoeul.companies.models import Company
from bitgoeul.compute.enums import RequestState, RoundState
from bitgoeul.compute.models import ComputeRequest, Grant, Pool, Round
from bitgoeul.core.visibility import FieldPolicy, ViewLevel

REQUEST_FIELDS = FieldPolicy(
    "GPU request",
    {
        "company": ViewLevel.PUBLIC,
        "project": ViewLevel.PUBLIC,
        "demand_gpu_hours": ViewLevel.PUBLIC,
        "granted_gpu_hours": ViewLevel.PUBLIC,
        "reason": ViewLevel.PUBLIC,
        "state": ViewLevel.RECORD,
        "pools": ViewLevel.RECORD,
        "periods": ViewLevel.RECORD,
        "gpus": ViewLevel.RECORD,
        "minimum_gpu_hours": ViewLevel.RECORD,
        "parts": ViewLevel.RECORD,  # the grant per pool and period
        "usage": ViewLevel.RECORD,  # GPU-hours used against the grant (burn-down)
        "purpose": ViewLevel.PRIVATE,
        "justification": ViewLevel.PRIVATE,
        "data_needs": ViewLevel.PRIVATE,
        "security_needs": ViewLevel.PRIVATE,
        "award": ViewLevel.PRIVATE,
        "staff_priority": ViewLevel.PRIVATE,
        "weight": ViewLevel.PRIVATE,
        "submitted_by": ViewLevel.PRIVATE,
        "charges": ViewLevel.PRIVATE,  # KRW, energy, statement
        "account": ViewLevel.PRIVATE,  # how to use the grant (Slurm account, Kueue queue)
    },
)

# requests of these states appear in a decided round's public list
PUBLISHED_STATES = (RequestState.GRANTED, RequestState.DECLINED)


def is_compute_staff(user: Viewer) -> bool:
    return is_operator_staff(user)


def require_compute_staff(user: Viewer) -> None:
    if not is_compute_staff(user):
        raise PermissionDenied


def can_request_for(user: Viewer, company_id: int) -> bool:
    return company_id in member_company_ids(user)


def request_view_level(user: Viewer, request: ComputeRequest) -> ViewLevel:
    if is_compute_staff(user) or request.company_id in member_company_ids(user):
        return ViewLevel.PRIVATE
    chapter_id = request.company.organization.parent_id
    if chapter_id is not None and chapter_id in staff_chapter_ids(user):
        return ViewLevel.RECORD
    if _published(request):
        return ViewLevel.PUBLIC
    return ViewLevel.NONE


def _published(request: ComputeRequest) -> bool:
    rnd = request.round
    return (
        rnd is not None and rnd.state == RoundState.APPROVED and request.state in PUBLISHED_STATES
    )


def requests_at_least(user: Viewer, level: ViewLevel) -> Q:
    """`request_view_level(user, r) >= level` as a filter on ComputeRequest."""
    if level <= ViewLevel.NONE or is_compute_staff(user):
        return Q()
    rule = Q(company_id__in=member_company_ids(user))
    if level <= ViewLevel.RECORD:
        rule |= Q(company__organization__parent_id__in=staff_chapter_ids(user))
    if level <= ViewLevel.PUBLIC:
        rule |= Q(round__state=RoundState.APPROVED, state__in=PUBLISHED_STATES)
    return rule


def grants_at_least(user: Viewer, level: ViewLevel) -> Q:
    """The same rule as a filter on Grant (a grant is seen as its request)."""
    if level <= ViewLevel.NONE or is_compute_staff(user):
        return Q()
    rule = Q(company_id__in=member_company_ids(user))
    if level <= ViewLevel.RECORD:
        rule |= Q(company__organization__parent_id__in=staff_chapter_ids(user))
    if level <= ViewLevel.PUBLIC:
        rule |= Q(round__state=RoundState.APPROVED)
    return rule


def request_for(
    user: Viewer, request_id: int, level: ViewLevel = ViewLevel.PUBLIC
) -> ComputeRequest:
    """The request if the viewer has at least `level` on it; 404 when it is not seen at all,
    403 when it is seen but not at `level`."""
    found = (
        ComputeRequest.objects.select_related("company__organization", "round")
        .filter(pk=request_id)
        .first()
    )
    if found is None:
        raise Http404
    have = request_view_level(user, found)
    if have == ViewLevel.NONE:
        raise Http404
    if have < level:
        raise PermissionDenied
    return found


def grant_for(user: Viewer, grant_id: int, level: ViewLevel = ViewLevel.RECORD) -> Grant:
    found = (
        Grant.objects.select_related("request", "company__organization", "round")
        .filter(pk=grant_id)
        .first()
    )
    if found is None:
        raise Http404
    request = found.request
    request.company = found.company
    have = request_view_level(user, request)
    if have == ViewLevel.NONE:
        raise Http404
    if have < level:
        raise PermissionDenied
    return found


def rounds_visible(user: Viewer) -> QuerySet[Round]:
    """Staff see every round; others see rounds once they open for requests."""
    rows = Round.objects.all()
    if is_compute_staff(user):
        return rows
    return rows.exclude(state=RoundState.DRAFT)


def round_for(user: Viewer, round_id: int) -> Round:
    found = rounds_visible(user).filter(pk=round_id).first()
    if found is None:
        raise Http404
    return found


# --- sched: scheduler exports and cluster logins ----------------------------------------------


def can_export_schedulers(user: Viewer) -> bool:
    """The Slurm and Kueue files name every company's account and members: staff only."""
    return is_compute_staff(user)


def can_set_cluster_login(actor: Viewer, user: Viewer) -> bool:
    """A person sets their own cluster login if they belong to a company (the login is added
    to its Slurm account); compute staff may set anyone's."""
    if is_compute_staff(actor):
        return True
    return (
        getattr(actor, "is_authenticated", False)
        and getattr(actor, "pk", None) == getattr(user, "pk", None)
        and bool(member_company_ids(actor))
    )


# --- burn: grant pages, reclaims, charges and statements ---------------------------------------


def can_view_charges(user: Viewer, company_id: int) -> bool:
    """Charges (KRW, energy, the statement) are PRIVATE: the company's members and staff."""
    return is_compute_staff(user) or company_id in member_company_ids(user)


def can_reclaim(user: Viewer) -> bool:
    return is_compute_staff(user)


def statement_company_ids(user: Viewer) -> set[int]:
    """The companies whose statements the user reads as a member (staff read any company's)."""
    return member_company_ids(user)


def statement_company_for(user: Viewer, wanted: int | None) -> Company:
    """The company whose statement is asked for: `wanted` when the user may see its charges
    (404 otherwise), else the first of the user's own companies; 403 for a user with none
    (chapter staff and others: charges are private to the company and staff)."""
    companies = Company.objects.select_related("organization")
    if wanted is not None:
        company = companies.filter(pk=wanted).first()
        if company is None or not can_view_charges(user, company.pk):
            raise Http404
        return company
    own = companies.filter(pk__in=statement_company_ids(user)).order_by("pk").first()
    if own is None:
        raise PermissionDenied
    return own


# --- pools -------------------------------------------------------------------------------------


def can_manage_pools(user: Viewer) -> bool:
    """Pools, maintenance windows, tariffs and discounts are compute staff's to write."""
    return is_compute_staff(user)


def can_see_overcommit(user: Viewer) -> bool:
    """The over-commit view sums every active grant, rolling ones too (those are never public),
    so it is staff's alone."""
    return is_compute_staff(user)


def pools_visible(user: Viewer) -> QuerySet[Pool]:
    """Active pools are public; staff also see those taken out of service."""
    rows = Pool.objects.all()
    if is_compute_staff(user):
        return rows
    return rows.filter(is_active=True)


def pool_for(user: Viewer, pool_id: int) -> Pool:
    found = pools_visible(user).filter(pk=pool_id).first()
    if found is None:
        raise Http404
    return found


def pool_for_manager(user: Viewer, pool_id: int) -> Pool:
    require_compute_staff(user)
    found = Pool.objects.filter(pk=pool_id).first()
    if found is None:
        raise Http404
    return found


# --- rounds ------------------------------------------------------------------------------------


def can_request(user: Viewer) -> bool:
    """Members (any role) of a company may request GPU-hours for it."""
    return bool(member_company_ids(user))


def request_companies(user: Viewer) -> QuerySet[Company]:
    return Company.objects.filter(pk__in=member_company_ids(user)).select_related("organization")


def can_edit_request(user: Viewer, request: ComputeRequest) -> bool:
    """The requesting company's members change, submit and withdraw it (staff only set its
    priority)."""
    return request.company_id in member_company_ids(user)


def visible_rounds_public(user: Viewer) -> QuerySet[Round]:
    """The round list: open and decided rounds for everyone; staff see every state."""
    rows = rounds_visible(user)
    if is_compute_staff(user):
        return rows
    return rows.filter(state__in=(RoundState.OPEN, RoundState.APPROVED))


def round_for_staff(user: Viewer, round_id: int) -> Round:
    require_compute_staff(user)
    return round_for(user, round_id)
