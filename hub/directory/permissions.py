"""Who may change the directory of organisations.

Everyone, signed in or not, reads the directory (closed bodies included). Only curators (and
admins, who are curators too) add partner organisations and change organisations.

``TABLE`` is the written permission table (role × action); ``tests/test_permissions.py``
walks every cell, and the page tests check the same cells through HTTP.
"""

import rules

from hub.core.roles import A, C, is_curator

rules.add_perm("directory.add_partner", is_curator)
rules.add_perm("directory.change_organisation", is_curator)

# action → the roles that may do it. Every role not listed may not.
TABLE: dict[str, set[str]] = {
    "directory.add_partner": {C, A},
    "directory.change_organisation": {C, A},
}
