"""The import review's units, several at once: created under a parent, or mapped together."""

from __future__ import annotations

import pytest
from django.urls import reverse

from workplan.accounts.models import Unit
from workplan.core.errors import Forbidden, Invalid, NotFound
from workplan.operations import services
from workplan.plans import drafts

TEXT = "2019年要点\n一、基层\n（一）完善机制。（东山镇、西河镇负责）\n（二）宣传。（南湖镇负责）\n".encode()


@pytest.fixture
def draft(org, personas):
    return drafts.draft_create(actor=personas.admin, data=TEXT, filename="p.txt", owner_unit=org.root)


def test_create_several_units_and_map_them(draft, personas, org):
    created = services.draft_units_create(
        actor=personas.admin, draft=draft, names=["东山镇", "西河镇", "东山镇"], parent=org.unit_a
    )
    assert [u.name for u in created] == ["东山镇", "西河镇"]
    assert [u.code for u in created] == ["A-1", "A-2"] and all(u.get_parent() == org.unit_a for u in created)
    draft.refresh_from_db()
    assert (
        draft.data["units"]["东山镇"]["unit_id"] == created[0].pk
        and not draft.data["units"]["东山镇"]["remember"]
    )
    with pytest.raises(Invalid, match="exists already"):
        services.draft_units_create(actor=personas.admin, draft=draft, names=["东山镇"], parent=org.root)


def test_map_several_names_to_one_unit_without_aliases(draft, personas, org):
    services.draft_units_map(actor=personas.admin, draft=draft, names=["东山镇", "南湖镇"], unit=org.unit_b)
    draft.refresh_from_db()
    assert {draft.data["units"][n]["unit_id"] for n in ("东山镇", "南湖镇")} == {org.unit_b.pk}
    drafts.draft_confirm(actor=personas.admin, draft=draft)
    assert Unit.objects.get(pk=org.unit_b.pk).aliases == []


def test_bad_names_and_people_who_may_not(draft, personas, org):
    with pytest.raises(Invalid, match="names no unit"):
        services.draft_units_map(actor=personas.admin, draft=draft, names=["<script>"], unit=org.unit_b)
    with pytest.raises(Invalid, match="at least one"):
        services.draft_units_map(actor=personas.admin, draft=draft, names=[], unit=org.unit_b)
    with pytest.raises(Forbidden):
        services.draft_units_create(actor=personas.planner, draft=draft, names=["东山镇"], parent=org.root)
    assert not Unit.objects.filter(name="东山镇").exists()
    with pytest.raises(NotFound):
        services.draft_units_map(actor=personas.reporter_b, draft=draft, names=["东山镇"], unit=org.unit_b)


def test_the_bulk_form(client, draft, personas, org):
    client.force_login(personas.admin)
    url = reverse("operations:draft_units", args=[draft.pk])
    page = client.get(reverse("plans:draft", args=[draft.pk])).content.decode()
    assert 'id="draft-units-bulk"' in page and 'value="create"' in page
    client.post(url, {"action": "create", "names": ["东山镇"], "unit": ""})
    assert not Unit.objects.filter(name="东山镇").exists()
    done = client.post(
        url, {"action": "create", "names": ["东山镇", "西河镇"], "unit": org.root.pk}, follow=True
    )
    assert "2 units created" in done.content.decode()
    assert client.post(url, {"action": "explode", "names": ["南湖镇"]}).status_code == 302
    client.force_login(personas.planner)
    assert 'value="create"' not in client.get(reverse("plans:draft", args=[draft.pk])).content.decode()
    client.force_login(personas.reporter_b)
    assert client.post(url, {"action": "map", "names": ["南湖镇"], "unit": org.unit_b.pk}).status_code == 404
