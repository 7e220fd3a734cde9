"""A tiny method + path router; path templates use {name} for one path segment."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

from .http_types import Request, Response

RouteHandler = Callable[[Request, dict[str, str]], Response]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: RouteHandler


def _compile(template: str) -> re.Pattern[str]:
    regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
    return re.compile(f"^{regex}/?$")


def _method_not_allowed(request: Request) -> Response:
    return Response.json(405, {"error": f"{request.method} is not allowed on {request.path}"})


class Router:
    def __init__(
        self,
        not_found: Callable[[Request], Response],
        method_not_allowed: Callable[[Request], Response] = _method_not_allowed,
    ) -> None:
        self._routes: list[Route] = []
        self._not_found = not_found
        self._method_not_allowed = method_not_allowed

    def add(self, method: str, template: str, handler: RouteHandler) -> None:
        self._routes.append(Route(method.upper(), _compile(template), handler))

    def dispatch(self, request: Request) -> Response:
        path_matched = False
        for route in self._routes:
            match = route.pattern.match(request.path)
            if match is None:
                continue
            path_matched = True
            if route.method == request.method:
                params = {key: unquote(value) for key, value in match.groupdict().items()}
                return route.handler(request, params)
        if path_matched:
            return self._method_not_allowed(request)
        return self._not_found(request)
