"""Every command's help shows its flags as flags: `--yes`, never `--yes <bool>` (a value it refuses)."""

from __future__ import annotations

from typer.main import get_command

from freshfoodz_seasonal.cli.app import app
from tests.support.cli_runner import invoke


def commands() -> list[list[str]]:
    group = get_command(app)
    found = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        subcommands = getattr(command, "commands", None)
        found += [[name, sub] for sub in subcommands] if subcommands else [[name]]
    return found


def test_no_flag_shows_a_value_in_any_commands_help() -> None:
    assert ["warroom", "rota"] in commands() and ["rollback"] in commands()
    for command in [[], ["warroom"], *commands()]:
        result = invoke(*command, "--help", env={"COLUMNS": "200"})
        assert result.exit_code == 0, (command, result.output)
        shown = [line for line in result.output.splitlines() if "<bool>" in line]
        assert not shown, (command, shown)
