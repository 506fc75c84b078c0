"""The two socket endpoints, reached before anything else of the application.

A socket's handler runs for as long as the socket is open, inside every ASGI layer
between the server and it, each a suspended coroutine with its frame, and every time the
handler's task wakes (twice a message sent) the wake-up passes down through all of them.
Through FastAPI's telemetry and error layers, its middleware stack and router an idle
socket held 27 coroutines. Those layers do nothing for a socket (CORS, body limits and
Server-Timing are HTTP's; the handlers catch their own errors), so a socket's scope goes
straight from the server to its handler: ``__call__`` is a plain function returning the
handler's coroutine, no frame of its own. Measured: 10,000 idle visitor sockets on
SQLite took 35.0 / 34.9 -> 28.3 / 28.3 KB each with the router and middleware skipped
(alternating runs), and msg/s at saturation did not move beyond noise;
docs/benchmarks.md has the step past FastAPI's own layers."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

from fastapi import FastAPI
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket

from frontdesk.ws.gateway import agent_socket, visitor_socket

ENDPOINTS = {"/ws/visitor": visitor_socket, "/ws/agent": agent_socket}


class SocketsFirst(FastAPI):
    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Coroutine[Any, Any, None]:
        if scope["type"] == "websocket" and (endpoint := ENDPOINTS.get(scope["path"])) is not None:
            scope["app"] = self  # as Starlette sets it: the handlers find the context there
            return endpoint(WebSocket(scope, receive, send))
        return super().__call__(scope, receive, send)
