"""Who can reach the web UI: the bind decision and a throttle on failed logins.

Binding anything but a loopback address makes the UI (the chat, uploads and removals) reachable
from other machines. That needs a login (ui_username + ui_password) or an explicit
`--allow-unauthenticated`; either way a warning is logged. Failed logins are counted per client
address: after a few in a row the client is locked out for a while (doubling each time), so a
password cannot be guessed at request speed.
"""

import hmac
import ipaddress
import logging
import socket
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar

log = logging.getLogger("benelux_qa.ui")


class ExposureRefused(Exception):
    """Binding a non-loopback address without a login; `str()` says what to do."""


def is_loopback(host: str) -> bool:
    """True when `host` (an address or a name) only ever means this machine."""
    host = (host or "").strip().strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError:
        return False
    return bool(addresses) and all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses)


def check_bind(host: str, has_login: bool, allow_unauthenticated: bool) -> str | None:
    """Raise ExposureRefused for a non-loopback `host` without a login unless explicitly allowed;
    for any other non-loopback bind return the warning to log (None for loopback)."""
    if is_loopback(host):
        return None
    if not has_login and not allow_unauthenticated:
        raise ExposureRefused(
            f"refusing to listen on {host}: that address is reachable from other machines and no login is set. "
            "Set BENELUX_QA_UI_USERNAME and BENELUX_QA_UI_PASSWORD, or pass --allow-unauthenticated if this "
            "network is trusted (or use --host 127.0.0.1)."
        )
    login = "a login is required" if has_login else "WITHOUT a login (--allow-unauthenticated)"
    return f"listening on {host}: the UI is reachable from other machines, {login}"


class LoginThrottle:
    """Checks a login in constant time; per client, `max_failures` wrong ones in a row lock it out for
    `lockout_s` seconds (doubling with each further lockout, up to `max_lockout_s`). During a lockout
    every attempt from that client is refused, even a right one; a right login ends the streak."""

    def __init__(self, username: str, password: str, max_failures: int = 5, lockout_s: float = 30.0,
                 max_lockout_s: float = 900.0, clock: Callable[[], float] = time.monotonic):
        self._username = username.encode()
        self._password = password.encode()
        self.max_failures = max_failures
        self.lockout_s = lockout_s
        self.max_lockout_s = max_lockout_s
        self._clock = clock
        self._lock = threading.Lock()
        self._failures: dict[str, int] = {}  # client → wrong logins since the last lockout or success
        self._lockouts: dict[str, int] = {}  # client → lockouts so far (for the doubling)
        self._locked_until: dict[str, float] = {}

    def locked_for(self, client: str) -> float:
        """Seconds until `client` may try again (0 when it may now)."""
        with self._lock:
            return max(0.0, self._locked_until.get(client, 0.0) - self._clock())

    def check(self, client: str, username: str, password: str) -> bool:
        with self._lock:
            if self._locked_until.get(client, 0.0) > self._clock():
                return False
            right = hmac.compare_digest(str(username).encode(), self._username) & hmac.compare_digest(
                str(password).encode(), self._password
            )
            if right:
                self._failures.pop(client, None)
                self._lockouts.pop(client, None)
                return True
            failures = self._failures[client] = self._failures.get(client, 0) + 1
            if failures >= self.max_failures:
                lockouts = self._lockouts[client] = self._lockouts.get(client, 0) + 1
                wait = min(self.lockout_s * 2 ** (lockouts - 1), self.max_lockout_s)
                self._locked_until[client] = self._clock() + wait
                self._failures[client] = 0
                log.warning("%d failed logins in a row from %s: locked out for %.0f s", failures, client, wait)
            return False


# Gradio calls an `auth=` callable with (username, password) only; this middleware makes the client's
# address known to it (Gradio's login handler runs in the request's task, so it sees the context variable).
# Behind a reverse proxy every client has the proxy's address: the throttle then acts for all at once.
_client: ContextVar[str] = ContextVar("benelux_qa_client", default="unknown")


class ClientAddressMiddleware:
    """ASGI middleware: records each HTTP request's client address for `throttled_auth`."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        client = scope.get("client")
        token = _client.set(client[0] if client else "unknown")
        try:
            await self.app(scope, receive, send)
        finally:
            _client.reset(token)


def throttled_auth(throttle: LoginThrottle) -> Callable[[str, str], bool]:
    """The `auth=` callable for Gradio's launch(): `throttle` decides per client address."""

    def auth(username: str, password: str) -> bool:
        return throttle.check(_client.get(), username, password)

    return auth
