"""In the import review an administrator creates, in one step, the units a plan names that
the organisation lacks, under a parent they choose; no name becomes an alias."""

from __future__ import annotations

import pytest
from tests.browser.test_flow import PASSWORD, Session

from workplan.accounts.models import Role, Unit
from workplan.core.testing import make_organisation, make_user
from workplan.plans.models import Assignment

PLAN = "2019年工作要点\n一、基层工作\n（一）完善乡镇工作机制，6月底前完成。（东山镇、西河镇负责）\n（二）加强宣传。（县民政局负责）\n"


@pytest.mark.django_db(transaction=True)
def test_missing_units_are_created_from_the_import_review(page, live_server, actor, tmp_path):
    org = make_organisation(actor)
    admin = make_user(actor, "it-admin", role=Role.ADMIN, unit=org.root)
    admin.set_password(PASSWORD)
    admin.save(update_fields=["password"])
    document = tmp_path / "plan.txt"
    document.write_text(PLAN, encoding="utf-8")

    s = Session(page, live_server.url)
    s.sign_in("it-admin", "en")
    s.go("/plans/import/")
    page.set_input_files("#id_document", str(document))
    page.select_option("#id_owner_unit", str(org.root.pk))
    s.submit("main form button[type=submit]")
    for name in ("东山镇", "西河镇"):
        page.check(f"input[name=names][value='{name}']")
    page.select_option("#draft-bulk-unit", str(org.root.pk))
    s.submit("#draft-units-bulk button[value=create]")
    assert "2 units created" in page.inner_text("main")
    created = {u.name: u for u in Unit.objects.filter(name__in=["东山镇", "西河镇"])}
    assert set(created) == {"东山镇", "西河镇"}
    assert all(u.get_parent() == org.root and u.aliases == [] for u in created.values())
    s.submit("form[action$='/confirm/'] button")
    assert set(Assignment.objects.filter(unit__in=created.values()).values_list("unit__name", flat=True)) == {
        "东山镇",
        "西河镇",
    }
    assert Unit.objects.get(pk=org.unit_a.pk).aliases == ["民政局"]  # an exact match adds nothing
    assert not s.violations, s.violations
