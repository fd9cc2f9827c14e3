"""Slurm and Kueue files from a plan of the grants (contracts.md, "Scheduler exports").

Pure functions: a `Plan` in (built from the database by `selectors_sched.scheduler_plan`), text
out, no ORM, so each file can be checked against a real scheduler or its schemas.

- Slurm: one account per chapter (`ch-…`, under `root`), one per company under it (`co-…`), the
  company members' cluster logins as its users, and `GrpTRESMins` in GPU-minutes on
  `gres/gpu:<model>` for every pool's model (0 where nothing was granted: a missing limit is no
  limit) plus `gres/gpu` for their total, because Slurm does not hold a job that asks for an
  untyped `--gres=gpu:N` to the typed limits (measured, docs/slurm.md).
- Kueue (v1beta2, the storage version of Kueue 0.19): a ResourceFlavor per model, a Cohort per
  chapter, a ClusterQueue and a LocalQueue per company, `nominalQuota` in GPUs
  (docs/compute.md, "Scheduler exports").
"""

from __future__ import annotations

import math
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from bitgoeul.compute.periods import period_hours

KUEUE_API = "kueue.x-k8s.io/v1beta2"
GPU_RESOURCE = "nvidia.com/gpu"
# Operators label each GPU node with its pool's model (docs/slurm.md): the flavor selects it.
NODE_LABEL = "bitgoeul.kr/gpu-model"
MANAGED_BY = {"app.kubernetes.io/managed-by": "bitgoeul"}
OURS = ("co-", "ch-")  # accounts Bitgoeul makes; any other account is left alone
ROOT = "root"
SLURM_ORGANIZATION = "bitgoeul"
# a grant's float GPU-hours × 60 may land a hair under a whole minute (1.1 × 60 = 65.999…)
EPSILON = 1e-6


@dataclass(frozen=True)
class CompanyPlan:
    account: str  # co-<사업자등록번호>: Slurm account, namespace, LocalQueue, ClusterQueue
    name: str
    users: tuple[str, ...]  # cluster logins of its members, sorted
    gpu_minutes: dict[str, int]  # model -> GPU-minutes granted, net of reclaims
    gpus: dict[str, int]  # model -> nominalQuota in the plan's period


@dataclass(frozen=True)
class ChapterPlan:
    account: str  # ch-<code>: Slurm parent account and Kueue Cohort
    name: str
    companies: tuple[CompanyPlan, ...]


@dataclass(frozen=True)
class Plan:
    models: tuple[str, ...]  # every pool's model, sorted
    period: str  # the month nominalQuota is for
    chapters: tuple[ChapterPlan, ...]
    source: str = "all active grants"  # said in the files' headers

    def companies(self) -> Iterator[tuple[ChapterPlan, CompanyPlan]]:
        for chapter in self.chapters:
            for company in chapter.companies:
                yield chapter, company


def gpu_minutes(gpu_hours: float) -> int:
    """Whole GPU-minutes of a number of GPU-hours, rounded down (never more than granted)."""
    return max(0, math.floor(gpu_hours * 60 + EPSILON))


def nominal_gpus(gpu_hours: float, period: str) -> int:
    """GPUs that deliver `gpu_hours` over the period if used all the time, rounded up:
    ceil(GPU-hours ÷ the period's hours)."""
    return max(0, math.ceil(gpu_hours / period_hours(period) - EPSILON))


# --- Slurm ----------------------------------------------------------------------------------


def grp_tres_mins(plan: Plan, company: CompanyPlan) -> dict[str, int]:
    """The company account's GrpTRESMins on GPUs: every model of the plan, and the total."""
    limits = {f"gres/gpu:{model}": company.gpu_minutes.get(model, 0) for model in plan.models}
    limits["gres/gpu"] = sum(company.gpu_minutes.get(model, 0) for model in plan.models)
    return limits


def tres_text(limits: dict[str, int]) -> str:
    return ",".join(f"{name}={value}" for name, value in sorted(limits.items()))


def _header(plan: Plan, what: str) -> list[str]:
    return [
        f"# {what} of Bitgoeul's GPU grants ({plan.source}).",
        "# Accounts: ch-<chapter> > co-<company>; GrpTRESMins in GPU-minutes, net of reclaims",
        "# (docs/compute.md, 'Scheduler exports'; docs/slurm.md).",
    ]


SLURM_FUNCTIONS = """\
# The sacctmgr commands run only where something differs, so a second run changes nothing
# ('sacctmgr add' fails on an object that exists).
account_exists() { [ -n "$(sacctmgr -n -P show account "$1" format=Account)" ]; }
account_field() {  # the account's own association (no user): field $2
  sacctmgr -n -P show assoc where account="$1" format=User,"$2" | sed -n 's/^|//p' | head -n 1
}
gpu_limits() {  # the gres/gpu entries of a TRES list, sorted
  printf '%s\\n' "$1" | tr ',' '\\n' | grep '^gres/gpu' | sort | paste -s -d, -
}
ensure_account() {  # NAME PARENT DESCRIPTION
  if ! account_exists "$1"; then
    sacctmgr -i add account "$1" parent="$2" description="$3" organization=bitgoeul
  elif [ "$(account_field "$1" ParentName)" != "$2" ]; then
    sacctmgr -i modify account where name="$1" set parent="$2"
  fi
}
ensure_user() {  # ACCOUNT LOGIN
  if [ -z "$(sacctmgr -n -P show assoc where account="$1" user="$2" format=User)" ]; then
    sacctmgr -i add user "$2" account="$1"
  fi
}
ensure_limits() {  # ACCOUNT TRES
  if [ "$(gpu_limits "$(account_field "$1" GrpTRESMins)")" != "$(gpu_limits "$2")" ]; then
    sacctmgr -i modify account where name="$1" set GrpTRESMins="$2"
  fi
}
"""


def slurm_script(plan: Plan) -> str:
    """A POSIX sh script of `sacctmgr -i` commands that makes the plan's accounts, users and
    GPU-minute limits; every value from the database is shell-quoted."""
    q = shlex.quote
    lines = ["#!/bin/sh", *_header(plan, "Slurm accounts"), "set -eu", "", SLURM_FUNCTIONS]
    for chapter in plan.chapters:
        lines.append(f"ensure_account {q(chapter.account)} {ROOT} {q(chapter.name)}")
    for chapter, company in plan.companies():
        lines.append(f"ensure_account {q(company.account)} {q(chapter.account)} {q(company.name)}")
    for _chapter, company in plan.companies():
        for login in company.users:
            lines.append(f"ensure_user {q(company.account)} {q(login)}")
    for _chapter, company in plan.companies():
        limits = tres_text(grp_tres_mins(plan, company))
        lines.append(f"ensure_limits {q(company.account)} {q(limits)}")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Association:
    cluster: str
    account: str
    user: str
    parent: str | None  # None: the file has no ParentName column
    grp_tres_mins: dict[str, str]


def parse_tres(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, value = item.partition("=")
        out[name] = value
    return out


def parse_assoc(text: str) -> list[Association]:
    """The rows of `sacctmgr show assoc -P` (its header line is required; any `format=` that
    includes Cluster, Account, User and GrpTRESMins; ParentName is read when present)."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise ValueError("empty file: expected the output of 'sacctmgr show assoc -P'")
    header = lines[0].split("|")
    missing = [name for name in ("Cluster", "Account", "User", "GrpTRESMins") if name not in header]
    if missing:
        raise ValueError(
            "the first line is not the header of 'sacctmgr show assoc -P' "
            f"(missing {', '.join(missing)}); run it without -n"
        )
    col = {name: i for i, name in enumerate(header)}
    parent_col = col.get("ParentName", col.get("Par Name"))
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        cells = line.split("|")
        if len(cells) < len(header):
            raise ValueError(f"line {number}: {len(cells)} fields, the header has {len(header)}")
        rows.append(
            Association(
                cluster=cells[col["Cluster"]],
                account=cells[col["Account"]].lower(),
                user=cells[col["User"]],
                parent=cells[parent_col].lower() if parent_col is not None else None,
                grp_tres_mins=parse_tres(cells[col["GrpTRESMins"]]),
            )
        )
    return rows


@dataclass
class Reconcile:
    """What `sacctmgr` must do to bring the cluster to the plan, and what was left alone."""

    commands: list[str] = field(default_factory=list)
    left_alone: list[str] = field(default_factory=list)

    def script(self) -> str:
        """The commands as a sh script; empty when nothing differs."""
        if not self.commands:
            return ""
        return "#!/bin/sh\nset -eu\n" + "\n".join(self.commands) + "\n"


def _gpu_only(limits: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in limits.items() if name.startswith("gres/gpu")}


def slurm_reconcile(plan: Plan, assoc_text: str) -> Reconcile:
    """Only the commands that change something: missing accounts and users, a company under
    another chapter, GPU-minute limits that differ. Nothing is deleted: accounts not named
    `co-`/`ch-` are not ours, and ours that the plan does not name (or users of our accounts
    who are not in it) are listed in `left_alone` for an operator to decide."""
    rows = parse_assoc(assoc_text)
    clusters = sorted({row.cluster for row in rows}) or [""]
    q = shlex.quote
    out = Reconcile()
    for cluster in clusters:
        where = f" cluster={q(cluster)}" if len(clusters) > 1 else ""
        on = f"{cluster}: " if len(clusters) > 1 else ""
        here = [row for row in rows if row.cluster == cluster or cluster == ""]
        accounts = {row.account: row for row in here if not row.user}
        users = {(row.account, row.user) for row in here if row.user}
        planned_accounts: set[str] = set()
        for chapter in plan.chapters:
            planned_accounts.add(chapter.account)
            if chapter.account not in accounts:
                out.commands.append(
                    f"sacctmgr -i add account {q(chapter.account)} parent={ROOT}"
                    f" description={q(chapter.name)} organization={SLURM_ORGANIZATION}{where}"
                )
        for chapter, company in plan.companies():
            planned_accounts.add(company.account)
            have = accounts.get(company.account)
            if have is None:
                out.commands.append(
                    f"sacctmgr -i add account {q(company.account)} parent={q(chapter.account)}"
                    f" description={q(company.name)} organization={SLURM_ORGANIZATION}{where}"
                )
            elif have.parent is not None and have.parent != chapter.account:
                out.commands.append(
                    f"sacctmgr -i modify account where name={q(company.account)}{where}"
                    f" set parent={q(chapter.account)}"
                )
        for _chapter, company in plan.companies():
            for login in company.users:
                if (company.account, login) not in users:
                    out.commands.append(
                        f"sacctmgr -i add user {q(login)} account={q(company.account)}{where}"
                    )
            extra = sorted(
                user
                for account, user in users
                if account == company.account and user not in company.users
            )
            if extra:
                out.left_alone.append(
                    f"{on}users of {company.account} not among its members' logins: "
                    + ", ".join(extra)
                )
        for _chapter, company in plan.companies():
            have_row = accounts.get(company.account)
            current = _gpu_only(have_row.grp_tres_mins) if have_row else {}
            wanted = {name: str(value) for name, value in grp_tres_mins(plan, company).items()}
            # a GPU limit we no longer set (a pool that is gone) is cleared with -1
            wanted |= {name: "-1" for name in current if name not in wanted}
            wanted_now = {name: value for name, value in wanted.items() if value != "-1"}
            if current != wanted_now:
                out.commands.append(
                    f"sacctmgr -i modify account where name={q(company.account)}{where}"
                    f" set GrpTRESMins={q(','.join(f'{k}={v}' for k, v in sorted(wanted.items())))}"
                )
        not_ours = sorted(a for a in accounts if a != ROOT and not a.startswith(OURS))
        if not_ours:
            out.left_alone.append(
                f"{on}accounts not made by Bitgoeul (not co-/ch-): " + ", ".join(not_ours)
            )
        unplanned = sorted(a for a in accounts if a.startswith(OURS) and a not in planned_accounts)
        if unplanned:
            out.left_alone.append(
                f"{on}Bitgoeul accounts this plan does not name: " + ", ".join(unplanned)
            )
    return out


# --- Kueue ----------------------------------------------------------------------------------


def _meta(name: str, namespace: str | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if namespace is not None:
        meta["namespace"] = namespace
    meta["labels"] = dict(MANAGED_BY)
    return meta


def kueue_documents(plan: Plan) -> list[dict[str, Any]]:
    """The Kueue objects of the plan, in the order `kubectl apply` needs them.

    A company's ClusterQueue offers each model's flavor with `nominalQuota` = its GPUs in the
    plan's period; it may borrow idle quota of its chapter's cohort only for models it was
    granted (`borrowingLimit: 0` elsewhere), and lenders take theirs back by preemption."""
    docs: list[dict[str, Any]] = []
    for model in plan.models:
        docs.append(
            {
                "apiVersion": KUEUE_API,
                "kind": "ResourceFlavor",
                "metadata": _meta(model),
                "spec": {"nodeLabels": {NODE_LABEL: model}},
            }
        )
    for chapter in plan.chapters:
        docs.append(
            {
                "apiVersion": KUEUE_API,
                "kind": "Cohort",
                "metadata": _meta(chapter.account),
                "spec": {},
            }
        )
    for chapter, company in plan.companies():
        flavors = []
        for model in plan.models:
            quota: dict[str, Any] = {
                "name": GPU_RESOURCE,
                "nominalQuota": company.gpus.get(model, 0),
            }
            if not company.gpu_minutes.get(model):
                quota["borrowingLimit"] = 0
            flavors.append({"name": model, "resources": [quota]})
        spec: dict[str, Any] = {
            "cohortName": chapter.account,
            "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": company.account}},
            "queueingStrategy": "BestEffortFIFO",
            "preemption": {"reclaimWithinCohort": "Any", "withinClusterQueue": "Never"},
        }
        if flavors:
            spec["resourceGroups"] = [{"coveredResources": [GPU_RESOURCE], "flavors": flavors}]
        docs.append(
            {
                "apiVersion": KUEUE_API,
                "kind": "ClusterQueue",
                "metadata": _meta(company.account),
                "spec": spec,
            }
        )
    for _chapter, company in plan.companies():
        docs.append(
            {
                "apiVersion": KUEUE_API,
                "kind": "LocalQueue",
                "metadata": _meta(company.account, namespace=company.account),
                "spec": {"clusterQueue": company.account},
            }
        )
    return docs


def kueue_yaml(plan: Plan) -> str:
    header = [
        *_header(plan, "Kueue objects"),
        f"# nominalQuota: GPUs in {plan.period} = ceil(granted GPU-hours / the month's hours).",
        f"# Namespaces co-<company> must exist; GPU nodes carry the label {NODE_LABEL}=<model>.",
    ]
    body = yaml.safe_dump_all(kueue_documents(plan), sort_keys=False, allow_unicode=True)
    return "\n".join(header) + "\n" + body
