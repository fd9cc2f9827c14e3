"""Who may do what with equipment, and what each viewer sees of a booking. Views, the API,
exports, feeds and notifications all ask these; access functions only read.

Catalogue: an item that is active and public is seen by everyone, signed in or not; every item
is seen by operator staff and by the staff of its host institution (or of its centre's host),
who manage it (rules, blackouts, accessories, photos) and decide its bookings.

Who may book: a member (any role) of a company, for that company. Staff of the host (and
operator staff) may book on a company's behalf and override a rule, which is audited.

Bookings (`booking_view_level`):
- PRIVATE: members of the booking company, staff of the item's host, operator staff;
- PUBLIC: anyone who sees the item: only that the time is taken (`BOOKING_FIELDS`: item,
  starts_at, ends_at — never the company, its purpose or its fee);
- NONE otherwise.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from bitgoeul.accounts.access import is_operator_staff, membership_rows
from bitgoeul.accounts.enums import MembershipRole, OrganizationKind
from bitgoeul.accounts.models import User
from bitgoeul.accounts.types import Viewer
from bitgoeul.companies.access import companies_at_least
from bitgoeul.companies.models import Company
from bitgoeul.core.visibility import FieldPolicy, ViewLevel
from bitgoeul.equipment.enums import BookingState
from bitgoeul.equipment.models import (
    Blackout,
    Booking,
    BookingSeries,
    Centre,
    Item,
    ItemPhoto,
    WaitlistEntry,
)

STAFF_ROLES = {MembershipRole.ADMIN, MembershipRole.STAFF}

BOOKING_FIELDS = FieldPolicy(
    "booking",
    {
        "item": ViewLevel.PUBLIC,
        "starts_at": ViewLevel.PUBLIC,
        "ends_at": ViewLevel.PUBLIC,
        "blocked_until": ViewLevel.PUBLIC,
        "state": ViewLevel.PRIVATE,
        "company": ViewLevel.PRIVATE,
        "booked_by": ViewLevel.PRIVATE,
        "series": ViewLevel.PRIVATE,
        "purpose": ViewLevel.PRIVATE,
        "award": ViewLevel.PRIVATE,
        "accessories": ViewLevel.PRIVATE,
        "fee_krw": ViewLevel.PRIVATE,
        "fee_detail": ViewLevel.PRIVATE,
        "override_reason": ViewLevel.PRIVATE,
        "decision_note": ViewLevel.PRIVATE,
        "cancel_reason": ViewLevel.PRIVATE,
        "checked_in_at": ViewLevel.PRIVATE,
        "created_at": ViewLevel.PRIVATE,
    },
)


def _signed_in(user: Viewer) -> bool:
    return isinstance(user, User) and user.is_authenticated


def host_org_ids(user: Viewer) -> set[int]:
    """Organisations (not companies) where the user is staff or administrator: an item whose
    host (or whose centre's host) is one of them is managed by the user."""
    return {
        org_id
        for org_id, kind, role, _ in membership_rows(user)
        if kind != OrganizationKind.COMPANY and role in STAFF_ROLES
    }


def company_org_ids(user: Viewer) -> set[int]:
    """Company organisations the user is a member of (any role)."""
    return {
        org_id for org_id, kind, _, _ in membership_rows(user) if kind == OrganizationKind.COMPANY
    }


# --- catalogue ---------------------------------------------------------------------------------


def managed_items_q(user: Viewer) -> Q:
    """Items the user manages, as a filter (nothing for anonymous visitors)."""
    if is_operator_staff(user):
        return Q()
    hosts = host_org_ids(user)
    if not hosts:
        return Q(pk__in=[])
    return Q(host_id__in=hosts) | Q(centre__host_id__in=hosts)


def items_for_viewer(user: Viewer) -> QuerySet[Item]:
    """Items the viewer may see: active public items, and every item the viewer manages."""
    public = Q(is_active=True, is_public=True)
    if not _signed_in(user):
        return Item.objects.filter(public)
    if is_operator_staff(user):
        # not `public | Q()`: Django drops an empty Q from an OR, which would leave `public`
        return Item.objects.all()
    return Item.objects.filter(public | managed_items_q(user))


def can_manage_item(user: Viewer, item: Item) -> bool:
    if is_operator_staff(user):
        return True
    hosts = host_org_ids(user)
    return item.host_id in hosts or item.centre.host_id in hosts


def can_manage_catalogue(user: Viewer) -> bool:
    """Operator staff, and staff of an institution that hosts a centre or an item."""
    if is_operator_staff(user):
        return True
    hosts = host_org_ids(user)
    if not hosts:
        return False
    # A host whose centre has no item yet still manages it (and adds the first item).
    return (
        Centre.objects.filter(host_id__in=hosts).exists()
        or Item.objects.filter(host_id__in=hosts).exists()
    )


def item_for_viewer(user: Viewer, item_id: int) -> Item:
    """The item if the viewer may see it, else 404 (outsiders learn nothing)."""
    item = (
        items_for_viewer(user)
        .select_related("centre", "category", "host")
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        raise Http404
    return item


def item_for_manager(user: Viewer, item_id: int) -> Item:
    item = item_for_viewer(user, item_id)
    if not can_manage_item(user, item):
        raise PermissionDenied
    return item


# --- booking -----------------------------------------------------------------------------------


def bookable_companies(user: Viewer) -> QuerySet[Company]:
    """Companies the user may book for: those it is a member of."""
    return Company.objects.filter(organization_id__in=company_org_ids(user))


def can_book_for(user: Viewer, company: Company) -> bool:
    return company.organization_id in company_org_ids(user)


def can_book_on_behalf(user: Viewer, item: Item) -> bool:
    """Host staff (and operator staff) book for any company and may override a rule."""
    return can_manage_item(user, item)


def booking_view_level(user: Viewer, booking: Booking) -> ViewLevel:
    if booking.company.organization_id in company_org_ids(user):
        return ViewLevel.PRIVATE
    if can_manage_item(user, booking.item):
        return ViewLevel.PRIVATE
    if items_for_viewer(user).filter(pk=booking.item_id).exists():
        return ViewLevel.PUBLIC
    return ViewLevel.NONE


def bookings_at_least(user: Viewer, level: ViewLevel) -> Q:
    """The same rule as `booking_view_level`, as a filter on Booking."""
    if level <= ViewLevel.NONE:
        return Q()
    private = Q(company__organization_id__in=company_org_ids(user))
    if is_operator_staff(user):
        private = Q()
    elif _signed_in(user):
        hosts = host_org_ids(user)
        if hosts:
            private |= Q(item__host_id__in=hosts) | Q(item__centre__host_id__in=hosts)
    if level >= ViewLevel.PRIVATE or is_operator_staff(user):
        return private  # operator staff: Q() (every booking); `Q() | x` would be x alone
    return private | Q(item__in=items_for_viewer(user))


def booking_for_viewer(
    user: Viewer, booking_id: int, level: ViewLevel = ViewLevel.PRIVATE
) -> Booking:
    """The booking if the viewer has at least `level` on it, else 404."""
    booking = (
        Booking.objects.select_related("item", "item__centre", "company", "company__organization")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None or booking_view_level(user, booking) < level:
        raise Http404
    return booking


def can_decide_booking(user: Viewer, booking: Booking) -> bool:
    """Approve or reject a booking awaiting approval, check it in, release it: host staff."""
    return can_manage_item(user, booking.item)


def can_cancel_booking(user: Viewer, booking: Booking) -> bool:
    """Members of the booking company, and host staff."""
    return can_book_for(user, booking.company) or can_manage_item(user, booking.item)


# --- rules: the booking form and recurring series ----------------------------------------------


def booking_form_companies(user: Viewer, item: Item) -> QuerySet[Company]:
    """The companies the user may pick on the item's booking form: for host staff (who book on
    a company's behalf) every company they may see (the companies' own visibility rule) that is
    not a prospect still missing its registration number; else the companies the user is a
    member of."""
    if can_book_on_behalf(user, item):
        return Company.objects.filter(companies_at_least(user, ViewLevel.PUBLIC), is_prospect=False)
    return bookable_companies(user)


def can_use_booking_form(user: Viewer, item: Item) -> bool:
    return item.is_active and (can_book_on_behalf(user, item) or bookable_companies(user).exists())


def series_for_viewer(user: Viewer, series_id: int) -> BookingSeries:
    """A recurring booking, for members of its company and staff of its item's host; else 404."""
    series = (
        BookingSeries.objects.select_related("item", "item__centre", "company__organization")
        .filter(pk=series_id)
        .first()
    )
    if series is None or not (
        can_book_for(user, series.company) or can_manage_item(user, series.item)
    ):
        raise Http404
    return series


# --- lifecycle ---------------------------------------------------------------------------------

# Check-in opens this long before the start. Host staff may check a booking in until it ends
# (they see the company at the door); the company's own members may check in from their phone
# until the item's grace period after the start has passed, after which `bitgoeul equipment
# release` frees the time.
CHECK_IN_OPENS_MINUTES = 30


def can_check_in(user: Viewer, booking: Booking, now: dt.datetime) -> bool:
    if booking.state != BookingState.CONFIRMED:
        return False
    if now < booking.starts_at - dt.timedelta(minutes=CHECK_IN_OPENS_MINUTES):
        return False
    if can_manage_item(user, booking.item):
        return now < booking.ends_at
    grace_ends = booking.starts_at + dt.timedelta(minutes=booking.item.check_in_grace_minutes)
    return can_book_for(user, booking.company) and now < grace_ends


def can_see_approvals(user: Viewer) -> bool:
    """The approval queue: those who manage items (host staff, operator staff)."""
    return _signed_in(user) and can_manage_catalogue(user)


def can_view_statement(user: Viewer, company: Company) -> bool:
    """A company's monthly statement: its members and operator staff."""
    return can_book_for(user, company) or is_operator_staff(user)


def can_use_waitlist_entry(user: Viewer, entry: WaitlistEntry) -> bool:
    """Accept an offer or withdraw: the members of the company that waits."""
    return can_book_for(user, entry.company)


def waitlist_entry_for_member(user: Viewer, entry_id: int) -> WaitlistEntry:
    entry = (
        WaitlistEntry.objects.select_related("item", "item__centre", "company")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None or not can_use_waitlist_entry(user, entry):
        raise Http404
    return entry


# --- api ---------------------------------------------------------------------------------------


def managed_bookings_q(user: Viewer) -> Q:
    """Bookings of the items the user manages (host and operator staff), as a filter."""
    if not _signed_in(user):
        return Q(pk__in=[])
    if is_operator_staff(user):
        return Q()
    hosts = host_org_ids(user)
    if not hosts:
        return Q(pk__in=[])
    return Q(item__host_id__in=hosts) | Q(item__centre__host_id__in=hosts)


def can_follow_item(user: Viewer, item: Item) -> bool:
    """Make an iCal feed of an item's bookings: anyone signed in who sees the item (what the
    feed shows of each booking is still `booking_view_level`)."""
    return _signed_in(user) and items_for_viewer(user).filter(pk=item.pk).exists()


# --- catalogue (management) --------------------------------------------------------------------
# Operator staff manage everything: centres, categories, every item. Staff of a host institution
# edit the centres it hosts and manage the items it (or its centre) hosts, with their photos,
# accessories, blackouts and quotas; they add items only to the centres they host.


def can_manage_centres(user: Viewer) -> bool:
    """Create centres and categories: operator staff only (the cluster's structure)."""
    return is_operator_staff(user)


def centres_for_manager(user: Viewer) -> QuerySet[Centre]:
    """Centres the user edits and adds items to."""
    if is_operator_staff(user):
        return Centre.objects.all()
    return Centre.objects.filter(host_id__in=host_org_ids(user))


def centre_for_manager(user: Viewer, centre_id: int) -> Centre:
    centre = Centre.objects.select_related("host").filter(pk=centre_id).first()
    if centre is None:
        raise Http404
    if not (is_operator_staff(user) or centre.host_id in host_org_ids(user)):
        raise PermissionDenied
    return centre


def items_for_manager(user: Viewer) -> QuerySet[Item]:
    return Item.objects.filter(managed_items_q(user))


def photo_for_viewer(user: Viewer, item_id: int, photo_id: int) -> ItemPhoto:
    """A photo of an item the viewer sees, else 404."""
    item = item_for_viewer(user, item_id)
    photo = ItemPhoto.objects.filter(pk=photo_id, item=item).first()
    if photo is None:
        raise Http404
    return photo


def blackout_for_manager(user: Viewer, blackout_id: int) -> Blackout:
    """A blackout of an item or centre the user manages: 404 for those who see neither."""
    blackout = (
        Blackout.objects.select_related("item", "item__centre", "centre")
        .filter(pk=blackout_id)
        .first()
    )
    if blackout is None:
        raise Http404
    if blackout.item is not None:
        item_for_manager(user, blackout.item_id)  # type: ignore[arg-type]
        return blackout
    if not can_manage_catalogue(user):
        raise Http404
    centre_for_manager(user, blackout.centre_id)  # type: ignore[arg-type]
    return blackout
