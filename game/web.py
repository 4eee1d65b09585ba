"""The web server behind ``architect serve``: textual-serve's Server with three guards.

- **Only its own pages start games.** Every request must name this server in its Host
  header (a name or address it answers to, never a DNS-rebinding domain), and a websocket
  must come from a page of this server (its Origin). A page on another site that the
  teacher happens to open cannot start a game on the teacher's computer or type into one.
- **At most ``max_games`` games at once.** Each connection is an ``architect play``
  process (about 80 MB); past the cap the page says the server is full, and a websocket
  gets the same words on its terminal instead of a game.
- **Each browser its own saves.** The page gives the browser a random cookie; the games
  that browser starts save into a folder of their own, named by a hash of it, so one
  student's autosaves never push out another's and reloading the page finds them again.

Loaded only by ``architect serve`` (aiohttp and the web stack stay out of every other
command's start-up).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import ipaddress
import logging
import re
import secrets
import signal
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp_jinja2
from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

log = logging.getLogger("architect.serve")

COOKIE = "architect-browser"
TOKEN = re.compile(r"[0-9a-f]{32}")
ALL_ADDRESSES = ("0.0.0.0", "::", "")
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}


def full_message(max_games: int) -> str:
    return (f"This server already runs {max_games} games, as many as it was started to run "
            "(architect serve --max-games). Reload this page when someone has finished.")


def host_name(host_header: str) -> str:
    """The name or address in a Host header, without its port or IPv6 brackets, lowercased."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host[1:]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def is_loopback(host: str) -> bool:
    """True for a name or address that only this computer reaches (127.0.0.1, ::1, localhost)."""
    name = host_name(host)
    return name in LOOPBACK_NAMES or (_is_address(name) and ipaddress.ip_address(name).is_loopback)


def host_check(bound: str) -> Callable[[str], bool]:
    """Which Host headers a server bound to ``bound`` answers: its own names and addresses.

    Bound to every address (0.0.0.0), it answers any address and this computer's names;
    bound to one, that one (and, for loopback, the other loopback names). A domain that
    merely resolves here (DNS rebinding) is never among them.
    """
    bound = host_name(bound)
    if bound in ALL_ADDRESSES:
        here = {socket.gethostname().lower(), socket.getfqdn().lower()}
        names = LOOPBACK_NAMES | here | {f"{n}.local" for n in here if "." not in n}
        return lambda header: (name := host_name(header)) in names or _is_address(name)
    names = {bound} | (LOOPBACK_NAMES if is_loopback(bound) else set())
    return lambda header: host_name(header) in names


def origin_ok(request: web.Request) -> bool:
    """True when the request comes from a page of this very server (scheme, host and port)."""
    origin = request.headers.get("Origin")
    return origin is not None and origin.lower() == f"{request.scheme}://{request.host}".lower()


def browser_folder(root: Path, token: str) -> Path:
    """The saves folder of the browser holding ``token`` (named by its hash, not the token)."""
    return root / f"browser-{hashlib.sha256(token.encode()).hexdigest()[:16]}"


class GameServer(Server):
    """textual-serve's Server, guarded (see the module's docstring).

    ``command_for(folder)`` is the shell command one browser connection runs, saving into
    ``folder``; ``saves_root`` holds a folder per browser.
    """

    def __init__(self, command_for: Callable[[Path], str], host: str, port: int, *,
                 saves_root: Path, max_games: int, title: str):
        super().__init__(command_for(saves_root / "browser-ID"), host=host, port=port, title=title)
        self.command_for = command_for
        self.saves_root = saves_root
        self.max_games = max_games
        self.games: set[web.WebSocketResponse] = set()
        self.host_ok = host_check(host)

    # ----- the web application ------------------------------------------------------------
    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self._check_host)
        return app

    @web.middleware
    async def _check_host(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if not self.host_ok(request.host):
            return web.Response(status=421, text=f"This server does not answer to {request.host!r}; "
                                "open it by this computer's address or name.\n")
        return await handler(request)

    async def on_startup(self, app: web.Application) -> None:
        """Nothing to say yet: the address may still turn out to be taken (see serve)."""

    def serve(self, debug: bool = False) -> None:
        """Serve until Ctrl+C (or SIGTERM); say where only once the address is bound."""
        self.debug = debug
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):  # Windows
                loop.add_signal_handler(sig, self.request_exit)
        web.run_app(self._make_app(), host=self.host, port=self.port, handle_signals=False,
                    loop=loop, print=lambda *_: self._say_started())

    def _say_started(self) -> None:
        everywhere = host_name(self.host) in ALL_ADDRESSES
        where = f"{socket.gethostname()}:{self.port}/ (or this computer's address)" if everywhere \
            else f"{self.host}:{self.port}/"
        lines = [f"Serving Industrial Architect on http://{where}, at most {self.max_games} games at once",
                 f"Each browser's saves go into a folder of its own in {self.saves_root}",
                 "Press Ctrl+C to stop"]
        if not is_loopback(self.host):
            lines.insert(1, "Anyone who can reach this computer on that port can play.")
        for line in lines:
            self.console.print(line, markup=False, highlight=False, soft_wrap=True)

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        """The page, with URLs for the host the browser asked for (so a classroom server
        bound to 0.0.0.0 hands out its real address), and the browser's cookie."""
        if len(self.games) >= self.max_games:
            return web.Response(status=503, text=full_message(self.max_games) + "\n")
        base = f"{request.scheme}://{request.host}"
        ws_scheme = "wss" if request.scheme == "https" else "ws"
        context = {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": f"{ws_scheme}://{request.host}{request.app.router['websocket'].url_for()}",
            "config": {"static": {"url": f"{base}{request.app.router['static'].url_for(filename='/')}"
                                  .rstrip("/") + "/"}},
            "application": {"name": self.title},
        }
        response = aiohttp_jinja2.render_template("app_index.html", request, context)
        if not TOKEN.fullmatch(request.cookies.get(COOKIE, "")):
            response.set_cookie(COOKIE, secrets.token_hex(16), httponly=True, samesite="Strict",
                                max_age=365 * 24 * 3600, path="/")
        return response

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        """One game per connection: from this server's own page, within the cap, saving
        into the browser's folder."""
        if not origin_ok(request):
            return web.Response(status=403, text="Games start only from this server's own page.\n")
        websocket = web.WebSocketResponse(heartbeat=15)
        await websocket.prepare(request)
        if len(self.games) >= self.max_games:
            await self._refuse(websocket, full_message(self.max_games))
            return websocket
        token = request.cookies.get(COOKIE, "")
        # a browser that refuses cookies still plays; its saves go to a folder of this game only
        folder = browser_folder(self.saves_root, token if TOKEN.fullmatch(token) else secrets.token_hex(16))
        self.games.add(websocket)
        service: AppService | None = None
        try:
            service = AppService(self.command_for(folder), write_bytes=websocket.send_bytes,
                                 write_str=websocket.send_str, close=websocket.close,
                                 download_manager=self.download_manager, debug=self.debug)
            await service.start(to_int(request.query.get("width", "80"), 80),
                                to_int(request.query.get("height", "24"), 24))
            await self._process_messages(websocket, service)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:  # noqa: BLE001 - one game's failure must not stop the server
            log.exception(error)
        finally:
            try:
                if service is not None:
                    await service.stop()
                    # stop() waits for the game's output to end, not for the process: reap it,
                    # so a server up all day gathers no zombies (textual-serve keeps it here)
                    process = getattr(service, "_process", None)
                    if process is not None:
                        await process.wait()
            finally:  # counted until its process has gone
                self.games.discard(websocket)
        return websocket

    async def _refuse(self, websocket: web.WebSocketResponse, text: str) -> None:
        """Say ``text`` on the page's terminal and keep the line open (closing it would
        cover the words with textual-serve's "Session ended" box) until the browser leaves."""
        await websocket.send_bytes(f"\r\n  {text}\r\n".encode())
        async for message in websocket:
            if message.type == WSMsgType.TEXT and message.data.startswith('["ping"'):
                await websocket.send_json(["pong", message.json()[1]])
