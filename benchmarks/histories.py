"""Chats for the reconnect storm's visitors, written straight into the running server's
database (as bulk_load.py does for the inbox): one open conversation per contact with a
few messages, visitor and agent in turn.

Through the protocol each would be a conversation start (routing, the full path): about
20 ms of the server's time each on this host, over three minutes for 10,000, none of it
what the storm measures. The rows are the app's own tables through SQLAlchemy Core, so
they are what the app would have stored; the server reads them as any chat."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import create_async_engine

from frontdesk.clock import utcnow
from frontdesk.ids import new_id, new_sortable_id
from frontdesk.migrations.registry import Conversation, Message
from frontdesk.settings import normalize_database_url

BATCH = 2_000  # conversations a transaction: short enough not to hold SQLite's writer long


def seed(database_url: str, widget_key: str, contact_ids: list[str], messages_each: int) -> list[str]:
    """One conversation of ``messages_each`` messages per contact: their ids, in order."""
    return asyncio.run(_seed(normalize_database_url(database_url), widget_key, contact_ids, messages_each))


async def _seed(url: str, widget_key: str, contact_ids: list[str], messages_each: int) -> list[str]:
    connect_args = {"timeout": 30} if url.startswith("sqlite") else {}  # wait for the server's writer
    engine = create_async_engine(url, connect_args=connect_args)
    try:
        async with engine.connect() as conn:
            row = (
                await conn.execute(
                    text(
                        "SELECT w.workspace_id, w.id, a.id, a.name FROM websites w JOIN agents a "
                        "ON a.workspace_id = w.workspace_id WHERE w.widget_key = :key ORDER BY a.created_at LIMIT 1"
                    ),
                    {"key": widget_key},
                )
            ).one()
        workspace_id, website_id, agent_id, agent_name = row
        ids: list[str] = []
        for at in range(0, len(contact_ids), BATCH):
            conversations, messages = _rows(
                (workspace_id, website_id, agent_id, agent_name), contact_ids[at : at + BATCH], messages_each
            )
            async with engine.begin() as conn:
                await conn.execute(insert(Conversation.__table__), conversations)  # type: ignore[arg-type]
                await conn.execute(insert(Message.__table__), messages)  # type: ignore[arg-type]
            ids += [c["id"] for c in conversations]
        return ids
    finally:
        await engine.dispose()


def _rows(
    where: tuple[str, str, str, str], contact_ids: list[str], messages_each: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    workspace_id, website_id, agent_id, agent_name = where
    now = utcnow()
    began = now - timedelta(minutes=messages_each)
    conversations: list[dict[str, Any]] = []
    messages: list[dict[str, Any]] = []
    for contact_id in contact_ids:
        conversation_id = new_id()
        conversations.append(
            {
                "id": conversation_id,
                "workspace_id": workspace_id,
                "website_id": website_id,
                "contact_id": contact_id,
                "status": "open",
                "last_seq": messages_each,
                "contact_last_read_seq": messages_each,
                "agent_last_read_seq": messages_each,
                "created_at": began,
                "last_activity_at": now,
            }
        )
        for seq in range(1, messages_each + 1):
            visitor = seq % 2 == 1
            messages.append(
                {
                    "id": new_sortable_id(),
                    "workspace_id": workspace_id,
                    "conversation_id": conversation_id,
                    "seq": seq,
                    "author_type": "visitor" if visitor else "agent",
                    "author_id": contact_id if visitor else agent_id,
                    "author_name": "Visitor" if visitor else agent_name,
                    "body": f"message {seq} of the chat before the storm",
                    "private": False,
                    "client_ref": None,
                    "system": None,
                    "attachments": [],
                    "created_at": began + timedelta(minutes=seq),
                }
            )
    return conversations, messages
