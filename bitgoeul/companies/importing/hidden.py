"""Which companies an import's rules keep out of sight, as `Q` objects on `Company` for the
visibility rule in `companies/access.py`, which applies them (`_grants`, `company_view_level`,
`companies_at_least`); these only name the conditions.

- `IMPORT_PENDING_HIDDEN`: rows of an import that is still writing (every viewer, staff too:
  they appear when the import completes and are deleted if it fails).
- `PROSPECT_HIDDEN`: prospects (companies known from a list without 사업자등록번호) are for
  operator and chapter staff only: never public, never shown to company users or visitors.
"""

from __future__ import annotations

from django.db.models import Q

IMPORT_PENDING_HIDDEN = Q(import_batch__isnull=True)
PROSPECT_HIDDEN = Q(is_prospect=False)
