"""The home page: panels of what each role has to do now, counted in the reader's scope."""

from portintel.services.home.panels import PANELS_BY_ROLE, Item, Panel, home_panels

__all__ = ["PANELS_BY_ROLE", "Item", "Panel", "home_panels"]
