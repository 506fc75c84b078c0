"""What a website's widget looks like and offers. Stored as JSON on the website; this
model is the one place that says which keys exist, their defaults and their limits."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from frontdesk.errors import Invalid

# Ten MiB: a phone photo or a PDF invoice; larger files belong in a real file share.
DEFAULT_MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
DEFAULT_ATTACHMENT_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"]


# What a refusal of a feature the website's settings turned off tells the caller.
TURN_ON = "an admin can turn them on in the website's widget settings"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)  # JSON's types as they are: "20" is not 20


class PrechatField(_Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    label: str = Field(min_length=1, max_length=100)
    type: Literal["text", "email", "tel"] = "text"
    required: bool = False


class Prechat(_Strict):
    enabled: bool = False
    fields: list[PrechatField] = Field(
        default_factory=lambda: [
            PrechatField(name="name", label="Name", type="text", required=True),
            PrechatField(name="email", label="Email", type="email", required=True),
        ],
        max_length=10,
    )


class AttachmentRules(_Strict):
    enabled: bool = True
    max_bytes: int = Field(default=DEFAULT_MAX_ATTACHMENT_BYTES, ge=1024, le=50 * 1024 * 1024)
    types: list[Annotated[str, Field(max_length=100)]] = Field(
        default_factory=lambda: list(DEFAULT_ATTACHMENT_TYPES), max_length=50
    )


class WidgetSettings(_Strict):
    title: str = Field(default="Chat with us", max_length=80)
    greeting: str = Field(default="Hi! How can we help you today?", max_length=500)
    away_message: str = Field(
        default="We're away right now. Leave a message and we'll get back to you by email.", max_length=500
    )
    primary_color: str = Field(default="#2563eb", pattern=r"^#[0-9a-fA-F]{6}$")
    position: Literal["left", "right"] = "right"
    offset_x: int = Field(default=20, ge=0, le=400)
    offset_y: int = Field(default=20, ge=0, le=400)
    theme: Literal["light", "dark", "auto"] = "light"
    logo_url: str | None = Field(default=None, max_length=500, pattern=r"^(https?://|/)")
    show_agent_names: bool = True
    show_agent_avatars: bool = True
    locale: str | None = Field(default=None, pattern=r"^[a-z]{2}(-[A-Z]{2})?$")
    prechat: Prechat = Field(default_factory=Prechat)
    attachments: AttachmentRules = Field(default_factory=AttachmentRules)
    rating_enabled: bool = True
    transcript_enabled: bool = True
    # The Olark-style page calls a visitor's own browser makes (docs/widget-api.md): a note
    # to agents, a message under the website's name. Agents see them marked as from the
    # visitor's browser; an admin who does not use them turns them off.
    site_notes_enabled: bool = True
    site_messages_enabled: bool = True


def effective(stored: dict[str, Any]) -> WidgetSettings:
    """The stored settings over the defaults; unknown or broken stored keys fall back."""
    try:
        return WidgetSettings.model_validate(stored)
    except ValidationError:
        known = {k: v for k, v in stored.items() if k in WidgetSettings.model_fields}
        merged = WidgetSettings().model_dump()
        for key, value in known.items():
            try:
                merged = WidgetSettings.model_validate({**merged, key: value}).model_dump()
            except ValidationError:
                continue
        return WidgetSettings.model_validate(merged)


def merge(current: dict[str, Any], changes: dict[str, Any]) -> WidgetSettings:
    """Apply a partial update (nested objects merge one level deep), checking every key."""
    base = effective(current).model_dump()
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key] = {**base[key], **value}
        else:
            base[key] = value
    try:
        return WidgetSettings.model_validate(base)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = "settings." + ".".join(str(p) for p in first["loc"])
        raise Invalid(f'"{field}": {first["msg"]}', field=field) from None
