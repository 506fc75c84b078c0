"""Topic names: the fan-out units of the real-time bus. Every event names its audience
with these; a socket subscribes to the topics of whoever it authenticated as."""

from __future__ import annotations


def workspace_agents(workspace_id: str) -> str:
    """Everything agents of a workspace may see, private notes included."""
    return f"workspace:{workspace_id}:agents"


def visitor(contact_id: str) -> str:
    """What one visitor may see: their own conversations, never private notes."""
    return f"visitor:{contact_id}"


def website_visitors(website_id: str) -> str:
    """Every visitor of a website: its widget settings changed."""
    return f"website:{website_id}:visitors"


def workspace_visitors(workspace_id: str) -> str:
    """Every visitor of a workspace's websites: whether anyone is there to answer."""
    return f"workspace:{workspace_id}:visitors"


def agent(agent_id: str) -> str:
    return f"agent:{agent_id}"
