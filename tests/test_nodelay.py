"""ui/nodelay.py: TCP_NODELAY on the server process's TCP sockets, nothing else touched."""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui.nodelay import no_delay_on_open_sockets, no_delay_once

APP = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")
LINUX = sys.platform.startswith("linux")


def no_delay(sock: socket.socket) -> bool:
    """Whether Nagle's algorithm is off on ``sock``."""
    return bool(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))


def open_fds() -> set[int]:
    """The file descriptors this process has open."""
    folder = "/proc/self/fd" if os.path.isdir("/proc/self/fd") else "/dev/fd"
    return {int(name) for name in os.listdir(folder) if name.isdigit()}


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A listening TCP socket bound the way Streamlit 1.67 binds its own (``proto`` 0)."""
    sock = socket.socket(family=socket.AF_INET)
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    try:
        yield sock
    finally:
        sock.close()


def connect(listener: socket.socket) -> tuple[socket.socket, socket.socket]:
    """(client, accepted server side) of a new connection to ``listener``."""
    client = socket.create_connection(listener.getsockname())
    accepted, _ = listener.accept()
    return client, accepted


def test_streamlit_style_listener_starts_with_nagle_on(listener: socket.socket) -> None:
    """The problem the module fixes: a connection accepted from such a socket keeps Nagle on."""
    client, accepted = connect(listener)
    with client, accepted:
        assert (accepted.proto, no_delay(accepted)) == (0, False)


def test_listening_socket_gets_no_delay(listener: socket.socket) -> None:
    """The listening socket has TCP_NODELAY afterwards."""
    no_delay_on_open_sockets()
    assert no_delay(listener)


@pytest.mark.skipif(not LINUX, reason="Linux passes TCP_NODELAY from listener to accepted")
def test_connection_accepted_later_gets_no_delay(listener: socket.socket) -> None:
    """A connection accepted after the call has TCP_NODELAY without anything else done."""
    no_delay_on_open_sockets()
    client, accepted = connect(listener)
    with client, accepted:
        assert no_delay(accepted)


def test_connection_already_open_gets_no_delay(listener: socket.socket) -> None:
    """A connection accepted before the call gets TCP_NODELAY too."""
    client, accepted = connect(listener)
    with client, accepted:
        no_delay_on_open_sockets()
        assert no_delay(accepted)


def test_other_sockets_are_not_counted() -> None:
    """UDP and Unix sockets are left alone (and do not make the call fail)."""
    before = no_delay_on_open_sockets()
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    left, right = socket.socketpair(socket.AF_UNIX)
    with udp, left, right:
        assert no_delay_on_open_sockets() == before


def test_no_descriptor_is_left_open_or_closed(listener: socket.socket) -> None:
    """The copies it makes are closed, and the sockets it touched still work."""
    client, accepted = connect(listener)
    with client, accepted:
        before = open_fds()
        no_delay_on_open_sockets()
        client.sendall(b"ping")
        assert (open_fds(), accepted.recv(4)) == (before, b"ping")


def test_the_app_sets_no_delay_on_its_server_socket(listener: socket.socket) -> None:
    """Running streamlit_app.py gives the process's listening socket TCP_NODELAY."""
    no_delay_once.clear()
    AppTest.from_file(APP, default_timeout=30).run()
    assert no_delay(listener)
