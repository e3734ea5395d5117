"""A real SMTP server in the tests (RFC 5321 commands a client sends: EHLO, MAIL, RCPT, DATA,
QUIT) that keeps every message it accepts, and the links found in them."""

from __future__ import annotations

import re
import socketserver
import threading
from collections.abc import Iterator
from email import message_from_bytes, policy

import pytest

from tests.conftest import free_port


class SmtpInbox(socketserver.ThreadingTCPServer):
    """A small SMTP server (RFC 5321 commands a client sends: EHLO, MAIL, RCPT, DATA, QUIT)
    that keeps every message it accepts."""

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, port: int) -> None:
        self.messages: list[bytes] = []
        super().__init__(("127.0.0.1", port), _SmtpSession)


class _SmtpSession(socketserver.StreamRequestHandler):
    def reply(self, text: str) -> None:
        self.wfile.write(text.encode("ascii") + b"\r\n")

    def handle(self) -> None:
        self.reply("220 localhost SMTP test")
        while line := self.rfile.readline():
            verb = line.decode("ascii", "replace").strip().split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.reply("250-localhost")
                self.reply("250 8BITMIME")
            elif verb in ("HELO", "MAIL", "RCPT", "RSET", "NOOP"):
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 end with <CRLF>.<CRLF>")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                self.server.messages.append(data)  # type: ignore[attr-defined]
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


def bodies(inbox: SmtpInbox) -> list[tuple[str, str, str]]:
    """(To, Subject, plain-text body) of every message received."""
    out = []
    for raw in inbox.messages:
        msg = message_from_bytes(raw, policy=policy.default)
        part = msg.get_body(preferencelist=("plain",))
        text = part.get_content() if part is not None else ""  # type: ignore[union-attr]
        out.append((str(msg["To"]), str(msg["Subject"]), str(text)))
    return out


def links_in(text: str, path: str) -> list[str]:
    """The URLs of ``text`` whose path starts with ``path``."""
    return re.findall(r"https?://[^\s]+" + re.escape(path) + r"[^\s]*", text)


@pytest.fixture
def inbox() -> Iterator[SmtpInbox]:
    server = SmtpInbox(free_port())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
