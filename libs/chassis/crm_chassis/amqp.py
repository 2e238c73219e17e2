"""A pika channel in publisher-confirm mode, opened when first needed and reopened after a failure."""
from __future__ import annotations

from collections.abc import Callable

import pika


class ConfirmedChannel:
    """Owns one BlockingConnection; `declare` runs on every fresh channel (exchanges, queues).

    Not thread-safe: callers that share one across threads or greenlets hold a lock around it.
    """

    def __init__(self, amqp_url: str, declare: Callable[[object], None] = lambda channel: None, *, timeout: float = 5.0):
        self.amqp_url = amqp_url
        self._declare = declare
        self._timeout = timeout
        self._connection: pika.BlockingConnection | None = None
        self._channel = None

    @property
    def is_open(self) -> bool:
        return self._channel is not None and self._channel.is_open

    def get(self):
        """The open channel, connecting (and declaring) first when there is none."""
        if not self.is_open:
            self.close()
            params = pika.URLParameters(self.amqp_url)
            params.connection_attempts = 1
            params.socket_timeout = self._timeout
            params.stack_timeout = self._timeout * 2
            params.blocked_connection_timeout = 30
            self._connection = pika.BlockingConnection(params)
            channel = self._connection.channel()
            self._declare(channel)
            channel.confirm_delivery()
            self._channel = channel
        return self._channel

    def close(self) -> None:
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None:
            try:
                connection.close()
            except Exception:  # the connection is already broken; nothing to tidy
                pass
