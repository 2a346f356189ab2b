"""The resolver's rules: clusters from judgements, a *different* blocking a transitive merge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portintel.domain.resolution import (
    Judgement,
    Verdict,
    in_force,
    ordered_pair,
    parse_verdict,
    resolve,
)
from portintel.errors import InvalidInput

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _j(n: int, left: str, right: str, verdict: Verdict, *, retracted: bool = False) -> Judgement:
    a, b = ordered_pair(left, right)
    at = T0 + timedelta(minutes=n)
    return Judgement(
        id=f"j{n:03d}",
        left=a,
        right=b,
        verdict=verdict,
        judged_by="u1",
        judged_at=at,
        retracted_at=at + timedelta(seconds=1) if retracted else None,
    )


SAME, DIFFERENT, UNSURE = Verdict.SAME, Verdict.DIFFERENT, Verdict.UNSURE


def test_same_edges_make_one_cluster_named_by_its_smallest_id() -> None:
    resolution = resolve([_j(1, "b", "c", SAME), _j(2, "a", "b", SAME)])
    assert resolution.members("c") == ("a", "b", "c")
    assert {resolution.canonical_id(e) for e in "abc"} == {"a"}
    assert resolution.canonical_id("z") == "z"
    assert resolution.members("z") == ("z",)


def test_a_different_judgement_blocks_the_transitive_merge_and_splits() -> None:
    judgements = [_j(1, "a", "b", SAME), _j(2, "b", "c", SAME), _j(3, "a", "c", DIFFERENT)]
    resolution = resolve(judgements)
    assert resolution.clusters() == [("a", "b")]
    assert resolution.canonical_id("c") == "c"
    assert resolution.blocked == {"j002"}


def test_unsure_joins_nothing() -> None:
    assert resolve([_j(1, "a", "b", UNSURE)]).clusters() == []


def test_the_latest_unretracted_judgement_of_a_pair_is_in_force() -> None:
    judgements = [_j(1, "a", "b", SAME), _j(2, "a", "b", DIFFERENT)]
    assert [j.id for j in in_force(judgements)] == ["j002"]
    assert resolve(judgements).clusters() == []
    undone = [_j(1, "a", "b", SAME), _j(2, "a", "b", DIFFERENT, retracted=True)]
    assert resolve(undone).clusters() == [("a", "b")]
    assert resolve([_j(1, "a", "b", SAME, retracted=True)]).clusters() == []


def test_bad_input_is_refused_with_the_field() -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_verdict("maybe")
    assert raised.value.field == "verdict"
    assert parse_verdict(" Same ") is SAME
    with pytest.raises(InvalidInput):
        ordered_pair("a", "a")
    with pytest.raises(InvalidInput):
        ordered_pair("", "a")


IDS = "abcdefg"
edges = st.lists(
    st.tuples(
        st.sampled_from(IDS), st.sampled_from(IDS), st.sampled_from(list(Verdict)), st.booleans()
    ).filter(lambda t: t[0] != t[1]),
    max_size=25,
)


@given(edges=edges)
def test_no_cluster_holds_two_entities_judged_different(
    edges: list[tuple[str, str, Verdict, bool]],
) -> None:
    judgements = [_j(n, a, b, v, retracted=r) for n, (a, b, v, r) in enumerate(edges)]
    resolution = resolve(judgements)
    current = in_force(judgements)
    for judgement in current:
        together = resolution.canonical_id(judgement.left) == resolution.canonical_id(
            judgement.right
        )
        if judgement.verdict is DIFFERENT:
            assert not together
        elif judgement.verdict is SAME and judgement.id not in resolution.blocked:
            assert together
    # every cluster is connected by unblocked same judgements in force, and named by its min
    for cluster in resolution.clusters():
        assert resolution.canonical_id(cluster[-1]) == cluster[0]
        assert len(cluster) >= 2


@given(edges=edges)
def test_undoing_every_judgement_leaves_every_entity_alone(
    edges: list[tuple[str, str, Verdict, bool]],
) -> None:
    judgements = [_j(n, a, b, v, retracted=True) for n, (a, b, v, _) in enumerate(edges)]
    assert resolve(judgements).canonical == {}
