"""Analysis: link charts, paths, brokers and communities, and smuggling statistics, over the
reader's scoped view.

The public face of the capability; other packages and the faces import from here.
"""

from portintel.services.analysis.charts import (
    ChartOptions,
    LinkChart,
    Paths,
    neighbourhood,
    paths_between,
)
from portintel.services.analysis.statistics import (
    SHARING_THRESHOLD,
    StatisticsExport,
    StatisticsPage,
    StatisticsQuery,
    export_statistics,
    readable_incidents,
    smuggling_statistics,
    statistics_page,
    table_rows,
)

__all__ = [
    "SHARING_THRESHOLD",
    "ChartOptions",
    "LinkChart",
    "Paths",
    "StatisticsExport",
    "StatisticsPage",
    "StatisticsQuery",
    "export_statistics",
    "neighbourhood",
    "paths_between",
    "readable_incidents",
    "smuggling_statistics",
    "statistics_page",
    "table_rows",
]
