from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError

from bitgoeul.accounts import access, selectors, services
from bitgoeul.accounts.enums import Language
from bitgoeul.accounts.schemas import MeOut, ProfileIn

router = Router(tags=["accounts"])


def _me(user: Any) -> dict[str, Any]:
    return {
        "id": user.pk,
        "email": user.email,
        "name": user.name,
        "language": user.language,
        "is_operator_staff": access.is_operator_staff(user),
        "is_reviewer": access.is_reviewer(user),
        "memberships": [
            {
                "organization_id": m.organization_id,
                "organization": m.organization.name,
                "kind": m.organization.kind,
                "role": m.role,
            }
            for m in selectors.user_memberships(user)
        ],
    }


@router.get("/me", response=MeOut, summary="The signed-in user and their memberships")
def me(request: HttpRequest) -> dict[str, Any]:
    return _me(request.user)


@router.patch("/me", response=MeOut, summary="Change your name or preferred language")
def me_update(request: HttpRequest, payload: ProfileIn) -> dict[str, Any]:
    name = payload.name.strip()
    if not name or len(name) > 100:
        raise HttpError(422, "name: give a name of 1 to 100 characters")
    if payload.language not in Language.values:
        raise HttpError(422, "language: use ko or en")
    services.user_update_profile(user=request.user, name=name, language=payload.language)  # type: ignore[arg-type]
    return _me(request.user)
