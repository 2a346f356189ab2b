"""Agencies, demo accounts and sources of the scenario.

Demo passwords are deterministic and printed by ``portintel demo`` on
purpose: they exist only for training workspaces, never for a real node.
"""

from __future__ import annotations

from portintel.scenario.model import DemoUser, Source

AGENCIES = (
    "Immigration",
    "Internal Security",
    "Maritime Police",
    "Anti-Human Trafficking and Juvenile Protection",
)

DEMO_PASSWORD_SUFFIX = "2026"  # noqa: S105 - demo-only, printed on purpose


def demo_password(role: str) -> str:
    """The demo-only password of the account for ``role`` (e.g. ``demo-officer-2026``)."""
    return f"demo-{role.replace('_', '-')}-{DEMO_PASSWORD_SUFFIX}"


USERS = (
    DemoUser(
        "demo-officer",
        "Sok Vuthy (demo officer)",
        "Maritime Police",
        ("officer",),
        demo_password("officer"),
    ),
    DemoUser(
        "demo-analyst",
        "Chea Sreymom (demo analyst)",
        "Immigration",
        ("analyst",),
        demo_password("analyst"),
    ),
    DemoUser(
        "demo-supervisor",
        "Keo Rithy (demo supervisor)",
        "Internal Security",
        ("supervisor",),
        demo_password("supervisor"),
    ),
    DemoUser(
        "demo-handler",
        "Mean Sokha (demo source handler)",
        "Anti-Human Trafficking and Juvenile Protection",
        ("source_handler",),
        demo_password("source_handler"),
    ),
    DemoUser(
        "demo-admin",
        "Ouk Bunthoeun (demo administrator)",
        "Immigration",
        ("administrator",),
        demo_password("administrator"),
    ),
)

SOURCES = (
    Source(
        "src-kingfisher",
        "informant",
        "KH-HS-0114 KINGFISHER",
        "admiralty",
        "B",
        "Anti-Human Trafficking and Juvenile Protection",
        handler="demo-handler",
        protected_identity="Fish trader at the Koh Kong pier; brother-in-law of a boat owner",
        notes="Tasked on departures from Koh Kong and Sihanoukville",
    ),
    Source(
        "src-heron",
        "informant",
        "KH-HS-0131 HERON",
        "admiralty",
        "C",
        "Anti-Human Trafficking and Juvenile Protection",
        handler="demo-handler",
        protected_identity="Former crew member on Ranong longtail boats, now a mechanic",
        notes="Payment-motivated; reporting on Ranong and Kawthaung brokers",
    ),
    Source(
        "src-mangrove",
        "informant",
        "KH-HS-0152 MANGROVE",
        "admiralty",
        "B",
        "Anti-Human Trafficking and Juvenile Protection",
        handler="demo-handler",
        protected_identity="Money changer in Sihanoukville market with Malaysian contacts",
        notes="Access to fee payments and remittances",
    ),
    Source(
        "src-monsoon",
        "informant",
        "KH-HS-0167 MONSOON",
        "admiralty",
        "D",
        "Anti-Human Trafficking and Juvenile Protection",
        handler="demo-handler",
        protected_identity="Camp volunteer with relatives in Teknaf",
        notes="New source, untested; second-hand reporting on Bay of Bengal departures",
    ),
    Source(
        "src-patrol",
        "officer",
        "Maritime Police patrol (own observation)",
        "admiralty",
        "B",
        "Maritime Police",
    ),
    Source(
        "src-boarding",
        "officer",
        "Maritime Police boarding team",
        "admiralty",
        "B",
        "Maritime Police",
    ),
    Source(
        "src-port-immigration",
        "officer",
        "Immigration checkpoint, Sihanoukville port",
        "admiralty",
        "B",
        "Immigration",
    ),
    Source(
        "src-ais",
        "ais_receiver",
        "AIS receiver, Sihanoukville port control tower",
        "admiralty",
        "B",
        "Maritime Police",
    ),
    Source(
        "src-piu-ranong",
        "partner_node",
        "PIU Ranong (Thailand)",
        "admiralty",
        "B",
        "Internal Security",
    ),
    Source(
        "src-europol", "partner_node", "Europol EMSC liaison", "europol", "A", "Internal Security"
    ),
    Source(
        "src-uk-liaison",
        "partner_node",
        "UK liaison officer, Bangkok",
        "uk-3x5x2",
        "1",
        "Internal Security",
    ),
    Source("src-news", "open_source", "Regional news media", "admiralty", "C", "Immigration"),
    Source(
        "src-tips",
        "public_tip",
        "Public tip line (leaflet)",
        "admiralty",
        "F",
        "Anti-Human Trafficking and Juvenile Protection",
    ),
)
