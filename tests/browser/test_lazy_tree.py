"""A large plan's tree, level by level: the page shows one level; opening a node loads its children."""

from __future__ import annotations

import pytest
from tests.browser.test_flow import PASSWORD, Session

from workplan.accounts.models import User
from workplan.plans.models import Plan, PlanItem
from workplan.synth import synthesise


@pytest.mark.django_db(transaction=True)
def test_opening_a_node_loads_its_children(page, live_server):
    synthesise(units=6, items=400, periods=1, seed=61)
    plan = Plan.objects.get(title__startswith="SYN61 ")
    leader = User.objects.get(username="syn61-leader")
    leader.set_password(PASSWORD)
    leader.save(update_fields=["password"])
    part = PlanItem.objects.filter(plan=plan, depth=1, numchild__gt=0).order_by("path").first()
    assert part is not None

    s = Session(page, live_server.url)
    s.sign_in("syn61-leader", "en")
    s.go(f"/plans/{plan.pk}/levels/")
    rows = page.locator("[data-lazy-tree] li.lazy-node")
    top = PlanItem.objects.filter(plan=plan, depth=1).count()
    assert rows.count() == min(top, 200)
    node = page.locator(f"li.lazy-node[data-item='{part.pk}']")
    node.locator(":scope > .lazy-row button.lazy-toggle").click()
    children = node.locator(":scope > ul.lazy-children > li.lazy-node")
    children.first.wait_for()
    assert children.count() == min(part.numchild, 200)
    assert node.locator(":scope > .lazy-row button.lazy-toggle").get_attribute("aria-expanded") == "true"
    assert not page.csp_violations, page.csp_violations
    assert not s.violations, s.violations
