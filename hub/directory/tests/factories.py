import factory
from django.utils.text import slugify
from factory.django import DjangoModelFactory

from hub.directory.models import Kind, Nation, Organisation, Source, Status


class OrganisationFactory(DjangoModelFactory):
    """A partner added on the hub (a charity unless told otherwise)."""

    class Meta:
        model = Organisation

    name = factory.Sequence(lambda number: f"Test Partner {number}")
    slug = factory.LazyAttribute(lambda organisation: slugify(organisation.name))
    kind = Kind.CHARITY
    nation = Nation.ENGLAND
    status = Status.OPEN
    source = Source.HUB


class PublicBodyFactory(OrganisationFactory):
    """A body as if loaded from GOV.UK's register."""

    name = factory.Sequence(lambda number: f"Test Agency {number}")
    kind = Kind.EXECUTIVE_AGENCY
    nation = Nation.UK
    source = Source.GOVUK
    govuk_slug = factory.LazyAttribute(lambda organisation: organisation.slug)
