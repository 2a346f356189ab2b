"""The executors the conformance suite runs, and one Spark session for all its tests.

Spark starts a JVM (about 15 s on this machine), so the session is started
once per test process, local on two cores, its UI off and its driver on the
loopback interface. Without PySpark (the optional extra) the Spark cases
skip and say why; CI installs the extra so they run there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest

from portintel.services.maritime.behaviours import DetectionSummary, detect_behaviours
from portintel.services.workspace import Workspace

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

EXECUTORS = ("local", "spark")
Executor = Callable[[Workspace], DetectionSummary]


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:
    pytest.importorskip(
        "pyspark",
        reason="PySpark is not installed (pip install -e '.[spark]'): Spark executor not tested",
    )
    from portintel.adapters.spark import spark_session

    session = spark_session("local[2]", shuffle_partitions=2, app_name="portintel-conformance")
    yield session
    session.stop()


def executor_named(name: str, request: pytest.FixtureRequest) -> Executor:
    if name == "local":
        return detect_behaviours
    from portintel.services.maritime.spark_executor import detect_behaviours_spark

    session = request.getfixturevalue("spark")
    return lambda ws: detect_behaviours_spark(ws, session=session)


@pytest.fixture(params=EXECUTORS)
def executor(request: pytest.FixtureRequest) -> Executor:
    """Each executor in turn: the suite's every test runs on both."""
    return executor_named(request.param, request)


@pytest.fixture(params=EXECUTORS)
def other_executor(request: pytest.FixtureRequest) -> tuple[str, Executor, Executor]:
    """(name, this executor, the other one)."""
    this, other = request.param, next(e for e in EXECUTORS if e != request.param)
    return this, executor_named(this, request), executor_named(other, request)
