"""Security headers on every response, and the API documentation served offline.

* ``Sikkerhetshoder`` (ASGI middleware): Content-Security-Policy (the API: nothing may load; the web
  pages and the documentation: only this server's own scripts), ``frame-ancestors 'none'`` and
  X-Frame-Options, nosniff, Referrer-Policy ``no-referrer``, a Permissions-Policy, and
  ``Cache-Control: no-store`` on everything that has not set its own caching (personal data and tokens
  are never stored by a browser or proxy); static assets keep their own.
* ``/docs`` (Swagger UI) and ``/redoc`` use the assets of the installed ``fastapi-offline`` package,
  never a CDN, and no inline script (so the strict CSP holds for them too).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse, HTMLResponse

CSP_API = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
CSP_SIDER = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
"""Pages: scripts only from this server (no inline script). Inline *styles* are allowed because
plotly.js and ReDoc set styles at run time; they cannot run code."""

FASTE_HODER = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
SIDER = ("/web", "/docs", "/redoc")


class Sikkerhetshoder:
    """ASGI middleware adding the headers above to every HTTP response (errors included)."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sti: str = scope.get("path", "")
        csp = CSP_SIDER if sti.startswith(SIDER) else CSP_API

        async def med_hoder(melding: Any) -> None:
            if melding["type"] == "http.response.start":
                hoder = list(melding.get("headers", []))
                navn = {k.lower() for k, _ in hoder}
                hoder.extend(h for h in FASTE_HODER if h[0] not in navn)
                if b"content-security-policy" not in navn:
                    hoder.append((b"content-security-policy", csp.encode()))
                if b"cache-control" not in navn:
                    hoder.append((b"cache-control", b"no-store"))
                    hoder.append((b"pragma", b"no-cache"))
                melding = {**melding, "headers": hoder}
            await send(melding)

        await self.app(scope, receive, med_hoder)


def _statisk_mappe() -> Path:
    import fastapi_offline

    return Path(fastapi_offline.__file__).parent / "static"


DOK_FILER = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "redoc.standalone.js": "text/javascript",
    "favicon.png": "image/png",
}

SWAGGER_HTML = """<!doctype html>
<html lang="nb">
<head>
<meta charset="utf-8">
<title>{tittel} – API-dokumentasjon</title>
<link rel="stylesheet" href="/docs/statisk/swagger-ui.css">
<link rel="icon" href="/docs/statisk/favicon.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/statisk/swagger-ui-bundle.js"></script>
<script src="/web/statisk/swagger_oppstart.js"></script>
</body>
</html>
"""

REDOC_HTML = """<!doctype html>
<html lang="nb">
<head>
<meta charset="utf-8">
<title>{tittel} – API-dokumentasjon (ReDoc)</title>
<link rel="icon" href="/docs/statisk/favicon.png">
</head>
<body>
<redoc spec-url="/openapi.json"></redoc>
<script src="/docs/statisk/redoc.standalone.js"></script>
</body>
</html>
"""


def monter_dokumentasjon(app: FastAPI) -> None:
    """``/docs`` and ``/redoc`` from the installed package's assets (the app is built with
    ``docs_url=None, redoc_url=None``)."""
    import html

    tittel = html.escape(app.title)

    @app.get("/docs", include_in_schema=False)
    def swagger() -> HTMLResponse:
        return HTMLResponse(SWAGGER_HTML.format(tittel=tittel))

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return HTMLResponse(REDOC_HTML.format(tittel=tittel))

    @app.get("/docs/statisk/{fil}", include_in_schema=False)
    def dokumentfil(fil: str) -> FileResponse:
        if fil not in DOK_FILER:
            raise HTTPException(404, "Finnes ikke.")
        return FileResponse(
            _statisk_mappe() / fil, media_type=DOK_FILER[fil], headers={"Cache-Control": "max-age=86400"}
        )
