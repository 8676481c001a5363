"""Two KI staff saving the same goal at the same moment, on real parallel database connections."""

import threading

import pytest
from django.db import connection

from concept import services
from concept.errors import StaleEdit

from .factories import ConceptVersionFactory, GoalFactory


@pytest.mark.django_db(transaction=True)
def test_parallel_saves_of_one_goal_store_exactly_one_and_refuse_the_other(ki_staff, district):
    goal = GoalFactory(version=ConceptVersionFactory(concept__district=district), title="Sprachförderung")
    opened_at = goal.lock_version
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def save(title: str) -> None:
        try:
            start.wait()
            services.update_goal(by=ki_staff, goal=goal, lock_version=opened_at, data={"title": title})
            outcomes.append("saved")
        except StaleEdit:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(title,)) for title in ("Variante A", "Variante B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["refused", "saved"]
    goal.refresh_from_db()
    assert goal.title in ("Variante A", "Variante B") and goal.lock_version == opened_at + 1
