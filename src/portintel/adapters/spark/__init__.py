"""Apache Spark for behaviour detection on archives that outgrow one machine (optional extra).

:func:`spark_session` starts (or reuses) a session; :func:`detect_events`
runs the domain's behaviour kernels over the track store's Parquet files,
grouped by vessel, space-time cell and pair (:mod:`.plan`). Neither imports
PySpark before it is called: without the extra the rest of portintel works.
"""

from portintel.adapters.spark.plan import detect_events
from portintel.adapters.spark.session import (
    EXTRA_HINT,
    LOCAL_MASTER,
    pyspark_available,
    running_session,
    spark_session,
)

__all__ = [
    "EXTRA_HINT",
    "LOCAL_MASTER",
    "detect_events",
    "pyspark_available",
    "running_session",
    "spark_session",
]
