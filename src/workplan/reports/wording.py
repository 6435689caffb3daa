"""The fixed wording of the documents, with placeholders the office may reword per plan.

A sentence is a ``str.format`` template over named values ({plan}, {period}, {year}, {items},
{completion}, …). A reworded sentence with a placeholder that does not exist, or broken
braces, is refused with a message naming the sentence and the placeholders it may use;
generation never fails half-way because of it.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workplan.core.errors import Invalid
from workplan.reports.document import clean

DEFAULTS: dict[str, Any] = {
    "bulletin_title": gettext_lazy("{plan}: progress bulletin"),
    "bulletin_subtitle": gettext_lazy("Reporting period {period} (as of {as_of})"),
    "bulletin_opening": gettext_lazy(
        "In {period}, {items} tasks of the plan were being tracked; overall completion is "
        "{completion}. {done} are done, {on_track} on track, {at_risk} at risk and {overdue} overdue. "
        "{reports} progress reports were submitted for the period, {on_time} of them on time; "
        "{returned} were returned for more work."
    ),
    "bulletin_closing": gettext_lazy(
        "Units with overdue or at-risk tasks are asked to catch up and report on the next due date."
    ),
    "summary_title": gettext_lazy("{plan}: annual work summary"),
    "summary_subtitle": gettext_lazy("Year {year} (as of {as_of})"),
    "summary_opening": gettext_lazy(
        "In {year} the plan set {items} tasks with units. By {as_of}, {done} were done and overall "
        "completion was {completion}; {behind} are behind and {carried} were carried over to next year. "
        "The units submitted {reports} progress reports with {evidence} evidence files."
    ),
    "issuer": gettext_lazy("The plan's office"),
    "number": "",
}
KEYS = tuple(DEFAULTS)
LABELS = {
    "bulletin_title": gettext_lazy("Bulletin: title"),
    "bulletin_subtitle": gettext_lazy("Bulletin: subtitle"),
    "bulletin_opening": gettext_lazy("Bulletin: opening sentence"),
    "bulletin_closing": gettext_lazy("Bulletin: closing sentence"),
    "summary_title": gettext_lazy("Summary: title"),
    "summary_subtitle": gettext_lazy("Summary: subtitle"),
    "summary_opening": gettext_lazy("Summary: opening sentence"),
    "issuer": gettext_lazy("Issuer"),
    "number": gettext_lazy("Document number (文号)"),
}
# The placeholders each document fills; the title block (number, issuer) is in both.
BULLETIN_NAMES = frozenset(
    {"plan", "period", "as_of", "year", "items", "completion", "done", "on_track", "at_risk", "overdue",
     "reports", "on_time", "returned"}
)  # fmt: skip
SUMMARY_NAMES = frozenset(
    {"plan", "period", "as_of", "year", "items", "completion", "done", "on_track", "at_risk", "overdue",
     "reports", "evidence", "behind", "carried"}
)  # fmt: skip
MAX_LENGTH = 2000


def names_for(key: str) -> frozenset[str]:
    """The placeholders the sentence ``key`` may use."""
    if key.startswith("bulletin_"):
        return BULLETIN_NAMES
    if key.startswith("summary_"):
        return SUMMARY_NAMES
    return BULLETIN_NAMES & SUMMARY_NAMES


def default_text(key: str) -> str:
    return str(DEFAULTS[key])


def _names(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def render(key: str, template: str | None, values: Mapping[str, Any]) -> str:
    """``template`` (or the default for ``key``) filled with ``values``; a clear error if broken."""
    text = str(DEFAULTS[key]) if template is None or not template.strip() else template
    try:
        unknown = _names(text) - set(values)
        if unknown:
            raise KeyError(sorted(unknown)[0])
        return clean(text.format_map(dict(values)))
    except (KeyError, ValueError, IndexError, AttributeError) as error:
        raise Invalid(
            _(
                "The wording of '%(key)s' cannot be used (%(error)s). "
                "Use only these placeholders in braces: %(names)s."
            )
            % {"key": key, "error": error, "names": ", ".join("{" + n + "}" for n in sorted(values))},
            details={key: ["bad template"]},
        ) from None


def check(key: str, template: str, names: set[str] | frozenset[str] | None = None) -> str:
    """Refuse a reworded sentence before it is stored: unknown placeholders, broken braces,
    characters a document cannot hold, too long. Returns the text to store."""
    if key not in DEFAULTS:
        raise Invalid(_("Unknown sentence: %(key)s.") % {"key": clean(key)[:40]}, details={key: ["unknown"]})
    text = clean(template).strip()
    if len(text) > MAX_LENGTH:
        raise Invalid(
            _("The wording of '%(key)s' is longer than %(limit)s characters.")
            % {"key": key, "limit": MAX_LENGTH},
            details={key: ["too long"]},
        )
    render(key, text, dict.fromkeys(names if names is not None else names_for(key), "x"))
    return text
