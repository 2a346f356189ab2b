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
from portintel.services.analysis.intelligence_map import (
    MEDIA_TYPES,
    IntelligenceMap,
    MapExport,
    MapRequest,
    export_map,
    intelligence_map,
    layers_of,
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
    "MEDIA_TYPES",
    "ChartOptions",
    "IntelligenceMap",
    "LinkChart",
    "MapExport",
    "MapRequest",
    "Paths",
    "TimelineWindow",
    "case_timeline",
    "chart_timeline",
    "entity_timeline",
    "export_map",
    "intelligence_map",
    "layers_of",
    "neighbourhood",
    "paths_between",
    "timeline",
]
