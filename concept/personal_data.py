"""The concept's part of a person's own-data export (Art. 15/20 GDPR).

What a person did in the concept: values they entered or corrected, comments and answers they
wrote, positions they declared, advice follow-ups they own. Other people appear only by
municipality or role, never by name. Account deletion anonymises the user row in place
(``volunteers.selfservice.deletion``), and every reference here is a nullable foreign key to it, so the
records — official statements of a municipality or the KI — stay without the person's name.
"""

from __future__ import annotations

from accounts.models import User

from .models import (
    CommentAnswer,
    ConsultationComment,
    FollowUp,
    IndicatorValue,
    IndicatorValueRevision,
    MunicipalityPosition,
    ReadReceipt,
)


def _place(municipality) -> str:
    return municipality.name if municipality else "Kreis"


def export_own_data(*, user: User) -> dict:
    values = (
        IndicatorValue.objects.filter(entered_by=user)
        .select_related("indicator", "municipality")
        .order_by("pk")
    )
    corrections = IndicatorValueRevision.objects.filter(changed_by=user).select_related(
        "indicator_value__indicator", "indicator_value__municipality"
    )
    # Top-level sections; "advice_follow_ups" is named like the reverse relation on the user.
    return {
        "concept_contributions": {
            "indicator_values_entered": [
                {
                    "indicator": v.indicator.name,
                    "place": _place(v.municipality),
                    "year": v.year,
                    "value": str(v.value),
                    "source": v.source,
                    "entered_at": v.entered_at.isoformat(),
                }
                for v in values
            ],
            "indicator_values_corrected": [
                {
                    "indicator": r.indicator_value.indicator.name,
                    "place": _place(r.indicator_value.municipality),
                    "year": r.indicator_value.year,
                    "old_value": str(r.old_value),
                    "changed_at": r.changed_at.isoformat(),
                }
                for r in corrections.order_by("pk")
            ],
        },
        "concept_consultation": _consultation(user),
        # The owner's follow-ups are the reverse relation User.advice_follow_ups: a top-level section.
        "advice_follow_ups": [
            {
                "municipality": f.meeting.municipality.name,
                "text": f.text,
                "due_on": f.due_on.isoformat(),
                "done_at": f.done_at.isoformat() if f.done_at else None,
            }
            for f in FollowUp.objects.filter(owner=user)
            .select_related("meeting__municipality")
            .order_by("due_on", "pk")
        ],
    }


def _consultation(user: User) -> dict:
    comments = ConsultationComment.objects.filter(author=user).select_related("municipality", "version")
    answers = CommentAnswer.objects.filter(author=user).select_related("comment__municipality")
    positions = MunicipalityPosition.objects.filter(declared_by=user).select_related(
        "municipality", "version"
    )
    return {
        "consultation_comments": [
            {
                "version": c.version.title,
                "municipality": c.municipality.name,
                "text": c.text,
                "created_at": c.created_at.isoformat(),
            }
            for c in comments.order_by("created_at", "pk")
        ],
        "comment_answers": [
            {
                "municipality": a.comment.municipality.name,
                "text": a.text,
                "created_at": a.created_at.isoformat(),
            }
            for a in answers.order_by("created_at", "pk")
        ],
        "positions_declared": [
            {
                "version": p.version.title,
                "municipality": p.municipality.name,
                "position": p.position,
                "position_display": p.get_position_display(),
                "reasons": p.reasons,
                "declared_at": p.declared_at.isoformat(),
            }
            for p in positions.order_by("declared_at", "pk")
        ],
        "read_receipts": [
            {"version_id": r.version_id, "version": r.version.title, "read_at": r.read_at.isoformat()}
            for r in ReadReceipt.objects.filter(user=user).select_related("version").order_by("read_at", "pk")
        ],
    }
