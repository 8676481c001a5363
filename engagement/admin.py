from django.contrib import admin

from .models import AnnualBudget, ContractTemplate, Organisation


@admin.register(AnnualBudget)
class AnnualBudgetAdmin(admin.ModelAdmin):
    """Budgets are set by the district's KI per programme and year."""

    list_display = ["programme", "district", "year", "amount", "cap_per_applicant"]
    list_filter = ["programme", "district", "year"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "legal_form", "town", "status", "district"]
    list_filter = ["status", "district"]
    search_fields = ["name"]
    readonly_fields = ["email_confirmed_at", "confirmed_at", "confirmed_by"]


@admin.register(ContractTemplate)
class ContractTemplateAdmin(admin.ModelAdmin):
    """The KI edits the terms of its forwarding contracts; concluded contracts keep their copy."""

    list_display = ["district", "proof_due_days"]
