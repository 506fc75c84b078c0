"""The event catalog and the TypeScript types generated from it stay in step."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import BaseModel

from frontdesk.events import CATALOG, Event, EventName, Typing

ROOT = Path(__file__).resolve().parent.parent


def test_every_event_name_has_a_payload_type() -> None:
    assert set(CATALOG) == set(EventName)


def test_an_event_refuses_a_payload_of_another_type() -> None:
    class Stranger(BaseModel):
        x: int

    with pytest.raises(TypeError, match=r"typing\.started carries Typing, got Stranger"):
        Event(EventName.TYPING_STARTED, Stranger(x=1), topics=("t",))
    assert (
        Event(
            EventName.TYPING_STARTED,
            Typing(conversation_id="c", author={"type": "agent", "id": "a", "name": "A"}),
            topics=("t",),
        )
        .frame()
        .startswith(b'{"type":"event","event":"typing.started"')
    )


def test_the_generated_typescript_types_are_current() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_ts_types.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
