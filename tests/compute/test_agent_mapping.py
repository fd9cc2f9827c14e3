"""Which job and account the GPU agent gives a process: /proc read from a temporary tree."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bitgoeul.compute.agent.fake import write_proc_tree
from bitgoeul.compute.agent.mapping import Mapping, Owner
from bitgoeul.compute.agent.procfs import ProcFS

BOOT = 1_796_000_000
POD = "3f6a1c2e-9b7d-4e21-8c55-0a1b2c3d4e5f"
CONTAINER = "4b825dc642cb6eb9a060e54bf8d69288fbee4904" + "a1b2c3d4e5f60718293a4b5c"
USERS = {1000: "kim", 1001: "lee", 0: "root"}


def owner_of(tmp_path: Path, process: dict[str, Any], mapping: Mapping | None = None) -> Owner:
    proc = write_proc_tree(tmp_path / "proc", [{"pid": 4242, **process}], boot_time=BOOT)
    procfs = ProcFS(proc, user_name=lambda uid: USERS.get(uid, ""), clock_ticks=100)
    return (mapping or Mapping()).owner(procfs.facts(4242), node="gpu07")


def test_proc_stat_start_time_with_a_command_name_holding_spaces_and_parentheses(
    tmp_path: Path,
) -> None:
    proc = write_proc_tree(
        tmp_path, [{"pid": 7, "start": BOOT + 1234.56, "comm": "a (b) c"}], boot_time=BOOT
    )
    procfs = ProcFS(proc, clock_ticks=100)
    assert procfs.start_time(7) == BOOT + 1234.56
    assert procfs.start_time(8) is None  # gone


def test_only_the_environment_the_agent_needs_is_kept(tmp_path: Path) -> None:
    proc = write_proc_tree(
        tmp_path,
        [{"pid": 7, "start": BOOT + 1, "env": {"SLURM_JOB_ID": "5", "API_KEY": "k"}}],
        boot_time=BOOT,
    )
    assert ProcFS(proc, clock_ticks=100).facts(7).environ == {"SLURM_JOB_ID": "5"}


def test_a_slurm_job_from_its_environment(tmp_path: Path) -> None:
    env = {"SLURM_JOB_ID": "991", "SLURM_JOB_ACCOUNT": "co-1208112345", "SLURM_JOB_USER": "park"}
    owner = owner_of(tmp_path, {"start": BOOT + 10, "uid": 1000, "env": env})
    assert owner == Owner(
        job="slurm:991@gpu07", account="co-1208112345", user="park", method="slurm"
    )


def test_a_slurm_array_task_has_the_job_id_sacct_prints(tmp_path: Path) -> None:
    env = {
        "SLURM_JOB_ID": "1002",
        "SLURM_ARRAY_JOB_ID": "1000",
        "SLURM_ARRAY_TASK_ID": "2",
        "SLURM_JOB_ACCOUNT": "co-1",
    }
    owner = owner_of(tmp_path, {"start": BOOT + 10, "uid": 1000, "env": env})
    assert (owner.job, owner.account, owner.user) == ("slurm:1000_2@gpu07", "co-1", "kim")


def test_a_slurm_job_from_its_cgroup_when_the_environment_is_unreadable(tmp_path: Path) -> None:
    cgroup = ["0::/system.slice/slurmstepd.scope/job_4711/step_0/user/task_0"]
    owner = owner_of(
        tmp_path,
        {"start": BOOT + 10, "uid": 1001, "cgroup": cgroup},
        Mapping(users={"lee": "co-2"}),
    )
    assert owner == Owner(job="slurm:4711@gpu07", account="co-2", user="lee", method="user")


def test_a_kubernetes_pod_mapped_by_its_uid(tmp_path: Path) -> None:
    scope = CONTAINER
    cgroup = [
        "0::/kubepods.slice/kubepods-burstable.slice/"
        f"kubepods-burstable-pod{POD.replace('-', '_')}.slice/cri-containerd-{scope}.scope"
    ]
    owner = owner_of(
        tmp_path, {"start": BOOT + 10, "uid": 0, "cgroup": cgroup}, Mapping(pods={POD: "co-3"})
    )
    assert owner == Owner(job=f"pod:{POD}@gpu07", account="co-3", user="root", method="pod")


def test_a_kubernetes_pod_by_its_namespace_from_the_downward_api(tmp_path: Path) -> None:
    cgroup = [f"12:memory:/kubepods/besteffort/pod{POD}/{CONTAINER}"]
    owner = owner_of(
        tmp_path,
        {"start": BOOT + 10, "uid": 0, "cgroup": cgroup, "env": {"POD_NAMESPACE": "co-777"}},
    )
    assert (owner.job, owner.account, owner.method) == (f"pod:{POD}@gpu07", "co-777", "namespace")


def test_a_docker_container_mapped_by_its_id_prefix(tmp_path: Path) -> None:
    cgroup = [f"0::/system.slice/docker-{CONTAINER}.scope"]
    owner = owner_of(
        tmp_path,
        {"start": BOOT + 10, "uid": 1000, "cgroup": cgroup},
        Mapping(containers={CONTAINER[:12]: "co-4"}),
    )
    assert owner == Owner(
        job=f"ctr:{CONTAINER[:12]}@gpu07", account="co-4", user="kim", method="container"
    )


def test_the_longest_cgroup_prefix_wins(tmp_path: Path) -> None:
    mapping = Mapping(cgroups={"/research": "co-5", "/research/vision": "co-6", "/re": "co-x"})
    owner = owner_of(
        tmp_path, {"start": BOOT + 10, "uid": 1000, "cgroup": ["0::/research/vision/run1"]}, mapping
    )
    assert (owner.account, owner.method) == ("co-6", "cgroup")
    assert owner.job == f"gpu07:4242:{BOOT + 10}"


def test_by_unix_user_then_by_uid(tmp_path: Path) -> None:
    by_user = owner_of(tmp_path, {"start": BOOT + 10, "uid": 1000}, Mapping(users={"kim": "co-7"}))
    by_uid = owner_of(tmp_path, {"start": BOOT + 10, "uid": 1234}, Mapping(uids={"1234": "co-8"}))
    assert (by_user.account, by_user.method) == ("co-7", "user")
    assert (by_uid.account, by_uid.method, by_uid.user) == ("co-8", "uid", "")


@pytest.mark.parametrize(("uid", "account"), [(1001, "unmapped:lee"), (4321, "unmapped:uid4321")])
def test_an_unmapped_process_is_still_reported_with_its_user(
    tmp_path: Path, uid: int, account: str
) -> None:
    owner = owner_of(tmp_path, {"start": BOOT + 10, "uid": uid})
    assert (owner.account, owner.method, owner.job) == (
        account,
        "unmapped",
        f"gpu07:4242:{BOOT + 10}",
    )


def test_the_mapping_file_is_yaml(tmp_path: Path) -> None:
    path = tmp_path / "mapping.yaml"
    path.write_text(
        "users:\n  kim: co-1208112345\nuids:\n  1001: co-2\ncgroups:\n  /research: co-3\n"
        "models:\n  NVIDIA RTX A6000: a6000\n",
        encoding="utf-8",
    )
    mapping = Mapping.load(path)
    assert mapping == Mapping(
        users={"kim": "co-1208112345"},
        uids={"1001": "co-2"},
        cgroups={"/research": "co-3"},
        models={"NVIDIA RTX A6000": "a6000"},
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- a\n- b\n", "must be a mapping of sections"),
        ("groups:\n  a: co-1\n", r"unknown sections \['groups'\]"),
        ("users:\n  kim: [co-1]\n", "`users` must map keys to account names"),
    ],
)
def test_a_wrong_mapping_file_says_what_is_wrong(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "mapping.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        Mapping.load(path)
