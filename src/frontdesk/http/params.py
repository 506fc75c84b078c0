"""The guard every API route runs before its own parameters are read: a path or query
parameter holding a NUL character is refused by name (frontdesk/inputs.py says why).
Bodies are checked by their model (http/schemas.py ``Body``)."""

from __future__ import annotations

from fastapi import Request

from frontdesk.inputs import refuse_unstorable


async def refuse_unstorable_params(request: Request) -> None:
    refuse_unstorable(dict(request.path_params))
    for name, value in request.query_params.multi_items():  # a repeated name has each value checked
        refuse_unstorable({name: value})
