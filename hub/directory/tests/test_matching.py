"""Names as people and sources write them find the right organisation — or none, rather
than a wrong one."""

import pytest

from hub.directory.models import Status
from hub.directory.selectors import organisations_named
from hub.directory.tests.factories import PublicBodyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bodies():
    return {
        "moj": PublicBodyFactory(name="Ministry of Justice", abbreviation="MOJ"),
        "ea": PublicBodyFactory(name="Environment Agency", abbreviation="EA",
                                slug="environment-agency"),
        "hmrc": PublicBodyFactory(name="HM Revenue & Customs", abbreviation="HMRC"),
        "twin_a": PublicBodyFactory(name="Twin Body", slug="twin-body-a"),
        "twin_b": PublicBodyFactory(name="Twin Body", slug="twin-body-b"),
        "old_closed": PublicBodyFactory(name="Old Board", slug="old-board-closed",
                                        status=Status.CLOSED),
        "old_open": PublicBodyFactory(name="Old Board", slug="old-board"),
    }


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Ministry of Justice", "moj"),
        ("ministry of justice", "moj"),
        ("MOJ", "moj"),
        ("environment-agency", "ea"),
        ("HM Revenue and Customs", "hmrc"),
        ("Her Majesty's tax office (HMRC)", "hmrc"),
        ("Old Board", "old_open"),
        ("Twin Body", None),
        ("Nobody at all", None),
    ],
)
def test_a_name_finds_one_organisation_or_none(bodies, name, expected):
    found, problems = organisations_named(names=[name])
    if expected is None:
        assert found == [] and problems == [name]
    else:
        assert found == [bodies[expected]] and problems == []


def test_several_names_are_matched_in_one_go_without_duplicates(bodies,
                                                                 django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        found, problems = organisations_named(names=["MOJ", "Ministry of Justice", "Nobody"])
    assert found == [bodies["moj"]] and problems == ["Nobody"]
