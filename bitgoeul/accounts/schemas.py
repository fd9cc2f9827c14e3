from __future__ import annotations

from ninja import Schema


class MembershipOut(Schema):
    organization_id: int
    organization: str
    kind: str
    role: str


class MeOut(Schema):
    id: int
    email: str
    name: str
    language: str
    is_operator_staff: bool
    is_reviewer: bool
    memberships: list[MembershipOut]


class ProfileIn(Schema):
    name: str
    language: str
