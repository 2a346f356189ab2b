"""Maritime area of the JSON API: the maritime picture and vessels."""
