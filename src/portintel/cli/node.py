"""CLI: ``portintel node init``, ``show`` and ``rotate-key``: this node's identity.

No command prints or exports the private key: ``show`` gives the name, kind
and public key fingerprints, which partners compare by another channel.
"""

from __future__ import annotations

from typing import Annotated

import typer

from portintel.cli.context import console, context_of
from portintel.cli.help_format import command_group
from portintel.cli.users import cli_actor

app = command_group("This node's identity among its partners: name, kind and signing key.")


def _print(identity: object, *, public_key: bool = False) -> None:
    from portintel.services.sharing import NodeIdentity

    assert isinstance(identity, NodeIdentity)
    console.print(f"name         {identity.name}", highlight=False)
    console.print(f"kind         {identity.kind}", highlight=False)
    if not identity.keys:
        console.print("key          none yet (run `portintel node init`)", highlight=False)
    for key in identity.keys:
        label = "fingerprint " if key.current else "retired key "
        console.print(f"{label} {key.fingerprint}", highlight=False)
        if key.current and public_key:
            console.print(f"public key   {key.public_key}", highlight=False)


@app.command("init")
def init_command(ctx: typer.Context) -> None:
    """Create the node's Ed25519 key pair in the data directory (private key mode 0600)."""
    from portintel.services import sharing

    _print(sharing.init_node(context_of(ctx).workspace(), cli_actor()))


@app.command("show")
def show_command(
    ctx: typer.Context,
    public_key: Annotated[
        bool,
        typer.Option(
            "--public-key", help="Also print the public key, to hand to a partner's administrator."
        ),
    ] = False,
) -> None:
    """Print the node's name, kind and public key fingerprint (never the private key)."""
    from portintel.services import sharing

    _print(sharing.node_identity(context_of(ctx).workspace()), public_key=public_key)


@app.command("rotate-key")
def rotate_command(ctx: typer.Context) -> None:
    """Replace the node's key pair; the old public key is kept to verify what it signed."""
    from portintel.services import sharing

    _print(sharing.rotate_node_key(context_of(ctx).workspace(), cli_actor()))
