"""CLI: ``portintel share``: the dry run, disseminations, their approval, packages and feedback,
and what partners send: ``import`` and ``inbox``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from portintel.cli.context import built, console, context_of
from portintel.cli.help_format import command_group
from portintel.cli.reports import AsUser, acting_user

app = command_group("Share intelligence with partner nodes.")


@app.command("preview")
def preview_command(
    ctx: typer.Context,
    as_user: AsUser,
    partner: Annotated[str, typer.Option("--partner", help="The partner's name.")],
    report: Annotated[
        list[str] | None,
        typer.Option("--report", help="A report to share (repeat); default: the newest ones."),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", help="Without --report: how many of the newest reports.")
    ] = 100,
) -> None:
    """Dry run: exactly what the partner would receive and, for everything withheld, why.

    Only reports you may read are considered, and the statements about the
    entities they name. Nothing is sent; the preview is audited.
    """
    from rich.markup import escape

    from portintel.services import sharing

    ws = context_of(ctx).workspace()
    result = sharing.preview_share(ws, acting_user(ws, as_user), partner, report or (), limit=limit)
    agreement = result.agreement_id or "none"
    console.print(f"[bold]{escape(result.partner)}[/] (agreement {agreement})", highlight=False)
    for title, items in (("Reports", result.reports), ("Statements", result.statements)):
        sent = sum(item.allowed for item in items)
        console.print(f"\n[bold]{title}[/]: {sent} of {len(items)} would go", highlight=False)
        for item in items:
            mark = "[green]SEND[/]" if item.allowed else "[red]WITHHOLD[/]"
            console.print(f"  {mark} {escape(item.id)}  {escape(item.label)}", highlight=False)
            if item.allowed and item.conditions:
                console.print(
                    f"      conditions travel with it: {escape(item.conditions)}", highlight=False
                )
            if not item.allowed:
                for reason in item.reasons:
                    console.print(f"      - {escape(reason.message)}", highlight=False)
            for release in item.releases:
                console.print(f"      + {escape(release.message)}", highlight=False)
            if not item.agrees:
                console.print("      [yellow]policy and view disagree[/]", highlight=False)
    console.print("\n[bold]Never sent[/] (stripped from everything):", highlight=False)
    for field, why in result.sanitised:
        console.print(f"  - {field}: {why}", highlight=False)


@app.command("send")
def send_command(
    ctx: typer.Context,
    as_user: AsUser,
    partner: Annotated[str, typer.Option("--partner", help="The partner's name.")],
    report: Annotated[list[str], typer.Option("--report", help="A report to send (repeat).")],
    note: Annotated[str | None, typer.Option("--note", help="Why it goes (kept here).")] = None,
) -> None:
    """Ask to send reports (and what the agreement allows of their entities) to a partner.

    The dissemination waits for a supervisor's approval (`share approve`); what
    goes is exactly what `share preview` shows at the time of approval.
    """
    from portintel.services import sharing

    ws = context_of(ctx).workspace()
    actor = acting_user(ws, as_user)
    dissemination = sharing.request_dissemination(ws, actor, partner, report, note=note)
    console.print(f"Dissemination {dissemination} waits for a supervisor's approval.")


@app.command("approve")
def approve_command(
    ctx: typer.Context,
    dissemination: Annotated[str, typer.Argument(help="The dissemination's id (D-...).")],
    as_user: AsUser,
    note: Annotated[str | None, typer.Option("--note", help="A note for the reports.")] = None,
) -> None:
    """Approve a dissemination (a supervisor, not its requester): the package is
    sanitised, converted to STIX 2.1, signed with the node key and made available."""
    from portintel.services import sharing

    ws = context_of(ctx).workspace()
    package = sharing.approve_dissemination(ws, acting_user(ws, as_user), dissemination, note=note)
    console.print(f"Approved: package {package} is signed and available.")


@app.command("list")
def list_command(
    ctx: typer.Context,
    as_user: AsUser,
    pending: Annotated[
        bool, typer.Option("--pending", help="Only those awaiting approval.")
    ] = False,
) -> None:
    """Disseminations, newest first."""
    from rich.markup import escape

    from portintel.services import sharing

    ws = context_of(ctx).workspace()
    status = sharing.DisseminationStatus.PENDING if pending else None
    found = sharing.list_disseminations(ws, acting_user(ws, as_user), status=status)
    if not found:
        console.print("No disseminations.")
    for item in found:
        package = item.package.id if item.package else "-"
        console.print(
            f"{item.id}  {item.status.value:8}  {escape(item.partner)}  "
            f"{len(item.reports)} report(s)  by {escape(item.requested_by)}  "
            f"{item.requested_at:%Y-%m-%d %H:%M}  package {package}",
            highlight=False,
        )


@app.command("show")
def show_command(
    ctx: typer.Context,
    dissemination: Annotated[str, typer.Argument(help="The dissemination's id (D-...).")],
    as_user: AsUser,
    save: Annotated[
        Path | None,
        typer.Option("--save", help="Write the signed package file here (as the partner gets it)."),
    ] = None,
) -> None:
    """One dissemination: who asked, who approved, and the package that went."""
    from rich.markup import escape

    from portintel.services import sharing

    ws = context_of(ctx).workspace()
    actor = acting_user(ws, as_user)
    item = sharing.get_dissemination(ws, actor, dissemination)
    console.print(f"[bold]{item.id}[/] to {escape(item.partner)}: {item.status.value}")
    console.print(f"requested by {escape(item.requested_by)} at {item.requested_at:%Y-%m-%d %H:%M}")
    if item.approved_by and item.approved_at:
        console.print(
            f"approved by {escape(item.approved_by)} at {item.approved_at:%Y-%m-%d %H:%M}"
        )
    if item.note:
        console.print(f"note: {escape(item.note)}", highlight=False)
    console.print(f"selected: {', '.join(item.reports)}", highlight=False)
    package = item.package
    if package is None:
        return
    console.print(
        f"package {package.id}: {len(package.reports)} report(s), {package.statements} "
        f"statement(s); bundle {package.bundle_id}",
        highlight=False,
    )
    console.print(f"  sent: {', '.join(package.reports)}", highlight=False)
    console.print(f"  sha256 {package.sha256}, signed by {package.fingerprint}", highlight=False)
    if package.acknowledged_at:
        console.print(f"  acknowledged at {package.acknowledged_at:%Y-%m-%d %H:%M}")
    for at, text in package.feedback:
        console.print(f"  feedback {at:%Y-%m-%d}: {escape(text)}", highlight=False)
    if save is not None:
        save.write_text(sharing.package_file(ws, actor, package.id) + "\n", encoding="utf-8")
        console.print(f"Package written to {save}", highlight=False)


@app.command("export")
def export_command(
    ctx: typer.Context,
    dissemination: Annotated[
        str, typer.Argument(help="An approved dissemination's id (D-...) or its package's (P-...).")
    ],
    as_user: AsUser,
    export_format: Annotated[
        str,
        typer.Option(
            "--format",
            help="package: the signed STIX 2.1 package file; ftm: the same as signed FtM JSON "
            "(between portintel nodes); misp: a MISP event (JSON).",
        ),
    ] = "package",
    output: Annotated[
        Path | None, typer.Option("--output", help="Write here instead of standard output.")
    ] = None,
) -> None:
    """Export what a dissemination sent: the signed package, the same as signed FtM JSON
    for portintel partners, or as a MISP event for partners that run MISP (handling as MISP
    distribution levels and tags). Audited."""
    from portintel.errors import Conflict, InvalidInput
    from portintel.services import sharing

    if export_format not in ("package", "ftm", "misp"):
        raise InvalidInput(
            f"--format {export_format!r} is unknown", field="format", hint="package, ftm or misp"
        )
    ws = context_of(ctx).workspace()
    actor = acting_user(ws, as_user)
    package_id = dissemination
    if not dissemination.startswith("P-"):
        item = sharing.get_dissemination(ws, actor, dissemination)
        if item.package is None:
            raise Conflict(
                f"dissemination {item.id} is {item.status.value}: nothing was sent yet",
                hint=f"a supervisor approves it first: portintel share approve {item.id}",
            )
        package_id = item.package.id
    if export_format == "misp":
        text = sharing.package_misp_event(ws, actor, package_id)
    elif export_format == "ftm":
        text = sharing.package_ftm_file(ws, actor, package_id)
    else:
        text = sharing.package_file(ws, actor, package_id)
    if output is None:
        typer.echo(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")
        console.print(f"Written to {output}", highlight=False)


@app.command("ack")
def ack_command(
    ctx: typer.Context,
    package: Annotated[str, typer.Argument(help="The package's id (P-...).")],
    as_user: AsUser,
) -> None:
    """Record that the partner acknowledged receipt of a package."""
    from portintel.services import sharing

    ws = context_of(ctx).workspace()
    at = sharing.acknowledge_package(ws, acting_user(ws, as_user), package)
    console.print(f"Package {package} acknowledged at {at:%Y-%m-%d %H:%M}.")


@app.command("feedback")
def feedback_command(
    ctx: typer.Context,
    package: Annotated[str, typer.Argument(help="The package's id (P-...).")],
    text: Annotated[
        str, typer.Argument(help='What the partner did with it, e.g. "used in operation X".')
    ],
    as_user: AsUser,
) -> None:
    """Record the partner's feedback on a package."""
    from portintel.services import sharing

    ws = context_of(ctx).workspace()
    sharing.record_feedback(ws, acting_user(ws, as_user), package, text)
    console.print(f"Feedback on package {package} recorded.")


@app.command("permit")
def permit_command(
    ctx: typer.Context,
    as_user: AsUser,
    partner: Annotated[
        str, typer.Option("--partner", help="The partner the report may now go to.")
    ],
    reference: Annotated[
        str,
        typer.Option("--reference", help="The provider's reference, e.g. its letter's number."),
    ],
    granted_on: Annotated[
        str, typer.Option("--date", help="The day the provider gave it (YYYY-MM-DD).")
    ],
    report: Annotated[
        str | None, typer.Option("--report", help="The received report (RX-...).")
    ] = None,
    receipt: Annotated[
        str | None,
        typer.Option("--receipt", help="A whole delivery (RCV-...): each report it brought."),
    ] = None,
) -> None:
    """Record the provider's permission to pass a received report (H2, 3x5x2 C, ...) on to
    one partner; supervisors only, audited. The dry run then shows it released."""
    from datetime import date

    from portintel.errors import InvalidInput
    from portintel.services import sharing

    try:
        day = date.fromisoformat(granted_on.strip())
    except ValueError as exc:
        raise InvalidInput(
            f"date {granted_on!r} is not a day", field="granted_on", hint="e.g. 2026-11-20"
        ) from exc
    ws = context_of(ctx).workspace()
    recorded = sharing.record_permission(
        ws, acting_user(ws, as_user), partner, reference=reference, granted_on=day,
        report_id=report, receipt_id=receipt,
    )  # fmt: skip
    for permission in recorded:
        console.print(
            f"{permission.report_id} ({permission.report_title}) may go to "
            f"{permission.partner}: permitted by {permission.provider}, "
            f"{permission.reference}, {permission.granted_on.isoformat()}",
            highlight=False,
            markup=False,
        )


@app.command("permissions")
def permissions_command(
    ctx: typer.Context,
    as_user: AsUser,
    report: Annotated[
        list[str] | None, typer.Option("--report", help="Only these reports (repeat).")
    ] = None,
) -> None:
    """The providers' permissions recorded for reports you may read, newest first."""
    from portintel.services import sharing

    ws = context_of(ctx).workspace()
    found = sharing.list_permissions(ws, acting_user(ws, as_user), report_ids=report)
    if not found:
        console.print("No provider's permission is recorded.")
    for permission in found:
        console.print(
            f"{permission.id}  {permission.report_id} -> {permission.partner}: "
            f"{permission.provider}, {permission.reference}, "
            f"{permission.granted_on.isoformat()} (recorded by {permission.recorded_by})",
            highlight=False,
            markup=False,
        )


@app.command("withdraw")
def withdraw_command(
    ctx: typer.Context,
    as_user: AsUser,
    permission: Annotated[
        str, typer.Argument(help="The permission (PP-..., see `portintel share permissions`).")
    ],
    reason: Annotated[
        str, typer.Option("--reason", help="Why, e.g. the provider's message taking it back.")
    ],
) -> None:
    """Withdraw a provider's permission: the report is withheld from that partner again;
    supervisors only, audited with the reason."""
    from portintel.services import sharing

    ws = context_of(ctx).workspace()
    withdrawn = sharing.withdraw_permission(ws, acting_user(ws, as_user), permission, reason=reason)
    console.print(
        f"Withdrawn: {withdrawn.report_id} ({withdrawn.report_title}) no longer goes to "
        f"{withdrawn.partner} ({withdrawn.provider}, {withdrawn.reference}).",
        highlight=False,
        markup=False,
    )


@app.command("verify")
def verify_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A package file.", exists=True, dir_okay=False)],
) -> None:
    """Check a package's signature against the keys this node knows (its own and its
    partners'); a tampered package or an unknown key is an error."""
    from portintel.errors import InvalidInput
    from portintel.services import sharing

    ws = context_of(ctx).workspace()
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{file} is not UTF-8 text (byte {exc.start})", field="file") from exc
    result = sharing.verify_package(ws, text)
    console.print(
        f"Valid signature by {result.signer} ({result.fingerprint}); "
        f"bundle {result.bundle_id}, {result.objects} objects.",
        highlight=False,
    )


@app.command("import")
def import_command(
    ctx: typer.Context,
    as_user: AsUser,
    file: Annotated[
        Path, typer.Argument(help="A package file the partner sent.", exists=True, dir_okay=False)
    ],
    partner: Annotated[str, typer.Option("--partner", help="The sending partner's name.")],
) -> None:
    """Import a package file received by other means (mail, removable media): a STIX
    package or an FtM one (``share export --format ftm`` on the sending node).

    Every object's signature is checked against the partner's registered key
    (and its retired keys): an object with a bad or missing signature or an
    unknown key is quarantined with the reason and never imported. Reports
    arrive as submitted, for an analyst to evaluate. Importing the same file
    again changes nothing.
    """
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from portintel.errors import InvalidInput
    from portintel.services import sharing

    ws = context_of(ctx).workspace()
    actor = acting_user(ws, as_user)
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{file} is not UTF-8 text (byte {exc.start})", field="file") from exc
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=built(console), transient=True) as bar:
        task = bar.add_task(f"import {file.name}", total=None)

        def on_progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        if sharing.is_ftm_package(text):
            receipt = sharing.import_ftm_package(ws, actor, partner, text, filename=file.name)
        else:
            receipt = sharing.import_package(
                ws, actor, partner, text, filename=file.name, progress=on_progress
            )
    if receipt.package_signature is not None and receipt.package_signature != "valid":
        console.print(
            f"[yellow]The package signature does not hold:[/] {escape(receipt.package_signature)}"
            "; each object was checked on its own.",
            highlight=False,
        )
    console.print(
        f"Receipt {receipt.id} from {escape(receipt.partner)}: {receipt.imported} imported, "
        f"{receipt.quarantined} quarantined, {receipt.count(sharing.Outcome.WAITING)} waiting, "
        f"{receipt.count(sharing.Outcome.IGNORED)} with nothing to import, "
        f"{receipt.unchanged} held already.",
        highlight=False,
    )
    for item in receipt.items:
        if item.outcome is sharing.Outcome.QUARANTINED:
            console.print(
                f"  [red]QUARANTINED[/] {escape(item.stix_id)}: {escape(item.reason or '')}",
                highlight=False,
            )
        elif item.report_id is not None:
            console.print(
                f"  {item.outcome.value} report {escape(item.report_id)}", highlight=False
            )


@app.command("inbox")
def inbox_command(
    ctx: typer.Context,
    as_user: AsUser,
    partner: Annotated[
        str | None, typer.Option("--partner", help="Only what this partner sent.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="How many, newest first.")] = 50,
) -> None:
    """Intelligence received from partners that you may read, and (for supervisors)
    the objects quarantined with their reasons."""
    from rich.markup import escape

    from portintel.services import sharing

    ws = context_of(ctx).workspace()
    inbox = sharing.read_inbox(ws, acting_user(ws, as_user), partner=partner, limit=limit)
    console.print(f"[bold]Received reports[/]: {inbox.total}", highlight=False)
    for item in inbox.reports:
        mapped = f" (here {item.mapped.label})" if item.mapped is not None else ""
        console.print(
            f"  {escape(item.report_id)}  {item.received_at:%Y-%m-%d %H:%M}  "
            f"{escape(item.partner)}  {item.status}  {escape(item.handling)}  "
            f"{item.grading.scheme} {item.grading.label}{mapped}  {escape(item.title)}",
            highlight=False,
        )
    console.print(f"\n[bold]Quarantined[/]: {inbox.quarantined_total}", highlight=False)
    for quarantined in inbox.quarantined:
        console.print(
            f"  {escape(quarantined.stix_id)} from {escape(quarantined.partner)}: "
            f"{escape(quarantined.reason)}",
            highlight=False,
        )
