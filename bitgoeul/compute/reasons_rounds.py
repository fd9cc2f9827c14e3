"""Our own sentences for the engine's reason codes and for why a rolling request waits, in the
viewer's language (the engine's `note` is English; only its code and our numbers are used)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

REASON_LABELS = {
    "full": gettext_lazy("Granted in full"),
    "capacity": gettext_lazy("Pools full"),
    "company_cap": gettext_lazy("Company cap reached"),
    "below_minimum": gettext_lazy("Minimum not reachable"),
    "floor": gettext_lazy("Capacity went to a group floor"),
    "not_eligible": gettext_lazy("No usable pool or month"),
    "too_large": gettext_lazy("Too large for a rolling request"),
    "quota": gettext_lazy("Rolling quota reached"),
    "no_capacity": gettext_lazy("No capacity left"),
}


def _n(value: float) -> str:
    return f"{value:,.0f}"


def reason_label(code: str) -> str:
    label = REASON_LABELS.get(code)
    return str(label) if label is not None else ""


def decision_sentence(
    code: str, *, granted: float, demand: float, minimum: float, cap_share: float | None
) -> str:
    """Why a request got what it got in a round, from the reason code and the numbers."""
    values = {"granted": _n(granted), "demand": _n(demand), "minimum": _n(minimum)}
    if code == "full":
        return _("Granted in full: %(granted)s GPU-hours.") % values
    partial = granted > 0
    if code == "company_cap":
        values["cap"] = f"{(cap_share or 0) * 100:g}"
        if partial:
            return (
                _(
                    "%(granted)s of %(demand)s GPU-hours: your company reached its cap of "
                    "%(cap)s%% of the round."
                )
                % values
            )
        return _("Not granted: your company reached its cap of %(cap)s%% of the round.") % values
    if code == "below_minimum":
        return (
            _(
                "Not granted: the GPU-hours left for this request were fewer than its minimum "
                "of %(minimum)s GPU-hours."
            )
            % values
        )
    if code == "floor":
        if partial:
            return (
                _(
                    "%(granted)s of %(demand)s GPU-hours: the rest went to a group the round "
                    "reserves a share for."
                )
                % values
            )
        return _("Not granted: the capacity went to a group the round reserves a share for.")
    if code == "not_eligible":
        return _("Not granted: none of its GPU models has capacity in its months.")
    if partial:
        return (
            _(
                "%(granted)s of %(demand)s GPU-hours: its GPU models were full in its months "
                "with requests of higher weight."
            )
            % values
        )
    return _("Not granted: its GPU models were full in its months with requests of higher weight.")


def waiting_sentence(code: str) -> str:
    """Why a rolling request waits for the next round."""
    limits = settings.COMPUTE_ROLLING
    if code == "too_large":
        return _(
            "It waits for the next round: rolling requests are granted at once only up to "
            "%(gpus)s GPUs for %(months)s month(s)."
        ) % {"gpus": limits["max_gpus"], "months": limits["max_months"]}
    if code == "quota":
        return _(
            "It waits for the next round: your company's rolling grants would exceed "
            "%(quota)s GPU-hours in a month."
        ) % {"quota": _n(limits["quota_gpu_hours_per_period"])}
    return _(
        "It waits for the next round: the GPU models you chose have no capacity left in "
        "those months."
    )
