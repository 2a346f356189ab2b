"""CLI: ``portintel init`` and the ``portintel user`` commands.

Whoever can run the CLI on the node's host already holds its data, so the
CLI acts with every role; the audit log still names it, as ``cli:<os user>``.
Passwords come from ``--password-stdin`` or a hidden prompt, never from an
argument (arguments end up in shell history and process lists). A new API
token is the only secret ever printed, once, alone on stdout.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from portintel.cli.context import console, context_of, error_console, operating_system_user
from portintel.cli.help_format import command_group
from portintel.domain.actors import SYSTEM, Actor, Role
from portintel.domain.secret import Secret
from portintel.errors import InvalidInput

app = command_group("Users of the node: accounts, roles, tokens.")

PasswordStdin = Annotated[
    bool,
    typer.Option(
        "--password-stdin",
        help="Read the password from the first line of standard input.",
    ),
]


def cli_actor() -> Actor:
    """The CLI acts with every role, recorded as ``cli:<operating-system user>``."""
    return Actor(
        user_id=SYSTEM.user_id,
        username=f"cli:{operating_system_user()}"[:100],
        agency_id="",
        roles=SYSTEM.roles,
    )


def read_password(from_stdin: bool, *, purpose: str = "Password") -> Secret:
    """A password from stdin or a hidden, confirmed prompt; never from an argument."""
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise InvalidInput(
                "--password-stdin was given but standard input is empty",
                field="password",
                hint="pipe the password in, e.g. printf '%s\\n' \"$PASSWORD\" | portintel ...",
            )
        return Secret(line)
    if not sys.stdin.isatty():
        raise InvalidInput(
            "no password given and no terminal to ask for one",
            field="password",
            hint="pass --password-stdin and pipe the password in, or run in a terminal",
        )
    typed: str = typer.prompt(purpose, hide_input=True, confirmation_prompt=True)
    return Secret(typed)


def init_command(
    ctx: typer.Context,
    username: Annotated[
        str | None, typer.Option("--username", help="Username of the first administrator.")
    ] = None,
    agency: Annotated[
        str | None, typer.Option("--agency", help="Agency of the first administrator (id or name).")
    ] = None,
    display_name: Annotated[
        str | None, typer.Option("--name", help="Display name (default: the username).")
    ] = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Create the data directory, migrate the store, add agencies and a first administrator.

    Safe to run again: it brings the schema up to date, adds missing
    agencies and reports what it did; it creates an administrator only on a
    node that has no users yet.
    """
    from portintel.services import admin

    context = context_of(ctx)
    ws = context.workspace()
    console.print(f"Data directory: {ws.settings.data_dir.resolve()}")
    console.print(f"Database: {admin.database_label(ws)} (schema up to date)")
    before = {agency_view.id for agency_view in admin.list_agencies(ws)}
    admin.ensure_agencies(ws)
    after = admin.list_agencies(ws)
    added = [view.name for view in after if view.id not in before]
    if added:
        console.print(f"Agencies created: {', '.join(added)}")
    else:
        console.print(f"Agencies: all {len(after)} present")
    if admin.has_users(ws):
        console.print("Users already exist: no administrator created (use portintel user add).")
        return
    if (not username or not agency) and sys.stdin.isatty():
        username = username or typer.prompt("Username of the first administrator", default="admin")
        agency = agency or typer.prompt(f"Agency ({', '.join(view.name for view in after)})")
    if not username or not agency:
        missing = " and ".join(
            name for name, value in (("--username", username), ("--agency", agency)) if not value
        )
        raise InvalidInput(
            f"this node has no users yet: give {missing} for the first administrator",
            field="username" if not username else "agency",
            hint="e.g. portintel init --username admin --agency Immigration --password-stdin",
        )
    view = admin.create_user(
        ws,
        cli_actor(),
        username=username,
        display_name=display_name or username,
        agency=agency,
        roles=[Role.ADMINISTRATOR],
        password=read_password(password_stdin),
    )
    console.print(f"Administrator [bold]{view.username}[/] created in agency {view.agency_id}.")


@app.command("add")
def add_command(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Login name: a-z, 0-9, '.', '_', '-'.")],
    display_name: Annotated[str, typer.Option("--name", help="Full name shown in the app.")],
    agency: Annotated[str, typer.Option("--agency", help="Agency id or name.")],
    role: Annotated[
        list[str],
        typer.Option(
            "--role",
            help="Role, repeatable: officer, analyst, supervisor, source_handler, administrator.",
        ),
    ],
    password_stdin: PasswordStdin = False,
) -> None:
    """Add a user with an agency and one or more roles."""
    from portintel.services import admin

    ws = context_of(ctx).workspace()
    view = admin.create_user(
        ws,
        cli_actor(),
        username=username,
        display_name=display_name,
        agency=agency,
        roles=role,
        password=read_password(password_stdin),
    )
    console.print(f"User [bold]{view.username}[/] ({view.role_names}) created as {view.id}.")


@app.command("list")
def list_command(ctx: typer.Context) -> None:
    """List every user with agency, roles and sign-in state."""
    from rich.table import Table

    from portintel.services import admin

    ws = context_of(ctx).workspace()
    table = Table(
        "username", "name", "agency", "roles", "active", "2FA", "locked until", "last login"
    )
    for view in admin.list_users(ws, cli_actor()):
        table.add_row(
            view.username,
            view.display_name,
            view.agency_id,
            view.role_names,
            "yes" if view.active else "no",
            "yes" if view.totp_enabled else "no",
            f"{view.locked_until:%Y-%m-%d %H:%M}" if view.locked_until else "",
            f"{view.last_login_at:%Y-%m-%d %H:%M}" if view.last_login_at else "",
        )
    console.print(table)


@app.command("token")
def token_command(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Whose token.")],
    name: Annotated[str, typer.Option("--name", help="What the token is for.")] = "cli",
) -> None:
    """Create an API token for a user and print it once (alone on stdout, for scripts).

    Only here, at the node's console, may a token be made for another user:
    the operator already holds the data directory. The audit entry names the
    operating-system user (``cli:<os user>``) and the token's owner.
    """
    from portintel.services import admin

    ws = context_of(ctx).workspace()
    issued = admin.issue_token(ws, cli_actor(), username, name)
    error_console.print(
        f"Token {issued.id} for {issued.username} ({issued.name}). It is shown once: store it now."
    )
    typer.echo(issued.secret.reveal())


@app.command("tokens")
def tokens_command(
    ctx: typer.Context,
    username: Annotated[str | None, typer.Argument(help="Whose tokens (default: all).")] = None,
) -> None:
    """List API tokens (never their text)."""
    from rich.table import Table

    from portintel.services import admin

    ws = context_of(ctx).workspace()
    table = Table("id", "user", "name", "created", "last used", "revoked")
    for view in admin.list_tokens(ws, cli_actor(), username):
        table.add_row(
            view.id,
            view.username,
            view.name,
            f"{view.created_at:%Y-%m-%d %H:%M}",
            f"{view.last_used_at:%Y-%m-%d %H:%M}" if view.last_used_at else "",
            f"{view.revoked_at:%Y-%m-%d %H:%M}" if view.revoked_at else "",
        )
    console.print(table)


@app.command("revoke-token")
def revoke_token_command(
    ctx: typer.Context, token_id: Annotated[str, typer.Argument(help="Token id (T-...).")]
) -> None:
    """Revoke an API token at once."""
    from portintel.services import admin

    ws = context_of(ctx).workspace()
    admin.revoke_token(ws, cli_actor(), token_id)
    console.print(f"Token {token_id} revoked.")


@app.command("passwd")
def passwd_command(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Whose password.")],
    password_stdin: PasswordStdin = False,
) -> None:
    """Set a user's password (also lifts a lockout)."""
    from portintel.services import admin

    ws = context_of(ctx).workspace()
    admin.set_password(ws, cli_actor(), username, read_password(password_stdin))
    console.print(f"Password of {username} changed.")


@app.command("disable")
def disable_command(
    ctx: typer.Context, username: Annotated[str, typer.Argument(help="Who to disable.")]
) -> None:
    """Disable an account: its sessions and tokens stop working at once."""
    from portintel.services import admin

    ws = context_of(ctx).workspace()
    admin.deactivate_user(ws, cli_actor(), username)
    console.print(f"User {username} disabled.")


@app.command("unlock")
def unlock_command(
    ctx: typer.Context, username: Annotated[str, typer.Argument(help="Who to unlock.")]
) -> None:
    """Lift a lockout after failed sign-ins before it expires."""
    from portintel.services import admin

    ws = context_of(ctx).workspace()
    admin.unlock_user(ws, cli_actor(), username)
    console.print(f"User {username} unlocked.")


@app.command("totp")
def totp_command(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Whose second factor.")],
    off: Annotated[bool, typer.Option("--off", help="Remove the second factor.")] = False,
    confirm: Annotated[
        str | None,
        typer.Option(
            "--confirm",
            metavar="CODE",
            help="Switch the new secret on with a first code from the authenticator app.",
        ),
    ] = None,
) -> None:
    """Set up the TOTP second factor (prints the setup URI once), confirm it, or remove it.

    A new secret is in force only once a first code made with it is given
    with --confirm; until then sign-in goes on as before.
    """
    from portintel.services import admin

    ws = context_of(ctx).workspace()
    if off:
        admin.disable_totp(ws, cli_actor(), username)
        console.print(f"One-time codes turned off for {username}.")
        return
    if confirm is not None:
        admin.confirm_totp(ws, cli_actor(), username, confirm)
        console.print(f"One-time codes are now required for {username}.")
        return
    enrolment = admin.enable_totp(ws, cli_actor(), username)
    error_console.print(
        f"Add this to the authenticator app of {username} (shown once), then switch it on "
        f"with: portintel user totp {username} --confirm CODE"
    )
    typer.echo(enrolment.uri)
