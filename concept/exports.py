"""A person's own data in the concept app, for the own-data export (Art. 15 GDPR).

Wired into ``volunteers.accounts.export_own_data`` through ``settings.OWN_DATA_EXPORTERS`` so the
export covers apps to its right without importing them.
"""

from __future__ import annotations

from accounts.models import User

from .models import CommentAnswer, ConsultationComment, FollowUp, MunicipalityPosition, ReadReceipt


def export_own_concept_data(*, user: User) -> dict:
    comments = ConsultationComment.objects.filter(author=user).select_related("municipality", "version")
    answers = CommentAnswer.objects.filter(author=user).select_related("comment__municipality")
    positions = MunicipalityPosition.objects.filter(declared_by=user).select_related(
        "municipality", "version"
    )
    follow_ups = FollowUp.objects.filter(owner=user).select_related("meeting__municipality")
    return {
        "concept_consultation": {
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
                    "reasons": p.reasons,
                    "declared_at": p.declared_at.isoformat(),
                }
                for p in positions.order_by("declared_at", "pk")
            ],
            "read_receipts": [
                {"version_id": r.version_id, "read_at": r.read_at.isoformat()}
                for r in ReadReceipt.objects.filter(user=user).order_by("read_at", "pk")
            ],
        },
        # The owner's follow-ups are the reverse relation User.advice_follow_ups: a top-level section.
        "advice_follow_ups": [
            {
                "municipality": f.meeting.municipality.name,
                "text": f.text,
                "due_on": f.due_on.isoformat(),
                "done_at": f.done_at.isoformat() if f.done_at else None,
            }
            for f in follow_ups.order_by("due_on", "pk")
        ],
    }
