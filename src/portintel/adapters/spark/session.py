"""A Spark session for behaviour detection: local by default, a cluster when named.

PySpark is an optional extra (``pip install 'portintel[spark]'``): nothing
here imports it before a session is asked for, so the package, its CLI and
its tests run without it. A local session is kept on the loopback interface
(no UI, driver bound to 127.0.0.1) because units run on closed networks and
a Spark driver otherwise listens on every interface.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from portintel.errors import ConfigurationError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

LOCAL_MASTER = "local[*]"
EXTRA_HINT = "install the optional extra: pip install 'portintel[spark]' (and a Java 17 runtime)"


def pyspark_available() -> bool:
    """Whether PySpark can be imported (the optional extra is installed)."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return False
    return True


def spark_session(
    master: str = LOCAL_MASTER,
    *,
    shuffle_partitions: int = 8,
    app_name: str = "portintel-behaviours",
) -> SparkSession:
    """The running Spark session, or a new one on ``master`` (``local[N]`` or a cluster URL).

    A session already running in the process is reused as it is: Spark
    allows one per process, and a test session or an operator's own
    configuration wins over the defaults here.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise ConfigurationError("the Spark executor needs PySpark", hint=EXTRA_HINT) from exc
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    # the Python workers run this interpreter (its packages, this portintel)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    builder = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
    )
    if master.startswith("local"):
        # loopback only: no port opened beyond this machine
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        builder = builder.config("spark.driver.bindAddress", "127.0.0.1").config(
            "spark.driver.host", "127.0.0.1"
        )
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # the JVM failed to start: no Java, bad master URL, ...
        raise ConfigurationError(
            f"could not start Spark on {master!r}: {exc}",
            hint="the Spark executor needs a Java 17 runtime (JAVA_HOME or java on PATH)",
        ) from exc
    session.sparkContext.setLogLevel("ERROR")
    return session


@contextmanager
def running_session(master: str = LOCAL_MASTER) -> Iterator[SparkSession]:
    """A session for one run: the process's running one (left running), else a new one
    on ``master``, stopped afterwards (its JVM and workers go with it)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise ConfigurationError("the Spark executor needs PySpark", hint=EXTRA_HINT) from exc
    if SparkSession.getActiveSession() is not None:
        yield spark_session(master)
        return
    session = spark_session(master)
    try:
        yield session
    finally:
        session.stop()
