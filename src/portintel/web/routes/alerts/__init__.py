"""Alert pages: the live list, one alert and what is done with it, the stream, settings."""
