"""What a provisioning run teaches: a step of one kind measures that kind, the last update the Pulumi run."""

from __future__ import annotations

import datetime as dt

from freshfoodz_seasonal.adapters.duration_files import load_durations
from freshfoodz_seasonal.durations import ChangeKind, Minutes
from freshfoodz_seasonal.provisioning.record import Measured, learned_durations, record_document
from freshfoodz_seasonal.provisioning.schedule import Change, Step

ROWS = load_durations()
REPLICAS = Step(
    "replicas", "", (Change("r1", (ChangeKind.RDS_REPLICA_CREATE,)),), Minutes(8.5, 21.5, 64), (), True, -14
)
MIXED = Step(
    "nodes-pods",
    "",
    (Change("g", (ChangeKind.NODE_GROUP_CREATE,)), Change("h", (ChangeKind.KUBERNETES_OBJECT,), ("g",))),
    Minutes(2, 6, 20),
    (),
    True,
    -14,
)


def test_a_step_of_one_kind_teaches_that_kind_less_the_pulumi_run() -> None:
    learned = learned_durations(
        [REPLICAS, MIXED], [Measured("replicas", 31.5, True), Measured("nodes-pods", 4, True)], ROWS, 1.2
    )
    # 31.5 minutes less the typical Pulumi run (1.5): 30; the known low and high widen to take it in.
    assert learned["rds-replica-create"] == {"low": 8.0, "typical": 30.0, "high": 60.0}
    assert learned["pulumi-run"] == {"low": 0.5, "typical": 1.2, "high": 4.0}
    assert "node-group-create" not in learned  # a step of mixed kinds teaches nothing by itself


def test_a_stopped_step_teaches_nothing_and_is_recorded_as_stopped() -> None:
    measured = [Measured("replicas", 90, False)]
    assert learned_durations([REPLICAS], measured, ROWS, None) == {}
    document = record_document("weihnachten", dt.date(2026, 10, 18), [REPLICAS, MIXED], measured, ROWS, None)
    assert document["steps"][0] == {
        "name": "replicas",
        "estimate_minutes": {"low": 8.5, "typical": 21.5, "high": 64.0},
        "measured_minutes": 90.0,
        "finished": False,
    }
    assert document["steps"][1]["measured_minutes"] is None


def test_a_measurement_beyond_the_known_high_widens_it() -> None:
    learned = learned_durations([REPLICAS], [Measured("replicas", 81.5, True)], ROWS, None)
    assert learned["rds-replica-create"] == {"low": 8.0, "typical": 80.0, "high": 80.0}


def test_a_step_that_changed_nothing_teaches_nothing() -> None:
    # A resumed run, or the second day of a two-day plan: the replicas exist, the step takes a Pulumi run.
    assert learned_durations([REPLICAS], [Measured("replicas", 1.4, True)], ROWS, None) == {}
