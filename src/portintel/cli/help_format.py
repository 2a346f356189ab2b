"""How the CLI's help prints a flag: by its name alone, without a value type.

Typer 0.29 (which vendors its own click) prints a type beside every option,
flags included: ``--json <bool>``, ``--help <bool>``. A flag takes no value,
so a type there reads as if one were expected (``--json true``). Every command
group of the CLI is built with :func:`command_group`; its group class blanks
the type of each flag, its own and its subcommands' (the help option and the
shell-completion options too), before any help is printed. An option that
takes a value keeps its type.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperGroup

if TYPE_CHECKING:
    from collections.abc import Iterable


def _blank_flag_types(params: Iterable[Any]) -> None:
    for param in params:
        if getattr(param, "is_flag", False) and getattr(param, "metavar", None) is None:
            param.metavar = ""


class FlagHelpGroup(TyperGroup):
    """A Typer group whose help, and its subcommands' help, prints flags without a type."""

    def get_params(self, ctx: Any) -> list[Any]:
        params: list[Any] = super().get_params(ctx)
        _blank_flag_types(params)
        return params

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None and not isinstance(command, FlagHelpGroup):
            # a leaf command: its options, and its help option built once and kept
            _blank_flag_types(command.params)
            _blank_flag_types([command.get_help_option(ctx)])
        return command


def command_group(help: str, **options: Any) -> typer.Typer:
    """A Typer app for a group of commands, printing help as every group of the CLI does."""
    options.setdefault("rich_markup_mode", None)
    return typer.Typer(cls=FlagHelpGroup, help=help, no_args_is_help=True, **options)
