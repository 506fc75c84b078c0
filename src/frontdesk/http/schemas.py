"""Request and response bodies of the REST API that are not event payloads (those live
in :mod:`frontdesk.events` and are reused here, so REST and socket agree)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from frontdesk.agents.models import Agent, ApiToken
from frontdesk.clock import isoformat
from frontdesk.contacts.actions import MAX_ATTRIBUTE_VALUE_CHARS, MAX_CUSTOM_ATTRIBUTES
from frontdesk.contacts.models import Contact
from frontdesk.events import ConversationData, MessageData
from frontdesk.inputs import NOT_BLANK, refuse_unstorable, whole_numbers
from frontdesk.websites.models import Website
from frontdesk.websites.settings import effective


class Body(BaseModel):
    """Request bodies refuse unknown fields: a typo should fail loudly, not be ignored;
    a value of another JSON type than the schema's; and a NUL character or a non-finite
    number anywhere in them (frontdesk/inputs.py says why)."""

    model_config = ConfigDict(extra="forbid", strict=True)  # "3" is not 3: JSON says which it is

    @model_validator(mode="before")
    @classmethod
    def _storable(cls, data: object) -> object:
        refuse_unstorable(data)
        return whole_numbers(data)


# contacts/actions.py's rules: keys 1-100 characters not starting with "_" (those are the
# server's), values short scalars; null removes a key.
AttributeValue = (
    Annotated[str, Field(max_length=MAX_ATTRIBUTE_VALUE_CHARS)]
    | Annotated[int, Field(ge=-(2**53), le=2**53)]
    | Annotated[float, Field(allow_inf_nan=False, ge=-1e300, le=1e300)]
    | bool
    | None
)
_ATTRIBUTE_KEY = r"^[^_\x00][^\x00]*$"


def _keys_by_name(schema: dict[str, Any]) -> None:
    """Pydantic states a key pattern as ``patternProperties``, which lets other keys
    through with any value; say it as the rule on every key instead."""
    value = schema.pop("patternProperties")[_ATTRIBUTE_KEY]
    schema["propertyNames"]["pattern"] = _ATTRIBUTE_KEY
    schema["additionalProperties"] = value


CustomAttributes = Annotated[
    dict[Annotated[str, Field(min_length=1, max_length=100, pattern=_ATTRIBUTE_KEY)], AttributeValue],
    Field(max_length=MAX_CUSTOM_ATTRIBUTES, json_schema_extra=_keys_by_name),
]


# The sends that take a client_ref: 201 stores, a resend answers 200 with what was stored.
RESENT: dict[int | str, dict[str, Any]] = {
    200: {"model": MessageData, "description": "This client_ref was sent before: the message stored then."}
}


# A message's body may be blank only when it carries files (messages/actions.py).
SAYS_SOMETHING: dict[str, Any] = {
    "anyOf": [
        {"properties": {"body": {"pattern": NOT_BLANK}}},
        {"required": ["attachment_ids"], "properties": {"attachment_ids": {"minItems": 1}}},
    ]
}


class AgentOut(BaseModel):
    id: str
    workspace_id: str
    email: str
    name: str
    role: str
    two_factor: bool = False

    @classmethod
    def of(cls, agent: Agent) -> AgentOut:
        return cls(
            id=agent.id,
            workspace_id=agent.workspace_id,
            email=agent.email,
            name=agent.name,
            role=agent.role,
            two_factor=agent.totp_secret is not None,
        )


class WebsiteOut(BaseModel):
    id: str
    name: str
    url: str
    widget_key: str
    settings: dict[str, Any]
    identity_verification: bool
    snippet: str
    default_team_id: str | None = None

    @classmethod
    def of(cls, website: Website, origin: str) -> WebsiteOut:
        """``origin`` is where browsers reach this server: it goes into the embed snippet."""
        snippet = (
            f'<script src="{origin}/static/widget/widget.js" data-website-key="{website.widget_key}" async></script>'
        )

        return cls(
            id=website.id,
            name=website.name,
            url=website.url,
            widget_key=website.widget_key,
            settings=effective(website.settings).model_dump(),
            identity_verification=website.identity_secret is not None,
            snippet=snippet,
            default_team_id=website.default_team_id,
        )


class ContactOut(BaseModel):
    id: str
    website_id: str
    name: str
    email: str | None
    phone: str | None
    external_id: str | None
    custom_attributes: dict[str, Any]
    device: dict[str, Any]
    status_lines: list[str]
    blocked: bool
    created_at: str
    last_seen_at: str

    @classmethod
    def of(cls, contact: Contact) -> ContactOut:
        return cls(
            id=contact.id,
            website_id=contact.website_id,
            name=contact.name,
            email=contact.email,
            phone=contact.phone,
            external_id=contact.external_id,
            custom_attributes={k: v for k, v in contact.custom_attributes.items() if not k.startswith("_")},
            device=contact.device,
            status_lines=contact.status_lines,
            blocked=contact.blocked,
            created_at=isoformat(contact.created_at),
            last_seen_at=isoformat(contact.last_seen_at),
        )


class TokenOut(BaseModel):
    id: str
    name: str
    prefix: str
    created_at: str
    last_used_at: str | None

    @classmethod
    def of(cls, token: ApiToken) -> TokenOut:
        return cls(
            id=token.id,
            name=token.name,
            prefix=token.prefix,
            created_at=isoformat(token.created_at),
            last_used_at=isoformat(token.last_used_at) if token.last_used_at else None,
        )


class NewTokenOut(TokenOut):
    token: str = Field(description="The secret. Shown only in this response; store it now.")


class ConversationPage(BaseModel):
    items: list[ConversationData]
    next_cursor: str | None


class MessagePage(BaseModel):
    items: list[MessageData]


class ContactPage(BaseModel):
    items: list[ContactOut]
    next_cursor: str | None


class TokenList(BaseModel):
    items: list[TokenOut]
