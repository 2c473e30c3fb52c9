"""``manage.py load_public_bodies`` on the real reference files in data/orgs/."""

from io import StringIO

import pytest
from django.core.management import call_command

from hub.core.models import AuditEntry
from hub.directory.models import Kind, Nation, Organisation, Source, Status

pytestmark = pytest.mark.django_db


def test_it_loads_every_body_of_the_four_registers(public_bodies):
    assert Organisation.objects.count() == 1417 >= 1300
    assert public_bodies.rejected == 0 and not public_bodies.unreadable
    assert public_bodies.files == {
        "govuk_organisations_2026-02.csv": 663,
        "uk_local_authorities_current.csv": 470,
        "nhs_england_trusts_rcpch_2024.csv": 242,
        "nhs_england_icbs_rcpch_2024.csv": 42,
    }


def test_it_gives_each_body_the_kind_its_register_implies(public_bodies):
    counts = {kind: Organisation.objects.filter(kind=kind).count() for kind in Kind.values}
    assert counts == {
        Kind.MINISTERIAL_DEPARTMENT: 22,
        Kind.NON_MINISTERIAL_DEPARTMENT: 20,
        Kind.EXECUTIVE_AGENCY: 45,
        # executive (132) and advisory (64) NDPBs, and tribunals (29)
        Kind.NDPB: 225,
        Kind.OTHER_PUBLIC_BODY: 351,
        Kind.LOCAL_AUTHORITY: 470,
        Kind.NHS_TRUST: 242,
        Kind.ICB: 42,
        Kind.COMPANY: 0,
        Kind.CHARITY: 0,
        Kind.OTHER: 0,
    }


def test_hmrc_is_there_with_its_abbreviation_and_its_govuk_slug(public_bodies):
    hmrc = Organisation.objects.get(govuk_slug="hm-revenue-customs")
    assert (hmrc.name, hmrc.abbreviation, hmrc.slug) == (
        "HM Revenue & Customs",
        "HMRC",
        "hm-revenue-customs",
    )
    assert hmrc.kind == Kind.NON_MINISTERIAL_DEPARTMENT
    assert hmrc.source == Source.GOVUK and hmrc.status == Status.OPEN


def test_a_sub_organisation_is_linked_to_its_department_both_ways(public_bodies):
    home_office = Organisation.objects.get(govuk_slug="home-office")
    ace = Organisation.objects.get(govuk_slug="accelerated-capability-environment")
    assert home_office in ace.parents.all()
    assert ace in home_office.children.all()
    hmrc = Organisation.objects.get(govuk_slug="hm-revenue-customs")
    assert "valuation-office-agency" in set(hmrc.children.values_list("slug", flat=True))


def test_a_link_given_on_one_side_only_is_kept(public_bodies):
    # The committee names its parent, but the parent's child_slugs do not name the committee.
    committee = Organisation.objects.get(
        govuk_slug="advisory-committee-on-the-microbiological-safety-of-food"
    )
    parent = Organisation.objects.get(govuk_slug="science-advisory-committees")
    assert parent in committee.parents.all()
    assert public_bodies.links_added == 640
    # Links to bodies GOV.UK no longer lists (closed ones) are counted and left out.
    assert public_bodies.links_to_unknown_bodies == 170


def test_former_councils_are_closed_with_the_date_they_ended(public_bodies):
    allerdale = Organisation.objects.get(la_code="ALL")
    assert allerdale.status == Status.CLOSED
    assert str(allerdale.closed_on) == "2023-04-01"
    closed = Organisation.objects.filter(kind=Kind.LOCAL_AUTHORITY, status=Status.CLOSED)
    assert closed.count() == 73
    assert public_bodies.closed == 73


def test_govuk_bodies_exempt_or_joining_govuk_are_still_open(public_bodies):
    # govuk_status describes the body's website, not whether it exists.
    assert Organisation.objects.get(govuk_slug="active-travel-england").status == Status.OPEN
    assert Organisation.objects.get(govuk_slug="fcdo-services").status == Status.OPEN
    assert not Organisation.objects.filter(source=Source.GOVUK, status=Status.CLOSED).exists()


def test_councils_keep_their_codes_nation_region_type_and_other_names(public_bodies):
    anglesey = Organisation.objects.get(la_code="AGY")
    assert anglesey.name == "Isle of Anglesey County Council"
    assert anglesey.gss_code == "W06000001"
    assert anglesey.nation == Nation.WALES and anglesey.region == "Wales"
    assert anglesey.local_authority_type == "Welsh unitary authority"
    # Spelling variants in lower case and entries with a broken encoding are left out.
    assert anglesey.other_names == "Isle of Anglesey"
    armagh = Organisation.objects.get(la_code="ABC")
    assert armagh.other_names == "Armagh City, Banbridge and Craigavon"


def test_nhs_names_are_stored_readably_not_in_capitals(public_bodies):
    trust = Organisation.objects.get(ods_code="RVV")
    assert trust.name == "East Kent Hospitals University NHS Foundation Trust"
    assert trust.kind == Kind.NHS_TRUST and trust.nation == Nation.ENGLAND
    assert trust.address == "Kent & Canterbury Hospital, Ethelbert Road, Canterbury, CT1 3NG"
    assert Organisation.objects.get(ods_code="RJ7").name.startswith("St George's University")
    icb = Organisation.objects.get(ods_code="QHG")
    assert icb.name == "NHS Bedfordshire, Luton and Milton Keynes Integrated Care Board"
    assert (icb.kind, icb.gss_code) == (Kind.ICB, "E54000024")


def test_slugs_are_unique_and_readable(public_bodies):
    assert Organisation.objects.get(ods_code="RVV").slug == (
        "east-kent-hospitals-university-nhs-foundation-trust"
    )
    assert Organisation.objects.get(la_code="AGY").slug == "isle-of-anglesey-county-council"
    assert not Organisation.objects.filter(slug="add").exists()


def test_a_second_run_changes_nothing(public_bodies):
    before = dict(Organisation.objects.values_list("pk", "slug"))
    updated_at = dict(Organisation.objects.values_list("pk", "updated_at"))
    out = StringIO()
    call_command("load_public_bodies", stdout=out, stderr=StringIO())
    assert "1417 bodies: 0 created, 0 updated, 1417 unchanged, 0 closed; 0 rows rejected." in (
        out.getvalue()
    )
    assert dict(Organisation.objects.values_list("pk", "slug")) == before
    assert dict(Organisation.objects.values_list("pk", "updated_at")) == updated_at


def test_each_run_leaves_one_audit_entry_with_its_counts(public_bodies):
    call_command("load_public_bodies", stdout=StringIO(), stderr=StringIO())
    entry = AuditEntry.objects.filter(action="organisation.load").first()
    assert entry.actor is None
    assert entry.detail["unchanged"] == 1417
    assert entry.detail["created"] == entry.detail["rejected"] == 0


def test_a_curators_description_and_website_survive_the_next_load(public_bodies):
    hmrc = Organisation.objects.get(govuk_slug="hm-revenue-customs")
    hmrc.description = "Collects taxes."
    hmrc.website = "https://www.example.org/hmrc"
    hmrc.save()
    call_command("load_public_bodies", stdout=StringIO(), stderr=StringIO())
    hmrc.refresh_from_db()
    assert (hmrc.description, hmrc.website) == ("Collects taxes.", "https://www.example.org/hmrc")


def test_a_changed_name_in_the_register_is_taken_but_the_slug_stays(public_bodies):
    trust = Organisation.objects.get(ods_code="RVV")
    Organisation.objects.filter(pk=trust.pk).update(name="Old name", status=Status.CLOSED)
    out = StringIO()
    call_command("load_public_bodies", stdout=out, stderr=StringIO())
    trust.refresh_from_db()
    assert trust.name == "East Kent Hospitals University NHS Foundation Trust"
    assert trust.status == Status.OPEN
    assert trust.slug == "east-kent-hospitals-university-nhs-foundation-trust"
    assert "0 created, 1 updated, 1416 unchanged" in out.getvalue()
