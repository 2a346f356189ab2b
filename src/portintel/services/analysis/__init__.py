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

__all__ = ["ChartOptions", "LinkChart", "Paths", "neighbourhood", "paths_between"]
