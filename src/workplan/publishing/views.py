"""The planner's publishing page (signed in) and the anonymous public pages under /public/.

The public views render without the request's context processors (no user, no navigation,
no CSRF token: nothing internal can reach the page), send an ETag and Cache-Control, and
answer a conditional GET with 304 before the page is built.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.http import require_POST, require_safe

from workplan import permissions
from workplan.core.errors import Invalid, NotFound
from workplan.core.http import domain_errors
from workplan.permissions import Action
from workplan.plans import selectors as plan_selectors
from workplan.progress import selectors as progress_selectors
from workplan.publishing import selectors, services

LANGUAGES = {"zh": "zh-hans", "en": "en"}
CACHE_SECONDS = 600  # a rendered page kept this long (any audited write makes a new stamp anyway)


@login_required
@require_safe
@domain_errors
def manage(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The plan's public page as the planner sees it: published or not, which parts, which
    narratives and which evidence files."""
    plan = plan_selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    publication = selectors.publication_for_plan(user=request.user, plan=plan)
    chosen = {p.pk for p in publication.parts.all()} if publication is not None else set()
    context = {
        "plan": plan,
        "publication": publication,
        "is_public": publication is not None and publication.is_active,
        "parts": selectors.plan_parts(user=request.user, plan=plan),
        "chosen": chosen,
        "choices": selectors.narrative_choices(user=request.user, plan=plan),
        "files": selectors.evidence_choices(user=request.user, plan=plan),
        "can_edit": permissions.can(request.user, Action.EDIT, plan),
    }
    return render(request, "publishing/manage.html", context)


@login_required
@require_POST
@domain_errors
def publish(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The button: publish (the whole plan, or the ticked parts) or, with ``unpublish``, take down."""
    plan = plan_selectors.plan_get_for_user(user=request.user, plan_id=plan_id, action=Action.EDIT)
    try:
        if "unpublish" in request.POST:
            services.publication_unpublish(actor=request.user, plan=plan)
            messages.success(request, translation.gettext("The public page is taken down."))
        else:
            parts = [int(p) for p in request.POST.getlist("part") if p.isdigit() and len(p) < 19]
            services.publication_publish(actor=request.user, plan=plan, part_ids=parts)
            messages.success(request, translation.gettext("The plan is published."))
    except Invalid as error:
        messages.error(request, error.message)
    return redirect("publishing:manage", plan.pk)


@login_required
@require_POST
@domain_errors
def narrative(request: HttpRequest, plan_id: int, report_id: int) -> HttpResponse:
    """Make an accepted report's narrative public or, with ``withdraw``, take it off."""
    plan = plan_selectors.plan_get_for_user(user=request.user, plan_id=plan_id, action=Action.EDIT)
    try:
        if "withdraw" in request.POST:
            choice = selectors.narrative_get_for_user(
                user=request.user, report_id=report_id, action=Action.EDIT
            )
            services.narrative_unpublish(actor=request.user, narrative=choice)
        else:
            report = progress_selectors.report_get_for_user(user=request.user, report_id=report_id)
            services.narrative_publish(actor=request.user, report=report)
    except Invalid as error:
        messages.error(request, error.message)
    return redirect(reverse("publishing:manage", args=[plan.pk]) + "#narratives")


@login_required
@require_POST
@domain_errors
def evidence(request: HttpRequest, plan_id: int, evidence_id: int) -> HttpResponse:
    """Show an accepted report's evidence file on the public page or, with ``hide``, take it off."""
    plan = plan_selectors.plan_get_for_user(user=request.user, plan_id=plan_id, action=Action.EDIT)
    try:
        if "hide" in request.POST:
            choice = selectors.public_evidence_get_for_user(
                user=request.user, evidence_id=evidence_id, action=Action.EDIT
            )
            services.evidence_unpublish(actor=request.user, public_evidence=choice)
            messages.success(request, translation.gettext("The file is hidden from the public page."))
        else:
            found = progress_selectors.evidence_get_for_user(user=request.user, evidence_id=evidence_id)
            services.evidence_publish(actor=request.user, evidence=found)
            messages.success(request, translation.gettext("The file is shown on the public page."))
    except Invalid as error:
        messages.error(request, error.message)
    return redirect(reverse("publishing:manage", args=[plan.pk]) + "#evidence")


# --- anonymous -------------------------------------------------------------------------------


def _render(template: str, context: Mapping[str, object], *, language: str) -> str:
    with translation.override(LANGUAGES[language]):
        return render_to_string(template, {**context, "lang": language, "LANGUAGE_CODE": LANGUAGES[language]})


def _response(body: str, *, language: str, status: int = 200) -> HttpResponse:
    response = HttpResponse(body, status=status)
    response["Content-Language"] = LANGUAGES[language]
    return response


def _public(
    template: str, context: Mapping[str, object], *, language: str, status: int = 200
) -> HttpResponse:
    return _response(_render(template, context, language=language), language=language, status=status)


def _switch(name: str, *args: object) -> dict[str, str]:
    """The same page in each language (the switch needs no sign-in and no cookie)."""
    return {
        "url_zh": reverse(f"publishing_public:{name}", args=args),
        "url_en": reverse(f"publishing_public:{name}_en", args=args),
        "index_zh": reverse("publishing_public:index"),
        "index_en": reverse("publishing_public:index_en"),
    }


def _cacheable(response: HttpResponseBase, etag: str) -> HttpResponseBase:
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=settings.WORKPLAN_PUBLIC_MAX_AGE)
    return response


def _not_found(language: str) -> HttpResponse:
    """One answer for a missing plan, an unpublished one and a junk id alike."""
    response = _public("publishing/public_404.html", _switch("index"), language=language, status=404)
    patch_cache_control(response, no_cache=True)
    return response


@require_safe
def public_index(request: HttpRequest, language: str = "zh") -> HttpResponseBase:
    """/public/: the published plans."""
    etag = f'"{selectors.public_index_stamp(language=language)}"'
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return _cacheable(not_modified, etag)
    response = _public(
        "publishing/public_index.html",
        {"plans": selectors.public_plan_list(), **_switch("index")},
        language=language,
    )
    return _cacheable(response, etag)


@require_safe
def public_plan(request: HttpRequest, plan_id: str, language: str = "zh") -> HttpResponseBase:
    """/public/plans/<id>/: one published plan (404, the same for missing and unpublished)."""
    stamp = selectors.public_plan_stamp(plan_id=plan_id, language=language)
    if stamp is None:
        return _not_found(language)
    etag = f'"{stamp}"'
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return _cacheable(not_modified, etag)
    key = f"publishing:page:{stamp}"  # the stamp names the language and the state of the data
    body = cache.get(key)
    if not isinstance(body, str):
        try:
            page = selectors.public_plan_page(plan_id=plan_id)
        except NotFound:  # unpublished between the two reads
            return _not_found(language)
        context = {"page": page, **_switch("plan", page.plan_id)}
        body = _render("publishing/public_plan.html", context, language=language)
        cache.set(key, body, CACHE_SECONDS)
    response = _response(body, language=language)
    return _cacheable(response, etag)


@require_safe
def public_evidence(
    request: HttpRequest, plan_id: str, evidence_id: str, language: str = "zh"
) -> HttpResponseBase:
    """/public/plans/<id>/evidence/<id>/: a file marked public, as an attachment; the same 404 as
    a missing plan for anything not public (docs/public-pages.md)."""
    try:
        found = selectors.public_evidence_file(plan_id=plan_id, evidence_id=evidence_id)
    except NotFound:
        return _not_found(language)
    etag = f'"{found.evidence.sha256[:32]}"'  # the content decides: a file is stored by its hash
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return _cacheable(not_modified, etag)
    response = FileResponse(
        found.open(), as_attachment=True, filename=found.filename, content_type=found.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return _cacheable(response, etag)
