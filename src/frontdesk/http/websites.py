from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from frontdesk.errors import NotFound
from frontdesk.http.deps import Ctx, CurrentAgent, public_origin
from frontdesk.http.schemas import Body, WebsiteOut
from frontdesk.inputs import NOT_BLANK
from frontdesk.routing.availability import availability_events
from frontdesk.websites import actions
from frontdesk.websites.queries import websites_of
from frontdesk.websites.settings import WidgetSettings

router = APIRouter(tags=["websites"])


class WebsiteList(BaseModel):
    items: list[WebsiteOut]


class WebsitePatch(Body):
    name: str | None = Field(default=None, max_length=200, pattern=NOT_BLANK)
    url: str | None = Field(default=None, max_length=500)
    settings: WidgetSettings | None = Field(
        default=None, description="the keys to change; objects merge one level deep"
    )
    default_team_id: str | None = Field(default=None, max_length=64, description='a team of the workspace; "" for none')


class IdentitySecretOut(BaseModel):
    identity_secret: str


@router.get("/websites")
async def websites(request: Request, actor: CurrentAgent, ctx: Ctx) -> WebsiteList:
    return WebsiteList(
        items=[WebsiteOut.of(w, public_origin(request, ctx)) for w in await websites_of(ctx.db, actor.workspace_id)]
    )


@router.get("/websites/{website_id}")
async def website(website_id: str, request: Request, actor: CurrentAgent, ctx: Ctx) -> WebsiteOut:
    for found in await websites_of(ctx.db, actor.workspace_id):
        if found.id == website_id:
            return WebsiteOut.of(found, public_origin(request, ctx))
    raise NotFound(f"no website {website_id}")


@router.patch("/websites/{website_id}")
async def update_website(
    website_id: str, body: WebsitePatch, request: Request, actor: CurrentAgent, ctx: Ctx
) -> WebsiteOut:
    settings = body.settings.model_dump(exclude_unset=True) if body.settings is not None else None
    changes = actions.WebsiteChanges(
        name=body.name, url=body.url, settings=settings, default_team_id=body.default_team_id
    )
    website = await actions.update_website(ctx, actor, website_id, changes)
    if body.default_team_id is not None:
        # Whether someone can answer depends on the default team's hours and members.
        await ctx.publish(await availability_events(ctx.db, website.workspace_id))
    return WebsiteOut.of(website, public_origin(request, ctx))


@router.post("/websites/{website_id}/identity-secret")
async def rotate_identity_secret(website_id: str, actor: CurrentAgent, ctx: Ctx) -> IdentitySecretOut:
    """Turns on identity verification (or replaces the secret). Shown once; keep it on your server."""
    return IdentitySecretOut(identity_secret=await actions.rotate_identity_secret(ctx, actor, website_id))
