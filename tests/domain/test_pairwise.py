"""Pairwise precision and recall of a resolution: counted, not listed, and equal to listing."""

from __future__ import annotations

from itertools import combinations

from hypothesis import given
from hypothesis import strategies as st

from portintel.domain.xref.pairwise import joined, pairwise_quality


def test_counts_pairs_of_clusters_against_things() -> None:
    truth = {"a": "x", "b": "x", "c": "x", "d": "y", "e": "y"}
    # a and b merged, c alone; d wrongly merged with a's cluster; e alone
    clusters = {"a": "a", "b": "a", "c": "c", "d": "a", "e": "e"}
    counts = pairwise_quality(truth, clusters)
    assert (counts.true_pairs, counts.predicted_pairs, counts.correct_pairs) == (4, 3, 1)
    assert counts.precision == 1 / 3 and counts.recall == 1 / 4
    assert not counts.meets(0.95)


def test_review_links_join_clusters_each_on_its_own() -> None:
    truth = {"a": "x", "b": "x", "c": "x", "d": "y"}
    clusters = {"a": "a", "b": "a", "c": "c", "d": "d"}
    # c-a is right (2 pairs), a-d is wrong (2 pairs), not chained into c-d
    counts = pairwise_quality(truth, clusters, [("c", "a"), ("a", "c"), ("a", "d")])
    assert (counts.true_pairs, counts.predicted_pairs, counts.correct_pairs) == (3, 5, 3)


def test_nothing_to_find_is_perfect() -> None:
    counts = pairwise_quality({"a": "x", "b": "y"}, {})
    assert counts.precision == counts.recall == 1.0 and counts.meets(1.0)


def test_joined_makes_pairs_one_cluster_transitively() -> None:
    result = joined({"a": "a", "b": "b", "c": "c", "d": "d"}, [("b", "c"), ("c", "d")])
    assert result == {"a": "a", "b": "b", "c": "b", "d": "b"}


_ids = st.sampled_from("abcdefgh")


@given(
    truth=st.dictionaries(_ids, st.sampled_from("xyz")),
    clusters=st.dictionaries(_ids, st.sampled_from("pqrs")),
    links=st.lists(st.tuples(st.sampled_from("pqrs"), st.sampled_from("pqrs")), max_size=4),
)
def test_counting_equals_listing_every_pair(
    truth: dict[str, str], clusters: dict[str, str], links: list[tuple[str, str]]
) -> None:
    cluster_of = {entity: clusters.get(entity, entity) for entity in truth}
    linked = {frozenset(link) for link in links if link[0] != link[1]}
    predicted = {
        frozenset(pair)
        for pair in combinations(sorted(truth), 2)
        if cluster_of[pair[0]] == cluster_of[pair[1]]
        or frozenset((cluster_of[pair[0]], cluster_of[pair[1]])) in linked
    }
    true = {
        frozenset(pair)
        for pair in combinations(sorted(truth), 2)
        if truth[pair[0]] == truth[pair[1]]
    }
    counts = pairwise_quality(truth, clusters, links)
    assert counts.true_pairs == len(true)
    assert counts.predicted_pairs == len(predicted)
    assert counts.correct_pairs == len(predicted & true)
