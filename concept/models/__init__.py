"""The Integrationskonzept as data: versions, goals, indicators and their values,
consultation with the municipalities and advice records.

Split by topic so that each module stays readable; everything is importable from
``concept.models``.
"""

from .advice import AdviceMeeting, FollowUp
from .consultation import CommentAnswer, ConsultationComment, MunicipalityPosition, ReadReceipt
from .indicators import GoalIndicator, Indicator, IndicatorValue, IndicatorValueRevision
from .versions import Concept, ConceptMeasure, ConceptVersion, Goal, Pillar, PillarField

__all__ = [
    "AdviceMeeting",
    "CommentAnswer",
    "Concept",
    "ConceptMeasure",
    "ConceptVersion",
    "ConsultationComment",
    "FollowUp",
    "Goal",
    "GoalIndicator",
    "Indicator",
    "IndicatorValue",
    "IndicatorValueRevision",
    "MunicipalityPosition",
    "Pillar",
    "PillarField",
    "ReadReceipt",
]
