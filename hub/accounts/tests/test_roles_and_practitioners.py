import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hub.accounts import services
from hub.accounts.models import PractitionerRequest
from hub.core.models import AuditEntry
from hub.core.roles import Role, role_names

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("a@gov.uk", True),
        ("a@hmrc.gov.uk", True),
        ("a@digital.cabinet-office.gov.uk", True),
        ("a@nhs.net", True),
        ("a@met.police.uk", True),
        ("head@stmarys.lancs.sch.uk", True),
        ("a@sch.uk", False),
        ("a@notgov.uk", False),
        ("a@gov.uk.example.com", False),
        ("a@example.org", False),
        ("a@gov.scot", True),
        ("a@gov.wales", True),
    ],
)
def test_it_recognises_public_service_email_domains_from_the_allow_list(email, expected):
    assert services.is_public_service_email(email) is expected


def test_a_curator_grants_a_role_and_the_grant_is_audited(curator, member):
    assert services.role_grant(user=member, role=Role.REVIEWER, by=curator)
    assert Role.REVIEWER in role_names(member)
    entry = AuditEntry.objects.get(action="role.grant", target_id=str(member.pk))
    assert entry.actor == curator and entry.to_state == "reviewer"


def test_a_curator_cannot_make_someone_a_curator(curator, member):
    with pytest.raises(PermissionDenied):
        services.role_grant(user=member, role=Role.CURATOR, by=curator)
    assert Role.CURATOR not in role_names(member)


def test_an_admin_cannot_remove_their_own_admin_role(admin):
    with pytest.raises(ValidationError):
        services.role_revoke(user=admin, role=Role.ADMIN, by=admin)


def test_removing_a_role_is_audited(admin, sponsor):
    assert services.role_revoke(user=sponsor, role=Role.SPONSOR, by=admin)
    assert AuditEntry.objects.filter(action="role.revoke", from_state="sponsor").exists()


def test_a_member_asks_to_be_a_practitioner_and_a_curator_approves(member, curator):
    request = services.practitioner_request_create(
        user=member, organisation_name="Leeds City Council", role_description="Social worker"
    )
    with pytest.raises(ValidationError):
        services.practitioner_request_create(
            user=member, organisation_name="Again", role_description="Again"
        )
    services.practitioner_request_decide(request=request, by=curator, approve=True)
    request.refresh_from_db()
    assert request.status == PractitionerRequest.Status.APPROVED
    assert Role.PRACTITIONER in role_names(member)
    assert AuditEntry.objects.filter(action="practitioner_request.decide",
                                     to_state="approved").exists()


def test_a_practitioner_request_cannot_be_decided_by_a_member(member, practitioner):
    request = services.practitioner_request_create(
        user=member, organisation_name="A council", role_description="Planner"
    )
    with pytest.raises(PermissionDenied):
        services.practitioner_request_decide(request=request, by=practitioner, approve=True)


@pytest.mark.parametrize("bad", ["", "uk", "nodot", "bad domain.uk", "-x.gov.uk", "a..uk"])
def test_an_admin_cannot_add_a_malformed_domain(admin, bad):
    with pytest.raises(ValidationError):
        services.domain_add(domain=bad, by=admin)


def test_an_admin_adds_and_removes_a_domain_and_both_are_audited(admin):
    entry = services.domain_add(domain="@Example.GOV.GG", note="Guernsey", by=admin)
    assert entry.domain == "example.gov.gg"
    assert services.is_public_service_email("x@example.gov.gg")
    services.domain_remove(entry=entry, by=admin)
    assert not services.is_public_service_email("x@example.gov.gg")
    assert list(
        AuditEntry.objects.filter(action__startswith="allow_list.")
        .order_by("pk").values_list("action", flat=True)
    ) == ["allow_list.add", "allow_list.remove"]
