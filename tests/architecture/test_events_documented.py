"""Every event a service publishes (a message of its events.proto) is documented in docs/events.md."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EVENT_FILES = sorted((ROOT / "proto").glob("crm/*/v1/events.proto"))


def event_names(proto: Path) -> list[str]:
    return re.findall(r"^message (\w+) \{", proto.read_text(), flags=re.MULTILINE)


def test_there_are_events_to_check():
    assert len(EVENT_FILES) >= 3 and all(event_names(f) for f in EVENT_FILES)


@pytest.mark.parametrize("proto", EVENT_FILES, ids=lambda p: p.parts[-3])
def test_each_event_is_in_the_events_doc(proto):
    documented = set(re.findall(r"`(\w+)`", (ROOT / "docs" / "events.md").read_text()))
    missing = [name for name in event_names(proto) if name not in documented]
    assert not missing, f"{proto.relative_to(ROOT)} publishes events docs/events.md does not describe: {missing}"
