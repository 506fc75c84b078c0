from __future__ import annotations

from fastapi import APIRouter
from pydantic import Field

from frontdesk.agents import actions
from frontdesk.agents.queries import list_api_tokens
from frontdesk.http.deps import Ctx, CurrentAgent
from frontdesk.http.schemas import Body, NewTokenOut, TokenList, TokenOut
from frontdesk.inputs import NOT_BLANK

router = APIRouter(tags=["tokens"])


class TokenIn(Body):
    name: str = Field(max_length=200, pattern=NOT_BLANK, description="what the token is for")


@router.post("/tokens", status_code=201)
async def create_token(body: TokenIn, actor: CurrentAgent, ctx: Ctx) -> NewTokenOut:
    token, secret = await actions.create_api_token(ctx, actor, body.name)
    return NewTokenOut(**TokenOut.of(token).model_dump(), token=secret)


@router.get("/tokens")
async def list_tokens(actor: CurrentAgent, ctx: Ctx) -> TokenList:
    return TokenList(items=[TokenOut.of(t) for t in await list_api_tokens(ctx.db, actor)])


@router.delete("/tokens/{token_id}", status_code=204)
async def delete_token(token_id: str, actor: CurrentAgent, ctx: Ctx) -> None:
    await actions.delete_api_token(ctx, actor, token_id)
