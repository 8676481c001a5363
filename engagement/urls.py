from django.urls import path

from .views import (
    applications,
    budget,
    contracts,
    newcomers,
    organisation,
    placements,
    proofs,
    qualifications,
    receipts,
    staff,
)

app_name = "engagement"

urlpatterns = [
    # organisations (local initiatives)
    path("initiativen/registrieren/", organisation.SignupView.as_view(), name="signup"),
    path("initiativen/registrieren/gesendet/", organisation.SignupDoneView.as_view(), name="signup_done"),
    path(
        "initiativen/bestaetigen/<str:token>/", organisation.ConfirmEmailView.as_view(), name="confirm_email"
    ),
    path("initiativen/mein-bereich/", organisation.HomeView.as_view(), name="home"),
    path(
        "initiativen/antraege/neu/", applications.ApplicationCreateView.as_view(), name="application_create"
    ),
    path(
        "initiativen/antraege/<int:pk>/",
        applications.ApplicationDetailView.as_view(),
        name="application_detail",
    ),
    path(
        "initiativen/antraege/<int:pk>/bearbeiten/",
        applications.ApplicationUpdateView.as_view(),
        name="application_update",
    ),
    path(
        "initiativen/antraege/<int:pk>/einreichen/",
        applications.ApplicationSubmitView.as_view(),
        name="application_submit",
    ),
    path(
        "initiativen/antraege/<int:pk>/vertrag/",
        contracts.ContractCreateView.as_view(),
        name="contract_create",
    ),
    path(
        "initiativen/antraege/<int:pk>/weiterleitungsvertrag.pdf",
        contracts.ContractPdfView.as_view(),
        name="contract_pdf",
    ),
    path(
        "initiativen/antraege/<int:pk>/mittelabruf/",
        contracts.PaymentRequestView.as_view(),
        name="payment_request",
    ),
    path(
        "initiativen/antraege/<int:pk>/verwendungsnachweis/",
        proofs.ProofDetailView.as_view(),
        name="proof_detail",
    ),
    path(
        "initiativen/antraege/<int:pk>/verwendungsnachweis/bearbeiten/",
        proofs.ProofEditView.as_view(),
        name="proof_edit",
    ),
    path(
        "initiativen/antraege/<int:pk>/verwendungsnachweis/neuzugewanderte/neu/",
        newcomers.InitiativeNewcomerAddView.as_view(),
        name="initiative_newcomer_add",
    ),
    path(
        "initiativen/antraege/<int:pk>/verwendungsnachweis/neuzugewanderte/<int:newcomer_pk>/widerruf/",
        newcomers.InitiativeNewcomerWithdrawView.as_view(),
        name="initiative_newcomer_withdraw",
    ),
    path(
        "initiativen/antraege/<int:pk>/verwendungsnachweis/einreichen/",
        proofs.ProofSubmitView.as_view(),
        name="proof_submit",
    ),
    path(
        "initiativen/antraege/<int:pk>/verwendungsnachweis/dateien/hochladen/",
        receipts.ReceiptFileUploadView.as_view(),
        name="receipt_file_upload",
    ),
    path(
        "initiativen/antraege/<int:pk>/verwendungsnachweis/dateien/<int:file_pk>/",
        receipts.ReceiptFileView.as_view(),
        name="receipt_file",
    ),
    path(
        "initiativen/antraege/<int:pk>/verwendungsnachweis/dateien/<int:file_pk>/entfernen/",
        receipts.ReceiptFileDeleteView.as_view(),
        name="receipt_file_delete",
    ),
    # volunteer placements: volunteers find them, organisations and KI staff manage them
    path("ehrenamt/einsatzstellen/", placements.PlacementListView.as_view(), name="placements"),
    path(
        "ehrenamt/einsatzstellen/<int:pk>/", placements.PlacementDetailView.as_view(), name="placement_detail"
    ),
    path(
        "ehrenamt/einsatzstellen/<int:pk>/interesse-zurueckziehen/",
        placements.InterestWithdrawView.as_view(),
        name="interest_withdraw",
    ),
    # external qualification proofs: volunteers upload them, KI staff confirm or reject them
    path("ehrenamt/qualifikationen/", qualifications.MyProofsView.as_view(), name="qualification_proofs"),
    path(
        "qualifikationsnachweise/<int:pk>/datei/",
        qualifications.ProofFileView.as_view(),
        name="qualification_proof_file",
    ),
    path(
        "foerderung/qualifikationsnachweise/",
        qualifications.ReviewListView.as_view(),
        name="qualification_proof_reviews",
    ),
    path(
        "foerderung/qualifikationsnachweise/<int:pk>/",
        qualifications.ReviewView.as_view(),
        name="qualification_proof_review",
    ),
    path("einsatzstellen/verwalten/", placements.ManageListView.as_view(), name="placement_manage_list"),
    path("einsatzstellen/verwalten/neu/", placements.PlacementCreateView.as_view(), name="placement_create"),
    path(
        "einsatzstellen/verwalten/<int:pk>/",
        placements.PlacementManageView.as_view(),
        name="placement_manage",
    ),
    path(
        "einsatzstellen/verwalten/<int:pk>/bearbeiten/",
        placements.PlacementUpdateView.as_view(),
        name="placement_update",
    ),
    path(
        "einsatzstellen/verwalten/<int:pk>/beenden/",
        placements.PlacementCloseView.as_view(),
        name="placement_close",
    ),
    path(
        "einsatzstellen/interessen/<int:pk>/vermittelt/",
        placements.InterestPlacedView.as_view(),
        name="interest_placed",
    ),
    # KI staff
    path("foerderung/initiativen/", staff.OrganisationListView.as_view(), name="organisations"),
    path(
        "foerderung/initiativen/<int:pk>/bestaetigen/",
        staff.OrganisationConfirmView.as_view(),
        name="organisation_confirm",
    ),
    path("foerderung/antraege/", staff.ApplicationListView.as_view(), name="applications"),
    path("foerderung/antraege/<int:pk>/beratung/", staff.AdviceMeetingView.as_view(), name="advice_meeting"),
    path("foerderung/antraege/<int:pk>/entscheidung/", staff.DecideView.as_view(), name="decide"),
    path(
        "foerderung/mittelabrufe/<int:pk>/freigeben/",
        staff.PaymentApproveView.as_view(),
        name="payment_approve",
    ),
    path(
        "foerderung/mittelabrufe/<int:pk>/ausgezahlt/",
        staff.PaymentPaidView.as_view(),
        name="payment_paid",
    ),
    path("foerderung/verwendungsnachweise/", staff.ProofListView.as_view(), name="proofs"),
    path(
        "foerderung/verwendungsnachweise/<int:pk>/pruefung/",
        staff.ProofReviewView.as_view(),
        name="proof_review",
    ),
    path(
        "foerderung/verwendungsnachweise/<int:pk>/rueckzahlung/",
        staff.RepaymentView.as_view(),
        name="repayment",
    ),
    path("foerderung/budget/", staff.BudgetView.as_view(), name="budget"),
    path("foerderung/sachberichte.pdf", staff.ReportsPdfView.as_view(), name="reports_pdf"),
    path("foerderung/budget.xlsx", staff.BudgetXlsxView.as_view(), name="budget_xlsx"),
    path("foerderung/budget/<int:year>/festlegen/", budget.BudgetEditView.as_view(), name="budget_edit"),
]
