"""Look-ups over the cast that report builders need, computed once per scenario."""

from __future__ import annotations

import random
from collections.abc import Sequence

from portintel.scenario.geography import ROUTES, Route
from portintel.scenario.model import Cast, Person, Relation, Vessel


class CaseIndex:
    """The cast indexed by role, nationality, flag and relation (read-only after build)."""

    def __init__(self, cast: Cast) -> None:
        self.cast = cast
        self._persons = {person.key: person for person in cast.persons}
        self._by_role: dict[tuple[str, str], list[Person]] = {}
        for person in cast.persons:
            self._by_role.setdefault((person.role, person.nationality), []).append(person)
        self._role_any: dict[str, list[Person]] = {}
        for person in cast.persons:
            self._role_any.setdefault(person.role, []).append(person)
        self._with_passport = [p for p in cast.persons if p.passport is not None]
        self._relations: dict[tuple[str, str, str], Relation] = {}
        self._of_subject: dict[str, list[Relation]] = {}
        self._of_target: dict[str, list[Relation]] = {}
        for relation in cast.relations:
            self._relations[(relation.schema, relation.subject, relation.target)] = relation
            self._of_subject.setdefault(relation.subject, []).append(relation)
            self._of_target.setdefault(relation.target, []).append(relation)
        self._fishing_by_flag: dict[str, list[Vessel]] = {}
        for vessel in cast.vessels:
            if vessel.vessel_type == "wooden fishing boat":
                self._fishing_by_flag.setdefault(vessel.flag, []).append(vessel)
        self._fishing = [v for v in cast.vessels if v.vessel_type == "wooden fishing boat"]
        self._mother_ships = [v for v in cast.vessels if "mother ship" in v.vessel_type]
        self._freighters = [v for v in cast.vessels if v.vessel_type == "general cargo"]
        self._with_ais = [v for v in cast.vessels if v.mmsi]

    def route(self, rng: random.Random) -> Route:
        return rng.choice(ROUTES)

    def person(self, key: str) -> Person:
        return self._persons[key]

    def is_person(self, key: str) -> bool:
        return key in self._persons

    def owners_of(self, vessel_key: str) -> list[Relation]:
        """The ownership relations whose asset is ``vessel_key``."""
        return [r for r in self._of_target.get(vessel_key, []) if r.schema == "Ownership"]

    def pick(self, role: str, nationalities: Sequence[str], rng: random.Random) -> Person:
        """Someone of ``role`` from one of ``nationalities`` (any nationality if none)."""
        pool = [p for n in nationalities for p in self._by_role.get((role, n), [])]
        return rng.choice(pool or self._role_any[role])

    def sample(
        self, role: str, nationalities: Sequence[str], rng: random.Random, count: int
    ) -> list[Person]:
        pool = [p for n in nationalities for p in self._by_role.get((role, n), [])]
        pool = pool or self._role_any[role]
        return rng.sample(pool, min(count, len(pool)))

    def pick_with_passport(self, rng: random.Random) -> Person:
        return rng.choice(self._with_passport)

    def vessel_for(self, route: Route, rng: random.Random) -> Vessel:
        """A boat that fits the route: mother ships on the Bay of Bengal, else a local boat."""
        if route.departure in {"Teknaf", "Cox's Bazar"} and rng.random() < 0.5:
            return rng.choice(self._mother_ships)
        pool = [v for flag in route.boat_flags for v in self._fishing_by_flag.get(flag, [])]
        return rng.choice(pool or self._fishing)

    def freighter(self, rng: random.Random) -> Vessel:
        return rng.choice(self._freighters)

    def vessel_with_ais(self, rng: random.Random) -> Vessel:
        return rng.choice(self._with_ais)

    def relation(self, schema: str, subject: str, target: str) -> Relation | None:
        return self._relations.get((schema, subject, target))

    def relation_between(self, subject: str, target: str) -> Relation | None:
        for relation in self._of_subject.get(subject, []):
            if relation.target == target:
                return relation
        return None

    def relations_of(self, subject: str) -> list[Relation]:
        return list(self._of_subject.get(subject, []))

    def members_of(self, organization_key: str) -> list[Person]:
        return [
            self._persons[r.subject]
            for r in self.cast.relations
            if r.schema == "Membership" and r.target == organization_key
        ]

    def vessels_of(self, owner_key: str) -> list[Vessel]:
        vessels = {v.key: v for v in self.cast.vessels}
        return [
            vessels[r.target]
            for r in self._of_subject.get(owner_key, [])
            if r.schema == "Ownership"
        ]
