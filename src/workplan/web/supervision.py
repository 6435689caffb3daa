"""Manual supervision on the item page: notices (督办单) answered and lifted, extension
requests decided, assignments returned before 签收, occurrences marked met. Thin adapters
over ``progress.services``/``selectors``; every action comes back to the item page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workplan.core.errors import Conflict, Invalid, NotFound
from workplan.core.http import domain_errors
from workplan.permissions import Action
from workplan.plans import selectors as plan_selectors
from workplan.progress import selectors, services
from workplan.progress.forms import AnswerForm, DecisionForm, ExtensionForm, MeetForm, NoticeForm, ReasonForm


def _acted(request: HttpRequest, item_id: int, act: Callable[[], Any], done: str) -> HttpResponse:
    try:
        act()
    except (Invalid, Conflict) as failure:
        messages.error(request, failure.message)
    else:
        messages.success(request, done)
    if request.POST.get("back") == "my_tasks":
        return redirect("progress:my_tasks")
    return redirect("web:item_detail", item_id=item_id)


def _valid(form: forms.Form) -> dict[str, Any]:
    if not form.is_valid():
        problems = [
            f"{form.fields[name].label if name in form.fields else ''}: {' '.join(str(e) for e in errors)}"
            for name, errors in form.errors.items()
        ]
        raise Invalid("; ".join(problems))
    return form.cleaned_data


def _checked(
    request: HttpRequest,
    item_id: int,
    form: forms.Form,
    act: Callable[[dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    return _acted(request, item_id, lambda: act(_valid(form)), done)


@login_required
@require_POST
@domain_errors
def notice_issue(request: HttpRequest, item_id: int) -> HttpResponse:
    item = plan_selectors.item_get_for_user(user=request.user, item_id=item_id)

    def act(data: dict[str, Any]) -> Any:
        track = selectors.track_get_for_user(user=request.user, track_id=data["track"])
        if track.item_id != item.pk:
            raise Invalid(_("That unit has no task on this item."))
        return services.notice_issue(
            actor=request.user,
            track=track,
            reason=data["reason"],
            reply_due=data["reply_due"],
            kind=data["kind"],
        )

    return _checked(request, item.pk, NoticeForm(request.POST), act, _("The notice is issued."))


@login_required
@require_POST
@domain_errors
def notice_answer(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = selectors.notice_get_for_user(user=request.user, notice_id=notice_id)
    return _checked(
        request,
        notice.item_id,
        AnswerForm(request.POST),
        lambda data: services.notice_answer(actor=request.user, notice=notice, answer=data["answer"]),
        _("Your answer is sent."),
    )


@login_required
@require_POST
@domain_errors
def notice_lift(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = selectors.notice_get_for_user(user=request.user, notice_id=notice_id)
    return _checked(
        request,
        notice.item_id,
        ReasonForm(request.POST),
        lambda data: services.notice_lift(actor=request.user, notice=notice, reason=data["reason"]),
        _("The notice is lifted."),
    )


@login_required
@require_POST
@domain_errors
def extension_request(request: HttpRequest, item_id: int) -> HttpResponse:
    item = plan_selectors.item_get_for_user(user=request.user, item_id=item_id)

    def act(data: dict[str, Any]) -> Any:
        track = selectors.track_get_for_user(user=request.user, track_id=data["track"], action=Action.EDIT)
        if track.item_id != item.pk:
            raise Invalid(_("That unit has no task on this item."))
        return services.extension_request(
            actor=request.user, track=track, reason=data["reason"], requested_due=data["requested_due"]
        )

    return _checked(request, item.pk, ExtensionForm(request.POST), act, _("The extension is requested."))


@login_required
@require_POST
@domain_errors
def extension_decide(request: HttpRequest, extension_id: int, decision: str) -> HttpResponse:
    extension = selectors.extension_get_for_user(user=request.user, extension_id=extension_id)
    approve = decision == "approve"
    if decision not in {"approve", "refuse"}:
        raise NotFound("no such decision")
    return _checked(
        request,
        extension.item_id,
        DecisionForm(request.POST),
        lambda data: services.extension_decide(
            actor=request.user, extension=extension, approve=approve, note=data["note"]
        ),
        _("The extension is approved.") if approve else _("The extension is refused."),
    )


@login_required
@require_POST
@domain_errors
def track_refuse(request: HttpRequest, track_id: int) -> HttpResponse:
    track = selectors.track_get_for_user(user=request.user, track_id=track_id)
    return _checked(
        request,
        track.item_id,
        ReasonForm(request.POST),
        lambda data: services.track_refuse(actor=request.user, track=track, reason=data["reason"]),
        _("The task is returned to the planner."),
    )


@login_required
@require_POST
@domain_errors
def occurrence_met(request: HttpRequest, occurrence_id: int) -> HttpResponse:
    occurrence = selectors.occurrence_get_for_user(user=request.user, occurrence_id=occurrence_id)

    def act(data: dict[str, Any]) -> Any:
        report = selectors.report_get_for_user(user=request.user, report_id=data["report"])
        return services.occurrence_mark_met(actor=request.user, occurrence=occurrence, report=report)

    return _checked(
        request, occurrence.item_id, MeetForm(request.POST), act, _("The occurrence is marked met.")
    )


@login_required
@require_POST
@domain_errors
def occurrence_unmark(request: HttpRequest, occurrence_id: int) -> HttpResponse:
    occurrence = selectors.occurrence_get_for_user(user=request.user, occurrence_id=occurrence_id)
    return _checked(
        request,
        occurrence.item_id,
        ReasonForm(request.POST),
        lambda data: services.occurrence_unmark(
            actor=request.user, occurrence=occurrence, reason=data["reason"]
        ),
        _("The occurrence is no longer marked met."),
    )
