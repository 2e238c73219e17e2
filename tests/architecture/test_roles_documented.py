"""Each service's doc lists who may call every RPC, exactly as the servicer enforces it."""
from __future__ import annotations

import pytest

from tools import roles_doc


@pytest.mark.parametrize("service", sorted(roles_doc.SERVICERS))
def test_the_roles_table_in_the_docs_is_the_servicers_rules(service):
    doc, current, fresh = roles_doc.rendered(service)
    assert current == fresh, f"{doc} lists other roles than the servicer enforces; run `make docs`"


def test_every_rpc_appears_in_the_table():
    rules = {"CreateThing": ("sales",), "GetThing": ("sales", "viewer"), "PurgeThing": ()}
    text = roles_doc.table(rules)
    assert "`CreateThing` | sales |" in text
    assert "`GetThing` | sales, viewer |" in text
    assert "`PurgeThing` | admin only |" in text
