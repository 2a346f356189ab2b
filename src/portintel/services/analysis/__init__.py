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
from portintel.services.analysis.products import (
    ProductSummary,
    ProductView,
    add_item,
    approve_product,
    create_product,
    get_product,
    list_products,
    product_pdf,
    remove_item,
    return_product,
    submit_product,
    update_product,
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
    "ProductSummary",
    "ProductView",
    "StatisticsExport",
    "StatisticsPage",
    "StatisticsQuery",
    "add_item",
    "approve_product",
    "create_product",
    "export_statistics",
    "get_product",
    "list_products",
    "neighbourhood",
    "paths_between",
    "product_pdf",
    "readable_incidents",
    "remove_item",
    "return_product",
    "smuggling_statistics",
    "statistics_page",
    "submit_product",
    "table_rows",
    "update_product",
]
