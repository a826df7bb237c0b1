"""The war room's webhook carries its credential: it is only ever a Pulumi secret and never printed.

Found by an adversarial review: a plain-text webhook in a stack file passed validation and reached
previews and PR comments; a long secret URL failed validation under the engine with the URL twice in
the error, into CI logs.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml

from freshfoodz_seasonal.naming import CONFIG_NAMESPACE
from freshfoodz_seasonal.preview.capture import Capture, run_program, secret_placeholder, stack_config
from tests.support.cli_runner import invoke
from tests.support.project import ROOT

TOKEN = "T0KEN-" + "x" * 230  # longer than any plain text the model accepts
URL = f"https://chat.example.org/webhook/{TOKEN}"
KEY = f"{CONFIG_NAMESPACE}:warRoomWebhookUrl"


def stack_file(tmp_path: Path, webhook: Any) -> Path:
    document = yaml.safe_load((ROOT / "Pulumi.weihnachten.yaml").read_text(encoding="utf-8"))
    document["config"][KEY] = webhook
    path = tmp_path / "Pulumi.secretive.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["validate", "plan", "preview"])
def test_a_plain_text_webhook_is_refused_without_being_shown(tmp_path: Path, command: str) -> None:
    result = invoke(command, str(stack_file(tmp_path, URL)), "--project-dir", str(ROOT))
    assert result.exit_code == 2, result.output
    assert TOKEN not in result.output and "pulumi config set --secret warRoomWebhookUrl" in result.output


def test_a_long_secret_passes_and_stays_hidden(tmp_path: Path) -> None:
    result = invoke("validate", str(stack_file(tmp_path, {"secure": "v1:" + "A" * 4000})))
    assert result.exit_code == 0, result.output


def test_the_program_declares_the_webhook_only_as_a_secret(tmp_path: Path) -> None:
    config = yaml.safe_load((ROOT / "Pulumi.weihnachten.yaml").read_text(encoding="utf-8"))["config"]
    # Marked secret, as Pulumi passes a secret key: the contact point is declared, the value shown nowhere.
    capture = run_program(
        ROOT / "__main__.py", CONFIG_NAMESPACE, "weihnachten", stack_config({**config, KEY: {"secure": URL}})
    )
    assert any(r.type.endswith("ContactPoint") for r in capture.resources)
    assert TOKEN not in str([r.inputs for r in capture.resources]) and TOKEN not in str(capture.outputs)


def test_a_plain_text_webhook_under_the_engine_is_refused_without_the_value() -> None:
    config = yaml.safe_load((ROOT / "Pulumi.weihnachten.yaml").read_text(encoding="utf-8"))["config"]
    capture = Capture()
    with pytest.raises(pulumi.RunError) as refused:
        run_program(ROOT / "__main__.py", CONFIG_NAMESPACE, "weihnachten", stack_config({**config, KEY: URL}), capture)
    assert "warRoomWebhookUrl" in str(refused.value) and TOKEN not in str(refused.value)
    assert capture.resources == []


@pytest.mark.parametrize("output_format", ["markdown", "json", "table"])
def test_a_rotated_secret_shows_as_changed_and_nothing_of_it(tmp_path: Path, output_format: str) -> None:
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy2(ROOT / name, tmp_path / name)
    ciphertexts = {"xmas": "v1:OLDCIPHERTEXT", "xmas-rotated": "v1:NEWCIPHERTEXT"}
    for stack, ciphertext in ciphertexts.items():
        stack_file(tmp_path, {"secure": ciphertext}).rename(tmp_path / f"Pulumi.{stack}.yaml")
    result = invoke(
        "diff", "xmas-rotated", "--against", "xmas", "--project-dir", str(tmp_path), "--format", output_format,
        env={"COLUMNS": "250"},  # a table cell wider than the terminal wraps
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    shown = r"\[secret changed\]" if output_format == "markdown" else "[secret changed]"  # markdown escapes [ ]
    assert shown in result.output
    for ciphertext in ciphertexts.values():
        assert ciphertext not in result.output and secret_placeholder(ciphertext) not in result.output


@pytest.mark.parametrize("key", ["platform", "loadTest", "season"])
def test_a_secret_on_any_other_key_is_refused_without_being_read(key: str) -> None:
    # Under the engine a secret reaches the program decrypted: read as plain config it would go into
    # resource inputs and error messages unmarked. The program refuses it before reading it.
    config = yaml.safe_load((ROOT / "Pulumi.weihnachten.yaml").read_text(encoding="utf-8"))["config"]
    capture = Capture()
    with pytest.raises(pulumi.RunError) as refused:
        run_program(
            ROOT / "__main__.py", CONFIG_NAMESPACE, "weihnachten",
            stack_config({**config, f"{CONFIG_NAMESPACE}:{key}": {"secure": "v1:" + TOKEN}}), capture,
        )  # fmt: skip
    message = str(refused.value)
    assert f"{CONFIG_NAMESPACE}:{key}" in message and "only warRoomWebhookUrl is read as one" in message
    assert TOKEN not in message and capture.resources == []
