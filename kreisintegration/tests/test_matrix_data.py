"""The permission matrix's data (``matrix.py``) built on its own, outside the module that keeps it
built once (whose people would already exist here)."""

import pytest

from . import matrix


@pytest.mark.django_db
def test_matrix_concept_versions_are_numbered_after_those_a_process_made_before(unna, contact_unna, ki_staff):
    """The factory numbers versions by a counter of the test process: the matrix's adopted version and
    its Fortschreibung follow whatever number the concept's first version got (it was 11 and 12, which
    collided in a worker that had made ten versions before building the matrix's data)."""
    from concept.tests.factories import ConceptVersionFactory

    ConceptVersionFactory.reset_sequence(10)
    first = ConceptVersionFactory(concept__district=unna.district)
    assert first.number == 11

    made = matrix.participation_objects(first.concept, unna, contact_unna, ki_staff)

    numbers = list(first.concept.versions.order_by("number").values_list("number", "status"))
    assert numbers == [(11, first.status), (12, "adopted"), (13, "consultation")]
    assert made
