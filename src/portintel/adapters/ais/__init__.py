"""AIS sources: files (NMEA, CSV, Parquet; plain, .gz, directories) and live UDP/TCP feeds."""
