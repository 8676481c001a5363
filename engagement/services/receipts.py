"""Receipt files (Belege) of a proof of use: added and removed by the organisation while the proof
is editable, deleted with the grant's retention period (``retention``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User

from ..models import Application, ProofOfUse, ReceiptFile
from ..receipt_files import check_receipt_upload, delete_rows_and_files, display_name, save_with_file
from ..workflow import PROOF
from .proofs import proof_application

# More files than receipts lines are rare; the cap keeps one proof from filling the storage.
MAX_FILES_PER_PROOF = 100


def _editable_proof(by: User, application: Application) -> ProofOfUse:
    application = proof_application(by, application)
    proof, _created = ProofOfUse.objects.select_for_update().get_or_create(application=application)
    PROOF.check(
        "edit", proof, by, message=_("Ein eingereichter Verwendungsnachweis kann nicht mehr geändert werden.")
    )
    return proof


@transaction.atomic
def add_receipt_file(*, by: User, application: Application, upload, description: str = "") -> ReceiptFile:
    """The organisation uploads a receipt; a draft proof is started if there is none yet."""
    proof = _editable_proof(by, application)
    if proof.files.count() >= MAX_FILES_PER_PROOF:
        raise ValidationError(
            _("Zu einem Verwendungsnachweis können höchstens %(count)s Dateien hochgeladen werden.")
            % {"count": MAX_FILES_PER_PROOF}
        )
    try:
        kind, content = check_receipt_upload(upload)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    receipt_file = ReceiptFile(
        proof=proof,
        kind=kind,
        original_name=display_name(upload.name),
        description=description.strip(),
        size=len(content),
        uploaded_by=by,
    )
    save_with_file(receipt_file, "beleg", content)
    return receipt_file


@transaction.atomic
def remove_receipt_file(*, by: User, application: Application, receipt_file: ReceiptFile) -> None:
    proof = _editable_proof(by, application)
    files = ReceiptFile.objects.filter(proof=proof, pk=receipt_file.pk)
    if not files.exists():
        raise ReceiptFile.DoesNotExist
    delete_rows_and_files(files)
