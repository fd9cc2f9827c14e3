"""Which job and account a GPU process belongs to (docs/compute.md, "GPU agent").

Job key (the ledger's `job`, unique per node so that agents on several nodes never post
competing totals for one key):

- a Slurm job: `slurm:<JobID>@<node>` — JobID as sacct prints it (`7_3` for an array task),
  from the process's SLURM_* environment, else from a Slurm cgroup path (`…/job_<id>/…`);
- a Kubernetes pod: `pod:<pod uid>@<node>` (from the cgroup path);
- a Docker/containerd container: `ctr:<first 12 hex of the id>@<node>`;
- anything else: `<node>:<pid>:<start time>` (the process itself).

Account, first that applies: SLURM_JOB_ACCOUNT; the mapping file's `pods` (pod uid); the pod's
POD_NAMESPACE (Kubernetes downward API) when it is a company namespace `co-…`; `containers` (id
or its prefix); `cgroups` (longest path prefix); `users` (Unix or Slurm user); `uids`. Else
`unmapped:<user>` (`unmapped:uid<N>`, `unmapped:unknown`): the server keeps usage that matches
no grant, and staff can see whose it is.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bitgoeul.compute.agent.procfs import ProcessFacts

SLURM_CGROUP = re.compile(r"/job_(\d+)(?:/|$)")
POD_CGROUP = re.compile(
    r"pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})"
)
CONTAINER_CGROUP = re.compile(r"([0-9a-f]{64})(?:\.scope)?$")
SECTIONS = ("users", "uids", "cgroups", "pods", "containers", "models")


@dataclass(frozen=True)
class Owner:
    job: str
    account: str
    user: str
    method: str  # how the account was found: slurm, pod, namespace, container, cgroup, user …


@dataclass
class Mapping:
    users: dict[str, str] = field(default_factory=dict)
    uids: dict[str, str] = field(default_factory=dict)
    cgroups: dict[str, str] = field(default_factory=dict)
    pods: dict[str, str] = field(default_factory=dict)
    containers: dict[str, str] = field(default_factory=dict)
    models: dict[str, str] = field(default_factory=dict)  # NVML device name → model code

    @classmethod
    def load(cls, path: str | Path) -> Mapping:
        """A YAML (or JSON) file with any of the sections above, each `key: account`."""
        text = Path(path).read_text(encoding="utf-8")
        data: Any
        try:
            import yaml
        except ImportError:  # a bare GPU node: JSON is YAML too
            data = json.loads(text) if text.strip() else {}
        else:
            data = yaml.safe_load(text) or {}
        if not isinstance(data, dict):
            raise ValueError(f"{path}: the mapping file must be a mapping of sections")
        unknown = sorted(set(data) - set(SECTIONS))
        if unknown:
            raise ValueError(f"{path}: unknown sections {unknown}; known: {list(SECTIONS)}")
        sections: dict[str, dict[str, str]] = {}
        for name in SECTIONS:
            section = data.get(name) or {}
            if not isinstance(section, dict) or not all(
                isinstance(value, str) for value in section.values()
            ):
                raise ValueError(f"{path}: `{name}` must map keys to account names (text)")
            sections[name] = {str(key): value for key, value in section.items()}
        return cls(**sections)

    def owner(self, facts: ProcessFacts, *, node: str) -> Owner:
        env = facts.environ
        user = facts.user
        job_id = ""
        if env.get("SLURM_ARRAY_JOB_ID") and env.get("SLURM_ARRAY_TASK_ID"):
            job_id = f"{env['SLURM_ARRAY_JOB_ID']}_{env['SLURM_ARRAY_TASK_ID']}"
        elif env.get("SLURM_JOB_ID"):
            job_id = env["SLURM_JOB_ID"]
        pod = container = ""
        for path in facts.cgroup:
            if not job_id and (match := SLURM_CGROUP.search(path)):
                job_id = match.group(1)
            if match := POD_CGROUP.search(path):
                pod = match.group(1).replace("_", "-")
            if match := CONTAINER_CGROUP.search(path):
                container = match.group(1)
        if job_id:
            job = f"slurm:{job_id}@{node}"
        elif pod:
            job = f"pod:{pod}@{node}"
        elif container:
            job = f"ctr:{container[:12]}@{node}"
        else:
            start = int(facts.start_time) if facts.start_time is not None else 0
            job = f"{node}:{facts.pid}:{start}"

        def found(account: str, method: str) -> Owner:
            return Owner(job=job, account=account, user=user, method=method)

        if env.get("SLURM_JOB_ACCOUNT"):
            return found(env["SLURM_JOB_ACCOUNT"], "slurm")
        if pod and pod in self.pods:
            return found(self.pods[pod], "pod")
        if pod and env.get("POD_NAMESPACE", "").startswith("co-"):
            return found(env["POD_NAMESPACE"], "namespace")
        if container:
            for prefix, account in self.containers.items():
                if container.startswith(prefix):
                    return found(account, "container")
        best = max(
            (
                prefix
                for prefix in self.cgroups
                for path in facts.cgroup
                if path == prefix or path.startswith(prefix.rstrip("/") + "/")
            ),
            key=len,
            default=None,
        )
        if best is not None:
            return found(self.cgroups[best], "cgroup")
        if user and user in self.users:
            return found(self.users[user], "user")
        if facts.uid is not None and str(facts.uid) in self.uids:
            return found(self.uids[str(facts.uid)], "uid")
        who = user or (f"uid{facts.uid}" if facts.uid is not None else "unknown")
        return found(f"unmapped:{who}", "unmapped")
