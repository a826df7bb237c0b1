"""The peak test distributed through the k6-operator: a ConfigMap with the script and a `TestRun`.

`parallelism` is the number of k6 runner pods. k6 splits the arrival rate and the VUs of the scenario
between them (execution segments), so each runner drives about `RPS_PER_RUNNER` requests per second at
the peak: a conservative figure for one k6 instance with a few CPUs doing plain HTTP requests (k6 itself
reaches thousands of rps per instance; the margin leaves room for TLS and for busy nodes).

The runners read API_BASE_URL from the TestRun and API_TOKEN from a Secret the team creates
(`kubectl create secret generic <token_secret> --from-literal=<token_key>=...`); the token never
appears in a manifest.
"""

from __future__ import annotations

import re
from typing import Any

from capacity.rounding import ceil_tolerant
from freshfoodz_seasonal.config.model import LoadTest
from freshfoodz_seasonal.content.loadtest.k6_script import PeakTest, peak_test, render
from freshfoodz_seasonal.metrics.thresholds import BusinessKpis
from freshfoodz_seasonal.naming import MANAGED_BY_LABEL, PART_OF_LABEL, PROJECT, SEASON_KEY
from freshfoodz_seasonal.plan.season_plan import SeasonPlan

RPS_PER_RUNNER = 500.0
SCRIPT_FILE = "peak-test.js"
TEST_RUN_API_VERSION = "k6.io/v1alpha1"
# The name and key of the Secret with the API token, not the token.
DEFAULT_TOKEN_SECRET = "k6-api-token"  # noqa: S105
DEFAULT_TOKEN_KEY = "token"  # noqa: S105
# The k6-operator names jobs and pods after the TestRun (`<name>-initializer`, `<name>-<n>-<hash>`);
# 40 characters leave room for those suffixes within the 63 of a label value.
MAX_NAME_LENGTH = 40
# A ConfigMap holds at most 1 MiB.
MAX_CONFIG_MAP_BYTES = 1024 * 1024
_NAME = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")


def parallelism(peak_rps: float, rps_per_runner: float = RPS_PER_RUNNER) -> int:
    """Runner pods for a peak rate: ceil(peak rps / rps per runner), at least 1."""
    if not rps_per_runner > 0:
        raise ValueError(f"rps_per_runner must be positive, got {rps_per_runner}")
    return max(1, ceil_tolerant(peak_rps / rps_per_runner))


def k6_test_run_name(season: str) -> str:
    """`k6-<season>-peak`, shortened to fit the operator's derived names."""
    name = f"k6-{season}-peak"
    if len(name) > MAX_NAME_LENGTH:
        name = f"k6-{season}"[:MAX_NAME_LENGTH].rstrip("-")
    return name


def _labels(test: PeakTest) -> dict[str, str]:
    return {
        "app.kubernetes.io/name": "k6-peak-test",
        PART_OF_LABEL: PROJECT,
        MANAGED_BY_LABEL: "seasonctl",
        SEASON_KEY: test.season,
    }


def _check_name(name: str, what: str) -> None:
    if len(name) > MAX_NAME_LENGTH or not _NAME.fullmatch(name):
        raise ValueError(
            f"{what} {name!r} must be at most {MAX_NAME_LENGTH} lowercase letters, digits and '-', "
            "starting and ending with a letter or digit"
        )


def script_config_map(name: str, namespace: str, script: str, labels: dict[str, str]) -> dict[str, Any]:
    """A v1 ConfigMap holding the script under `SCRIPT_FILE`."""
    _check_name(name, "ConfigMap name")
    size = len(script.encode())
    if size > MAX_CONFIG_MAP_BYTES:
        raise ValueError(f"the script has {size} bytes, more than the {MAX_CONFIG_MAP_BYTES} a ConfigMap holds")
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": namespace, "labels": dict(labels)},
        "data": {SCRIPT_FILE: script},
    }


def k6_test_run(
    name: str,
    namespace: str,
    config_map: str,
    runners: int,
    api_base_url: str,
    labels: dict[str, str],
    token_secret: str = DEFAULT_TOKEN_SECRET,
    token_key: str = DEFAULT_TOKEN_KEY,
) -> dict[str, Any]:
    """A k6-operator TestRun running `SCRIPT_FILE` of `config_map` on `runners` pods."""
    _check_name(name, "TestRun name")
    if runners < 1:
        raise ValueError(f"parallelism must be at least 1, got {runners}")
    return {
        "apiVersion": TEST_RUN_API_VERSION,
        "kind": "TestRun",
        "metadata": {"name": name, "namespace": namespace, "labels": dict(labels)},
        "spec": {
            "parallelism": runners,
            "script": {"configMap": {"name": config_map, "file": SCRIPT_FILE}},
            "arguments": f"--tag testid={name}",
            "runner": {
                "metadata": {"labels": dict(labels)},
                "env": [
                    {"name": "API_BASE_URL", "value": api_base_url},
                    {"name": "API_TOKEN", "valueFrom": {"secretKeyRef": {"name": token_secret, "key": token_key}}},
                ],
            },
        },
    }


def in_cluster_manifests(
    plan: SeasonPlan,
    kpis: BusinessKpis,
    shape: LoadTest,
    api_base_url: str,
    namespace: str,
    rps_per_runner: float = RPS_PER_RUNNER,
    token_secret: str = DEFAULT_TOKEN_SECRET,
    token_key: str = DEFAULT_TOKEN_KEY,
) -> list[dict[str, Any]]:
    """[ConfigMap, TestRun] of the season's peak test, in `namespace` (the stack's peak-controls namespace)."""
    test = peak_test(plan, kpis, shape)
    name = k6_test_run_name(test.season)
    labels = _labels(test)
    return [
        script_config_map(name, namespace, render(test), labels),
        k6_test_run(
            name,
            namespace,
            name,
            parallelism(test.peak_rps, rps_per_runner),
            api_base_url,
            labels,
            token_secret,
            token_key,
        ),
    ]
