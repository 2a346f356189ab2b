"""Analysis: link charts, paths, brokers and communities over the reader's scoped view.

The public face of the capability; other packages and the faces import from here.
"""

from portintel.services.analysis.charts import (
    ChartOptions,
    LinkChart,
    Paths,
    neighbourhood,
    paths_between,
)
from portintel.services.analysis.exports import (
    EXPORT_FORMATS,
    ChartFile,
    export_neighbourhood,
    export_saved,
)
from portintel.services.analysis.saved_charts import (
    ChartDraft,
    OpenedChart,
    SavedChart,
    delete_chart,
    get_saved,
    handling_choices,
    handling_floor,
    handling_label,
    list_saved,
    open_chart,
    save_chart,
    update_chart,
)

__all__ = [
    "EXPORT_FORMATS",
    "ChartDraft",
    "ChartFile",
    "ChartOptions",
    "LinkChart",
    "OpenedChart",
    "Paths",
    "SavedChart",
    "delete_chart",
    "export_neighbourhood",
    "export_saved",
    "get_saved",
    "handling_choices",
    "handling_floor",
    "handling_label",
    "list_saved",
    "neighbourhood",
    "open_chart",
    "paths_between",
    "save_chart",
    "update_chart",
]
