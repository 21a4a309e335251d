"""The server's listening socket, bound by leadflow before uvicorn runs.

uvicorn binds its own socket only after the application has started, and a port in use
(another ``leadflow serve``, ``make run`` left running) came out as an error line among
five of start-up and shut-down, with exit status 3. Bound here, an address that cannot
be listened on is one line naming it, the reason and the setting to change, exit
status 1, and nothing starts. uvicorn is then handed the bound socket
(``ListeningServer``), which it serves and closes as its own.
"""

from __future__ import annotations

import errno
import logging
import socket

import uvicorn

from leadflow.commands.options import fail

__all__ = ["ListeningServer", "listening_socket"]

_WHY = {
    errno.EADDRINUSE: "the address is already in use (another server? choose another "
    "with --port or LEADFLOW_PORT)",
    errno.EADDRNOTAVAIL: "this machine has no such address (--host or LEADFLOW_HOST; "
    "0.0.0.0 listens on all of them)",
    errno.EACCES: "permission denied (a port below 1024 needs privileges; choose "
    "another with --port or LEADFLOW_PORT)",
}


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port``, as uvicorn would bind it; exits with one line
    when it cannot be."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        fail(f"cannot listen on {_address(host, port)}: {_reason(error)}")
    return sock


def _address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _reason(error: OSError) -> str:
    if isinstance(error, socket.gaierror):
        return f"no such host ({error.strerror}; --host or LEADFLOW_HOST)"
    return _WHY.get(error.errno or 0, error.strerror or str(error))


class ListeningServer(uvicorn.Server):
    """uvicorn's server on a socket bound beforehand. uvicorn says where it listens only
    when it binds the socket itself; this says it at the same moment, in the same words."""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started and sockets:
            host, port = sockets[0].getsockname()[:2]
            logging.getLogger("uvicorn.error").info(
                "Uvicorn running on http://%s (Press CTRL+C to quit)", _address(host, port)
            )
