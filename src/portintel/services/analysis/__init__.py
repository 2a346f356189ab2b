"""Analysis: link charts, paths, brokers, communities and timelines over the reader's scoped view.

The public face of the capability; other packages and the faces import from here.
"""

from portintel.services.analysis.charts import (
    ChartOptions,
    LinkChart,
    Paths,
    neighbourhood,
    paths_between,
)
from portintel.services.analysis.timelines import (
    MAX_LANES,
    TimelineWindow,
    case_timeline,
    chart_timeline,
    entity_timeline,
    timeline,
)

__all__ = [
    "MAX_LANES",
    "ChartOptions",
    "LinkChart",
    "Paths",
    "TimelineWindow",
    "case_timeline",
    "chart_timeline",
    "entity_timeline",
    "neighbourhood",
    "paths_between",
    "timeline",
]
