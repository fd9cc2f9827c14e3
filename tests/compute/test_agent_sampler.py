"""The GPU agent's sampling and integration, with the scripted NVML (no GPU, no Django)."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from bitgoeul.compute.agent.fake import FakeClock, FakeNVML, ScenarioProcFS, write_proc_tree
from bitgoeul.compute.agent.mapping import Mapping
from bitgoeul.compute.agent.nvml import NotFound, NVMLUnavailable, model_code
from bitgoeul.compute.agent.procfs import ProcFS
from bitgoeul.compute.agent.sampler import Sampler


def make_sampler(
    scenario: dict[str, Any], clock: FakeClock, *, mapping: Mapping | None = None
) -> Sampler:
    nvml = FakeNVML(scenario, clock=clock.wall, t0=clock.start)
    procfs = ScenarioProcFS(scenario, clock=clock.wall, t0=clock.start)
    return Sampler(nvml=nvml, procfs=procfs, mapping=mapping or Mapping(), node="gpu07")


def run_for(sampler: Sampler, clock: FakeClock, seconds: int, interval: float = 1.0) -> None:
    sampler.start(clock.monotonic(), clock.wall())
    for _ in range(int(seconds / interval)):
        clock.sleep(interval)
        sampler.sample(clock.monotonic(), clock.wall())


def h100(*processes: dict[str, Any], **device: Any) -> dict[str, Any]:
    return {"devices": [{"name": "NVIDIA H100 80GB HBM3", "processes": list(processes), **device}]}


def job(sampler: Sampler, key: str) -> Any:
    return sampler.jobs[(key, "h100")]


def test_gpu_seconds_equal_the_time_present_within_one_interval() -> None:
    clock = FakeClock()
    scenario = h100(
        {"pid": 10, "start": 0, "end": 10, "sm": 50, "uid": 1000, "user": "kim"},
        {"pid": 11, "start": 3.5, "end": 7.2, "sm": 50, "uid": 1000, "user": "kim"},
        {"pid": 12, "start": 5.2, "end": 5.8, "sm": 50},  # never at a sampling instant
    )
    sampler = make_sampler(scenario, clock)
    run_for(sampler, clock, 15)
    first = sampler.processes[(sampler.devices[0].uuid, 10, clock.start)]
    second = sampler.processes[(sampler.devices[0].uuid, 11, clock.start + 3.5)]
    # seen at t = 1 … 9 and t = 4 … 7: each sample credits the interval before it
    assert first.gpu_seconds == 9.0
    assert second.gpu_seconds == 4.0
    assert abs(first.gpu_seconds - 10) <= 1 and abs(second.gpu_seconds - 3.7) <= 1
    assert [p.pid for p in sampler.processes.values()] == [10, 11]


def test_a_process_seen_once_counts_the_interval_it_was_seen_in() -> None:
    clock = FakeClock()
    sampler = make_sampler(h100({"pid": 10, "start": 3.0, "end": 4.5, "sm": 10}), clock)
    sampler.interval = 2.0
    run_for(sampler, clock, 8, interval=2.0)
    [process] = sampler.processes.values()  # present 1.5 s, seen only at t = 4
    assert process.gpu_seconds == 2.0


def test_sm_weighted_seconds_and_energy_split_by_sm_use() -> None:
    clock = FakeClock()
    scenario = h100(
        {"pid": 10, "start": 0, "end": None, "sm": 75},
        {"pid": 11, "start": 0, "end": None, "sm": 25},
        idle_watts=100,
    )
    sampler = make_sampler(scenario, clock)
    run_for(sampler, clock, 10)
    first, second = sampler.processes.values()
    assert (first.sm_gpu_seconds, second.sm_gpu_seconds) == (7.5, 2.5)
    # 10 s × 100 W = 1000 J, split 3 : 1
    assert (first.energy_j, second.energy_j) == (750.0, 250.0)
    assert sampler.idle_energy_j == 0.0


def test_idle_gpu_not_found_means_zero_sm_and_energy_split_evenly() -> None:
    clock = FakeClock()
    scenario = h100(
        {"pid": 10, "start": 0, "end": None, "sm": 0},
        {"pid": 11, "start": 0, "end": None, "sm": 0},
        idle_watts=60,
    )
    sampler = make_sampler(scenario, clock)
    nvml = sampler.nvml
    assert isinstance(nvml, FakeNVML)
    with pytest.raises(NotFound):
        nvml.process_utilisation(sampler.devices[0], 0)
    run_for(sampler, clock, 4)
    first, second = sampler.processes.values()
    assert (first.gpu_seconds, first.sm_gpu_seconds, first.energy_j) == (4.0, 0.0, 120.0)
    assert (second.gpu_seconds, second.sm_gpu_seconds, second.energy_j) == (4.0, 0.0, 120.0)


def test_sm_unknown_is_not_reported_and_energy_is_split_evenly() -> None:
    clock = FakeClock()
    scenario = h100(
        {"pid": 10, "start": 0, "end": None, "sm": 90, "watts": 200},
        {"pid": 11, "start": 0, "end": None, "sm": 10},
        sm_supported=False,
    )
    sampler = make_sampler(scenario, clock)
    run_for(sampler, clock, 3)
    first, second = sampler.processes.values()
    assert (first.sm_gpu_seconds, first.energy_j) == (None, 300.0)
    assert (second.sm_gpu_seconds, second.energy_j) == (None, 300.0)
    [entry] = [j.entry() for j in sampler.jobs.values()][:1]
    assert "sm_gpu_seconds" not in entry


def test_energy_attributed_plus_idle_equals_the_counter() -> None:
    clock = FakeClock()
    scenario = h100(
        {"pid": 10, "start": 2, "end": 6, "sm": 40, "watts": 250},
        {"pid": 11, "start": 4, "end": 9, "sm": [10, 20, 30, 0, 60], "watts": 150},
        idle_watts=50,
        energy_mj=123_456_789,
    )
    sampler = make_sampler(scenario, clock)
    run_for(sampler, clock, 12)
    attributed = sum(p.energy_j or 0.0 for p in sampler.processes.values())
    # 12 s idle × 50 W + 4 s × 250 W + 5 s × 150 W
    assert round(attributed + sampler.idle_energy_j, 6) == 600 + 1000 + 750


def test_a_job_is_credited_once_per_gpu_however_many_processes() -> None:
    clock = FakeClock()
    slurm = {"SLURM_JOB_ID": "77", "SLURM_JOB_ACCOUNT": "co-1208112345", "SLURM_JOB_USER": "kim"}
    scenario = {
        "devices": [
            {
                "name": "NVIDIA H100 80GB HBM3",
                "processes": [
                    {"pid": 10, "start": 0, "end": None, "sm": 70, "env": slurm},
                    {"pid": 11, "start": 0, "end": None, "sm": 60, "env": slurm},
                ],
            },
            {
                "name": "NVIDIA H100 80GB HBM3",
                "processes": [{"pid": 10, "start": 0, "end": None, "sm": 40, "env": slurm}],
            },
        ]
    }
    sampler = make_sampler(scenario, clock)
    run_for(sampler, clock, 5)
    usage = job(sampler, "slurm:77@gpu07")
    # two GPUs × 5 s; SM on the first GPU capped at 100 %, 40 % on the second
    assert (usage.gpu_seconds, round(usage.sm_gpu_seconds or 0, 9)) == (10.0, 7.0)
    assert (usage.account, usage.user) == ("co-1208112345", "kim")
    assert len(sampler.processes) == 3


def test_a_job_that_ends_is_reported_exited_with_its_end() -> None:
    clock = FakeClock()
    sampler = make_sampler(h100({"pid": 10, "start": 0, "end": 3, "sm": 50, "user": "kim"}), clock)
    run_for(sampler, clock, 6)
    [usage] = sampler.jobs.values()
    entry = usage.entry()
    assert (entry["state"], entry["gpu_seconds"]) == ("EXITED", 2.0)
    assert entry["ended_at"] == "2026-12-01T00:00:02+00:00"
    assert entry["started_at"] == "2026-12-01T00:00:00+00:00"


def test_a_long_gap_is_credited_as_max_gap_intervals() -> None:
    clock = FakeClock()
    sampler = make_sampler(h100({"pid": 10, "start": 0, "end": None, "sm": 50}), clock)
    sampler.start(clock.monotonic(), clock.wall())
    clock.sleep(100)
    sampler.sample(clock.monotonic(), clock.wall())
    [process] = sampler.processes.values()
    assert process.gpu_seconds == 3.0


def test_pid_reuse_is_a_new_process_and_job(tmp_path: Any) -> None:
    clock = FakeClock()
    boot = clock.start - 1000
    proc = tmp_path / "proc"
    write_proc_tree(proc, [{"pid": 500, "start": clock.start - 5, "uid": 1000}], boot_time=boot)
    users = {1000: "kim", 1001: "lee"}
    procfs = ProcFS(proc, user_name=lambda uid: users.get(uid, ""), clock_ticks=100)
    scenario = h100({"pid": 500, "start": 0, "end": None, "sm": 50})
    nvml = FakeNVML(scenario, clock=clock.wall, t0=clock.start)
    mapping = Mapping(users={"kim": "co-1", "lee": "co-2"})
    sampler = Sampler(nvml=nvml, procfs=procfs, mapping=mapping, node="gpu07")
    run_for(sampler, clock, 3)
    # pid 500 exits and the kernel gives the number to lee's new process
    write_proc_tree(proc, [{"pid": 500, "start": clock.now - 0.5, "uid": 1001}], boot_time=boot)
    for _ in range(2):
        clock.sleep(1)
        sampler.sample(clock.monotonic(), clock.wall())
    first, second = sampler.processes.values()
    assert (first.user, first.account, first.gpu_seconds) == ("kim", "co-1", 3.0)
    assert (second.user, second.account, second.gpu_seconds) == ("lee", "co-2", 2.0)
    jobs = {key: (j.account, j.gpu_seconds, j.ended) for (key, _), j in sampler.jobs.items()}
    assert jobs == {
        f"gpu07:500:{int(clock.start - 5)}": ("co-1", 3.0, True),
        f"gpu07:500:{int(clock.start + 2.5)}": ("co-2", 2.0, False),
    }


def test_state_survives_a_restart_and_totals_keep_growing() -> None:
    clock = FakeClock()
    scenario = h100({"pid": 10, "start": 0, "end": None, "sm": 50, "user": "kim"})
    sampler = make_sampler(scenario, clock)
    run_for(sampler, clock, 4)
    saved = sampler.dump()
    again = make_sampler(scenario, clock)
    again.restore(saved)
    run_for(again, clock, 3)
    [usage] = again.jobs.values()
    assert usage.gpu_seconds == 7.0


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("NVIDIA H100 80GB HBM3", "h100"),
        ("NVIDIA A100-SXM4-80GB", "a100"),
        ("Tesla T4", "t4"),
        ("NVIDIA H200", "h200"),
        ("", "untyped"),
    ],
)
def test_model_code_from_the_nvml_name(name: str, code: str) -> None:
    assert model_code(name) == code


def test_the_mapping_file_overrides_a_model_name() -> None:
    clock = FakeClock()
    scenario = {"devices": [{"name": "NVIDIA RTX A6000", "processes": []}]}
    sampler = make_sampler(scenario, clock, mapping=Mapping(models={"NVIDIA RTX A6000": "a6000"}))
    assert sampler.model(sampler.devices[0]) == "a6000"


class FlakyNVML(FakeNVML):
    """Fails to list the processes of every device while `failing` is set."""

    failing = False

    def compute_processes(self, device: Any) -> Any:
        if self.failing:
            raise NVMLUnavailable("nvmlDeviceGetComputeRunningProcesses: GPU is lost")
        return super().compute_processes(device)


def test_a_device_that_cannot_be_listed_ends_no_job_and_is_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = FakeClock()
    scenario = h100({"pid": 10, "start": 0, "end": None, "sm": 50})
    nvml = FlakyNVML(scenario, clock=clock.wall, t0=clock.start)
    procfs = ScenarioProcFS(scenario, clock=clock.wall, t0=clock.start)
    sampler = Sampler(nvml=nvml, procfs=procfs, mapping=Mapping(), node="gpu07")
    run_for(sampler, clock, 2)
    nvml.failing = True
    with caplog.at_level(logging.WARNING, logger="bitgoeul.gpu_agent"):
        for _ in range(3):
            clock.sleep(1)
            sampler.sample(clock.monotonic(), clock.wall())
    nvml.failing = False
    clock.sleep(1)
    sampler.sample(clock.monotonic(), clock.wall())
    [usage] = sampler.jobs.values()
    assert (usage.ended, usage.gpu_seconds) == (False, 3.0)
    assert caplog.text.count("cannot list processes: ") == 1
