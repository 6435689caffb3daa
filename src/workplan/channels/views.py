"""Pages of the messaging channels: group robots (administrators) and one's e-mail frequency."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from workplan.channels import selectors, services
from workplan.channels.forms import EndpointForm, MailPreferenceForm
from workplan.core.errors import Invalid
from workplan.core.http import domain_errors
from workplan.permissions import require_admin

DELIVERIES_SHOWN = 50


@login_required
@require_GET
@domain_errors
def endpoint_list(request: HttpRequest) -> HttpResponse:
    require_admin(request.user, _("configure group robots"))
    return render(
        request,
        "channels/list.html",
        {
            "endpoints": selectors.endpoint_list(user=request.user),
            "deliveries": selectors.delivery_list(user=request.user)[:DELIVERIES_SHOWN],
        },
    )


def _form_errors(form: EndpointForm, error: Invalid) -> None:
    for field, problems in (error.details or {}).items():
        form.add_error(field if field in form.fields else None, "; ".join(map(str, problems)))
    if not error.details:
        form.add_error(None, error.message)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def endpoint_edit(request: HttpRequest, endpoint_id: int | None = None) -> HttpResponse:
    require_admin(request.user, _("configure group robots"))
    endpoint = (
        selectors.endpoint_get_for_user(user=request.user, endpoint_id=endpoint_id) if endpoint_id else None
    )
    initial = (
        {
            "name": endpoint.name,
            "platform": endpoint.platform,
            "unit": endpoint.unit_id,
            "plan": endpoint.plan_id,
            "kinds": endpoint.kinds,
            "active": endpoint.active,
        }
        if endpoint
        else None
    )
    form = EndpointForm(
        request.POST or None, initial=initial, user=request.user, editing=endpoint is not None
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if endpoint is None:
                endpoint = services.endpoint_create(
                    actor=request.user,
                    name=data["name"],
                    platform=data["platform"],
                    url=data["url"],
                    secret=data["secret"],
                    unit=data["unit"],
                    plan=data["plan"],
                    kinds=data["kinds"],
                    active=data["active"],
                )
            else:
                endpoint = services.endpoint_update(
                    actor=request.user,
                    endpoint=endpoint,
                    name=data["name"],
                    url=data["url"] or None,
                    secret="" if data["clear_secret"] else (data["secret"] or None),
                    kinds=data["kinds"],
                    active=data["active"],
                )
        except Invalid as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The group robot is saved."))
            return redirect("channels:detail", endpoint_id=endpoint.pk)
    return render(request, "channels/edit.html", {"form": form, "endpoint": endpoint})


@login_required
@require_GET
@domain_errors
def endpoint_detail(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = selectors.endpoint_get_for_user(user=request.user, endpoint_id=endpoint_id)
    deliveries = selectors.delivery_list(user=request.user, endpoint=endpoint)[:DELIVERIES_SHOWN]
    return render(request, "channels/detail.html", {"endpoint": endpoint, "deliveries": deliveries})


@login_required
@require_POST
@domain_errors
def endpoint_test(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = selectors.endpoint_get_for_user(user=request.user, endpoint_id=endpoint_id)
    services.endpoint_test(actor=request.user, endpoint=endpoint)
    messages.success(request, _("A test message is on its way; its result shows below."))
    return redirect("channels:detail", endpoint_id=endpoint.pk)


@login_required
@require_POST
@domain_errors
def endpoint_delete(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = selectors.endpoint_get_for_user(user=request.user, endpoint_id=endpoint_id)
    services.endpoint_delete(actor=request.user, endpoint=endpoint)
    messages.success(request, _("The group robot is removed."))
    return redirect("channels:list")


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def mail_settings(request: HttpRequest) -> HttpResponse:
    form = MailPreferenceForm(
        request.POST or None, initial={"frequency": selectors.mail_frequency_of(user=request.user)}
    )
    if request.method == "POST" and form.is_valid():
        services.mail_preference_set(actor=request.user, frequency=form.cleaned_data["frequency"])
        messages.success(request, _("Your e-mail setting is saved."))
        return redirect("channels:mail")
    return render(request, "channels/mail.html", {"form": form})
