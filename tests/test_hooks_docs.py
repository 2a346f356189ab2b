"""Every hook, with every argument, is documented in docs/hooks-and-jobs.md."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from portintel.services.events import HOOK_NAMES, hookspecs

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "hooks-and-jobs.md"


@pytest.mark.parametrize("hook", [*HOOK_NAMES, "register_jobs"])
def test_hook_is_documented_with_its_arguments(hook: str) -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    rows = [line for line in guide.splitlines() if line.startswith(f"| `{hook}` |")]
    if hook == "register_jobs":
        assert f"`{hook}()`" in guide
        return
    assert len(rows) == 1, f"docs/hooks-and-jobs.md has no table row for {hook}"
    for argument in inspect.signature(getattr(hookspecs, hook)).parameters:
        if argument != "workspace":
            assert f"`{argument}`" in rows[0], f"{hook}'s argument {argument} is not documented"


def test_every_declared_hook_is_fired_or_said_not_to_be() -> None:
    declared = {
        name
        for name, value in vars(hookspecs).items()
        if callable(value) and hasattr(value, "portintel_spec")
    }
    assert declared == {*HOOK_NAMES, "register_jobs"}
