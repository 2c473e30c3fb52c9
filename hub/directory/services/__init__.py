"""Every change to the directory goes through these functions, whichever page, API call or
command asks for it. Each one that changes something is audited."""

from hub.directory.services.loading import LoadReport, public_bodies_load
from hub.directory.services.partners import organisation_create_partner, organisation_update

__all__ = ["LoadReport", "organisation_create_partner", "organisation_update", "public_bodies_load"]
