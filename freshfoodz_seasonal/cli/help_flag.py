"""`--help` shown as the flag it is: typer lists it as `--help <bool>`, a value it would refuse."""

from __future__ import annotations

# typer vendors click from 0.29 on: its Context is the type the override must take.
from typer._click.core import Context
from typer.core import TyperCommand, TyperGroup, TyperOption


def _as_flag(option: TyperOption | None) -> TyperOption | None:
    if option is not None:
        option.metavar = ""  # as cli.options.flag does for the commands' own flags
    return option


class FlagHelpCommand(TyperCommand):
    def get_help_option(self, ctx: Context) -> TyperOption | None:
        return _as_flag(super().get_help_option(ctx))


class FlagHelpGroup(TyperGroup):
    def get_help_option(self, ctx: Context) -> TyperOption | None:
        return _as_flag(super().get_help_option(ctx))
