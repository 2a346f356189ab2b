"""The documentation keeps its promises: Quick start verbatim, links that resolve,
every role in the user guide."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from portintel.domain.actors import Role

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def test_quick_start_has_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "python3 -m pip install -e . && portintel demo" in readme
    assert "python3 -m pip install -e '.[test]' && python3 -m pytest" in readme


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(document: Path) -> None:
    text = document.read_text(encoding="utf-8")
    broken = [
        target
        for target in LINK.findall(text)
        if "://" not in target
        and not target.startswith("mailto:")
        and not (document.parent / target).exists()
    ]
    assert broken == [], f"{document.name} links to missing files: {broken}"


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_user_guide_covers_every_role(role: Role) -> None:
    guide = (ROOT / "docs" / "user-guide.md").read_text(encoding="utf-8").lower()
    assert role.value.replace("_", " ") in guide


GLOBAL_OPTION = re.compile(r"\bportintel((?: [^\s`]+)*?) --data-dir\b")


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_data_dir_is_given_before_the_command(document: Path) -> None:
    """``--data-dir`` is an option of ``portintel`` itself: after a command it is refused."""
    text = document.read_text(encoding="utf-8")
    misplaced = [match.group(0) for match in GLOBAL_OPTION.finditer(text) if match.group(1)]
    assert misplaced == [], f"{document.name}: write `portintel --data-dir DIR COMMAND`"


def test_the_data_dir_check_catches_a_misplaced_option() -> None:
    assert GLOBAL_OPTION.search("run `portintel demo --data-dir /tmp/x`").group(1) == " demo"
    assert GLOBAL_OPTION.search("run `portintel --data-dir /tmp/x demo`").group(1) == ""


def test_architecture_page_names_every_capability_port_and_hook() -> None:
    """A developer who joins finds each package, port and hook on the architecture page."""
    import portintel.ports as ports
    from portintel.services.events.hookspecs import HOOK_NAMES

    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    services = ROOT / "src" / "portintel" / "services"
    capabilities = sorted(p.name for p in services.iterdir() if (p / "__init__.py").exists())
    missing = [f"services/{name}/" for name in capabilities if f"services/{name}/" not in page]
    protocols = sorted(
        name
        for name, value in vars(ports).items()
        if isinstance(value, type)
        and getattr(value, "_is_protocol", False)
        and name not in {"Protocol", "StoredBlob"}
    )
    missing += [name for name in protocols if f"`{name}`" not in page]
    missing += [name for name in sorted(HOOK_NAMES) if f"`{name}`" not in page]
    assert capabilities and protocols and HOOK_NAMES
    assert missing == [], f"docs/architecture.md does not mention: {missing}"
