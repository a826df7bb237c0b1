"""The war room's URLs and keys carry their credentials: each is only ever a Pulumi secret of its own and
never printed.

Found by an adversarial review: a plain-text webhook in a stack file passed validation and reached
previews and PR comments; a long secret URL failed validation under the engine with the URL twice in
the error, into CI logs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml

from freshfoodz_seasonal.naming import CONFIG_NAMESPACE
from freshfoodz_seasonal.preview.capture import Capture, run_program, secret_placeholder, stack_config
from tests.support.cli_runner import invoke
from tests.support.project import FROZEN, frozen_stack, project_copy

TOKEN = "T0KEN-" + "x" * 230  # longer than any plain text the model accepts
URL = f"https://chat.example.org/webhook/{TOKEN}"
KEY = f"{CONFIG_NAMESPACE}:warRoomSlackUrl"


def stack_file(tmp_path: Path, webhook: Any) -> Path:
    document = yaml.safe_load(frozen_stack("weihnachten").read_text(encoding="utf-8"))
    document["config"][KEY] = webhook
    path = tmp_path / "Pulumi.secretive.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["validate", "plan", "preview"])
def test_a_plain_text_webhook_is_refused_without_being_shown(tmp_path: Path, command: str) -> None:
    result = invoke(command, str(stack_file(tmp_path, URL)), "--project-dir", str(FROZEN))
    assert result.exit_code == 2, result.output
    assert TOKEN not in result.output and "pulumi config set --secret warRoomSlackUrl VALUE" in result.output


def test_a_long_secret_passes_and_stays_hidden(tmp_path: Path) -> None:
    result = invoke("validate", str(stack_file(tmp_path, {"secure": "v1:" + "A" * 4000})))
    assert result.exit_code == 0, result.output


def test_the_program_declares_the_webhook_only_as_a_secret(tmp_path: Path) -> None:
    config = yaml.safe_load(frozen_stack("weihnachten").read_text(encoding="utf-8"))["config"]
    # Marked secret, as Pulumi passes a secret key: the contact point is declared, the value shown nowhere.
    capture = run_program(
        FROZEN / "__main__.py", CONFIG_NAMESPACE, "weihnachten", stack_config({**config, KEY: {"secure": URL}})
    )
    points = [r for r in capture.resources if r.type.endswith("ContactPoint")]
    assert {point.name.rpartition("-")[2] for point in points} == {"critical", "warning"}
    for point in points:
        assert point.inputs["slacks"] == {"secret": [{"url": secret_placeholder(URL)}]}
    assert TOKEN not in str([r.inputs for r in capture.resources]) and TOKEN not in str(capture.outputs)


def test_a_plain_text_webhook_under_the_engine_is_refused_without_the_value() -> None:
    config = yaml.safe_load(frozen_stack("weihnachten").read_text(encoding="utf-8"))["config"]
    capture = Capture()
    with pytest.raises(pulumi.RunError) as refused:
        run_program(
            FROZEN / "__main__.py", CONFIG_NAMESPACE, "weihnachten", stack_config({**config, KEY: URL}), capture
        )
    assert "warRoomSlackUrl" in str(refused.value) and TOKEN not in str(refused.value)
    assert capture.resources == []


@pytest.mark.parametrize("output_format", ["markdown", "json", "table"])
def test_a_rotated_secret_shows_as_changed_and_nothing_of_it(tmp_path: Path, output_format: str) -> None:
    project_copy(tmp_path)
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
    config = yaml.safe_load(frozen_stack("weihnachten").read_text(encoding="utf-8"))["config"]
    capture = Capture()
    with pytest.raises(pulumi.RunError) as refused:
        run_program(
            FROZEN / "__main__.py", CONFIG_NAMESPACE, "weihnachten",
            stack_config({**config, f"{CONFIG_NAMESPACE}:{key}": {"secure": "v1:" + TOKEN}}), capture,
        )  # fmt: skip
    message = str(refused.value)
    assert f"{CONFIG_NAMESPACE}:{key}" in message and "a settings key is never read as one" in message
    assert TOKEN not in message and capture.resources == []


def test_a_secret_no_integration_names_is_refused(tmp_path: Path) -> None:
    document = yaml.safe_load(frozen_stack("weihnachten").read_text(encoding="utf-8"))
    document["config"][f"{CONFIG_NAMESPACE}:warRoomSlackURL"] = {"secure": "v1:" + TOKEN}  # a typo of the key
    path = tmp_path / "Pulumi.typo.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    result = invoke("validate", str(path))
    assert result.exit_code == 2, result.output
    flat = " ".join(result.output.split())
    assert "warRoomSlackURL: no integration of warRoom.receivers names this secret" in flat and TOKEN not in flat


def test_an_update_without_its_secrets_is_refused_and_a_preview_marks_their_placeholders() -> None:
    config = yaml.safe_load(frozen_stack("weihnachten").read_text(encoding="utf-8"))["config"]
    capture = Capture()
    with pytest.raises(pulumi.RunError) as refused:
        run_program(
            FROZEN / "__main__.py", CONFIG_NAMESPACE, "weihnachten", stack_config(config), capture, preview=False
        )
    message = str(refused.value)
    for key in ("warRoomPagerDutyKey", "warRoomSlackUrl"):
        assert f"{CONFIG_NAMESPACE}:{key}: not set; a war-room integration needs it" in message
    assert capture.resources == []
    preview = run_program(FROZEN / "__main__.py", CONFIG_NAMESPACE, "weihnachten", stack_config(config))
    assert "warRoomSlackUrl is not set: its war-room integration declares a placeholder until it is" in preview.warnings
    critical = next(r for r in preview.resources if r.name.endswith("war-room-critical"))
    assert critical.inputs["slacks"] == {
        "secret": [{"url": "[not set: pulumi config set --secret warRoomSlackUrl VALUE]"}]
    }


def test_a_url_pasted_where_its_config_key_belongs_is_refused_without_being_shown(tmp_path: Path) -> None:
    # Found by a review: the pattern's refusal quoted the pasted webhook URL, into CI logs.
    document = yaml.safe_load(frozen_stack("weihnachten").read_text(encoding="utf-8"))
    chat = document["config"][f"{CONFIG_NAMESPACE}:warRoom"]["receivers"][1]
    chat["integrations"][0]["secret"] = URL
    chat["integrations"][1]["addresses"] = [URL]
    path = tmp_path / "Pulumi.pasted.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    result = invoke("validate", str(path))
    assert result.exit_code == 2, result.output
    assert "integrations[0].secret: string should match pattern" in result.output
    assert "integrations[1].addresses[0]" in result.output
    assert TOKEN not in result.output and "chat.example.org" not in result.output
