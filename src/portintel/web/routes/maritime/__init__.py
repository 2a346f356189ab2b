"""Maritime area of the web face: the map and the vessel page."""
