import csv
import io

import pytest
from django.urls import reverse

from hub.core.audit import audit
from hub.core.csv_export import neutralise

pytestmark = pytest.mark.django_db


def test_the_audit_helper_records_who_what_which_and_the_change(curator, member):
    entry = audit(actor=curator, action="role.grant", target=member, from_state="",
                  to_state="reviewer", detail={"role": "reviewer"})
    assert entry.actor == curator
    assert entry.target_type.model == "user" and entry.target_id == str(member.pk)
    assert entry.target_label == "Maya Member" and entry.to_state == "reviewer"
    assert entry.actor_name == "Cara Curator"


def test_an_entry_made_by_the_hub_itself_says_so():
    assert audit(actor=None, action="import.run").actor_name == "Innovation Hub (automatic)"


@pytest.mark.parametrize("who", ["member", "practitioner", "reviewer", "sponsor"])
def test_only_curators_and_admins_see_the_audit_log(signed_in, request, who):
    assert signed_in(request.getfixturevalue(who)).get(
        reverse("core:audit_log")).status_code == 403


def test_a_visitor_is_asked_to_sign_in_for_the_audit_log(client):
    response = client.get(reverse("core:audit_log"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_curator_filters_the_audit_log_by_action_and_person(signed_in, curator, admin, member):
    audit(actor=curator, action="role.grant", target=member, to_state="reviewer")
    audit(actor=admin, action="allow_list.add", target=member)
    client = signed_in(curator)
    page = client.get(reverse("core:audit_log"), {"action": "role.grant"})
    assert page.status_code == 200
    assert [entry.action for entry in page.context["page_obj"]] == ["role.grant"]
    by_admin = client.get(reverse("core:audit_log"), {"actor_email": "ada@hub.gov.uk"})
    assert [entry.action for entry in by_admin.context["page_obj"]] == ["allow_list.add"]


def test_a_bad_date_range_is_explained_and_kept(signed_in, curator):
    page = signed_in(curator).get(
        reverse("core:audit_log"), {"date_from": "2026-11-30", "date_to": "2026-11-01"}
    )
    body = page.content.decode()
    assert "There is a problem" in body
    assert "must be the same as or after" in body
    assert 'value="2026-11-30"' in body


def test_the_audit_csv_neutralises_spreadsheet_formulas(signed_in, curator, member):
    member.display_name = "=HYPERLINK(\"http://evil\")"
    member.save()
    audit(actor=curator, action="role.grant", target=member, to_state="reviewer")
    response = signed_in(curator).get(reverse("core:audit_log"), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["when", "who", "action"]
    labels = [row[5] for row in rows[1:]]
    assert "'=HYPERLINK(\"http://evil\")" in labels


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+44 20", "'+44 20"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain", "plain"),
        (" =1+1", "' =1+1"),
        ("\n=1+1", "'\n=1+1"),
        ("a=b", "a=b"),
        (None, ""),
        (42, "42"),
    ],
)
def test_each_formula_trigger_is_neutralised(cell, expected):
    assert neutralise(cell) == expected
