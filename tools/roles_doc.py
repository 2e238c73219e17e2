"""Writes each service's roles table (who may call which RPC) into its doc, from the servicers' own rules.

The tables sit between `<!-- roles:begin -->` and `<!-- roles:end -->` in docs/<service>.md. `make docs`
rewrites them; tests/architecture fails while one is stale, so the docs cannot drift from the code.
"""
from __future__ import annotations

import argparse
import importlib
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVICERS = {
    "contacts": "crm_contacts.entrypoints.grpc_servicer:ContactsServicer",
    "notifications": "crm_notifications.entrypoints.grpc_servicer:NotificationsServicer",
    "sales": "crm_sales.entrypoints.grpc_servicer:SalesServicer",
}
BLOCK = re.compile(r"(<!-- roles:begin -->\n).*?(<!-- roles:end -->)", re.DOTALL)


def rules(service: str) -> dict[str, tuple[str, ...]]:
    module, name = SERVICERS[service].split(":")
    return dict(getattr(importlib.import_module(module), name).ROLES)


def table(roles: dict[str, tuple[str, ...]]) -> str:
    """One row per distinct rule, methods in the order the servicer lists them."""
    by_rule: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for method, allowed in roles.items():
        by_rule[tuple(sorted(allowed))].append(method)
    lines = ["| methods | roles (admin may call everything) |", "|---|---|"]
    for allowed, methods in by_rule.items():
        who = ", ".join(allowed) if allowed else "admin only"
        if "*public*" in allowed:
            who = "public (no token)"
        lines.append(f"| {', '.join(f'`{m}`' for m in methods)} | {who} |")
    return "\n".join(lines) + "\n"


def rendered(service: str) -> tuple[Path, str, str]:
    """The doc's path, its current text and its text with a fresh table."""
    doc = ROOT / "docs" / f"{service}.md"
    text = doc.read_text()
    if not BLOCK.search(text):
        raise SystemExit(f"{doc} has no <!-- roles:begin --> ... <!-- roles:end --> block")
    return doc, text, BLOCK.sub(lambda m: m.group(1) + table(rules(service)) + m.group(2), text)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail instead of writing when a table is stale")
    args = parser.parse_args(argv)
    stale = []
    for service in SERVICERS:
        doc, current, fresh = rendered(service)
        if current != fresh:
            stale.append(str(doc.relative_to(ROOT)))
            if not args.check:
                doc.write_text(fresh)
    if args.check and stale:
        print("stale roles tables (run `make docs`): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
