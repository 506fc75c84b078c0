"""Writes frontend/shared/events.gen.ts from the event catalog (src/frontdesk/events.py),
so the widget and the console read the same shapes the server sends.

Run by `make build`; a test fails when the committed file is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from frontdesk import events

OUT = Path(__file__).resolve().parent.parent / "frontend" / "shared" / "events.gen.ts"
# Python names that read better without their suffix on the client.
RENAMED = {"MessageData": "Message", "ConversationData": "Conversation"}
SHARED: list[type[BaseModel]] = [
    events.Author,
    events.AttachmentData,
    events.MessageData,
    events.ContactSummary,
    events.AgentSummary,
    events.ConversationData,
]


def ts_name(name: str) -> str:
    return RENAMED.get(name, name)


def ts_type(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return ts_name(schema["$ref"].rsplit("/", 1)[-1])
    if "anyOf" in schema:
        return " | ".join(ts_type(s) for s in schema["anyOf"])
    if "const" in schema:
        return f'"{schema["const"]}"'
    if "enum" in schema:
        return " | ".join(f'"{v}"' for v in schema["enum"])
    kind = schema.get("type")
    if kind == "array":
        return f"{ts_type(schema['items'])}[]"
    if kind == "object":
        values = schema.get("additionalProperties")
        return f"Record<string, {ts_type(values) if isinstance(values, dict) and values else 'unknown'}>"
    return {"string": "string", "integer": "number", "number": "number", "boolean": "boolean", "null": "null"}.get(
        kind or "", "unknown"
    )


def interface(model: type[BaseModel]) -> str:
    schema = model.model_json_schema(ref_template="{model}")
    lines = [f"export interface {ts_name(model.__name__)} {{"]
    for field, prop in schema["properties"].items():
        # A field added later with a null default may be missing from older payloads.
        optional = "?" if field not in schema.get("required", []) and prop.get("default", 0) is None else ""
        lines.append(f"  {field}{optional}: {ts_type(prop)};")
    lines.append("}")
    return "\n".join(lines)


def nested(models: list[type[BaseModel]]) -> list[type[BaseModel]]:
    """The models, preceded by every model they refer to, each once."""
    ordered: dict[str, type[BaseModel]] = {}
    for model in models:
        for name in model.model_json_schema(ref_template="{model}").get("$defs", {}):
            ordered.setdefault(name, getattr(events, name))
        ordered.setdefault(model.__name__, model)
    return list(ordered.values())


def render() -> str:
    parts = [
        "// Generated from src/frontdesk/events.py by scripts/gen_ts_types.py — do not edit.",
        "",
        'export type AuthorType = "visitor" | "agent" | "system" | "bot";',
        "",
    ]
    # Internal events never reach a client.
    catalog = {name: model for name, model in events.CATALOG.items() if name not in events.INTERNAL}
    payloads = list(dict.fromkeys(catalog.values()))
    for model in nested(SHARED + payloads):
        parts += [interface(model), ""]
    parts.append("export interface EventDataMap {")
    for name, model in catalog.items():
        parts.append(f'  "{name.value}": {ts_name(model.__name__)};')
    parts += ["}", "", "export type EventName = keyof EventDataMap;", ""]
    return "\n".join(parts).replace('type: "visitor" | "agent" | "system" | "bot";', "type: AuthorType;")


def main() -> int:
    text = render()
    if "--check" in sys.argv:
        if not OUT.exists() or OUT.read_text() != text:
            print(f"{OUT} is out of date: run `make build`", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
