"""The organisation-wide view: every active plan by plan, unit and status (counted in SQL)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from workplan.accounts.selectors import unit_list_for_user
from workplan.core import clock
from workplan.core.http import domain_errors, query_without_page
from workplan.progress.dashboard import STATUS_ORDER, organisation_overview
from workplan.web.forms import OverviewForm

OVERVIEW_UNITS = 100  # units a page of the overview's unit table shows


@login_required
@require_GET
@domain_errors
def overview(request: HttpRequest) -> HttpResponse:
    """By plan (→ its dashboard and filtered tree), by unit (→ the same view narrowed to it)."""
    units = unit_list_for_user(user=request.user)
    form = OverviewForm(request.GET or None, units=units)
    data = form.cleaned_data if form.is_valid() else {}
    result = organisation_overview(
        user=request.user,
        today=data.get("as_of") or clock.today(),
        unit=data.get("unit"),
        units_per_page=OVERVIEW_UNITS,
        unit_page=request.GET.get("page"),
    )
    context = {
        "overview": result,
        "form": form,
        "status_order": STATUS_ORDER,
        "as_of": result.today,
        "page_query": query_without_page(request),
    }
    return render(request, "web/overview.html", context)
