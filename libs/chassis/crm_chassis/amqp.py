"""Channels in publisher-confirm mode, opened when first needed and reopened after a failure."""
from __future__ import annotations

import time
from collections.abc import Callable

import amqp
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


class PublishFailed(Exception):
    """The broker nacked or returned a message of the batch."""


class BatchPublisher:
    """One py-amqp connection and channel in publisher-confirm mode: publish a batch, then await its confirms.

    pika's BlockingChannel waits for each confirm inside `basic_publish`, one broker round trip per message.
    py-amqp's channel after `confirm_select()` (and without `confirm_publish`) returns from `basic_publish` at
    once and hands each Basic.Ack/Nack, `multiple` included, to the documented `events` callbacks while the
    connection reads, so a batch costs one round trip. Delivery tags count the channel's publishes from 1.

    `declare` runs on every fresh channel (py-amqp's `exchange_declare(name, type, ...)`). After a failure,
    call `close()`: the next `connect()` opens a fresh channel. Not thread-safe.
    """

    def __init__(
        self,
        amqp_url: str,
        declare: Callable[[object], None] = lambda channel: None,
        *,
        timeout: float = 5.0,
        blocked_timeout: float = 30.0,
    ):
        self.amqp_url = amqp_url
        self._declare = declare
        self._timeout = timeout
        self._blocked_timeout = blocked_timeout
        self._connection = None
        self._channel = None
        self._reset()

    def _reset(self) -> None:
        self._next_tag = 1  # the tag the broker gives the channel's next publish
        self._settled_below = 1  # every tag below this one is acked or nacked
        self._unsettled: set[int] = set()
        self._failed: dict[int, str] = {}  # nacked or returned tags, and why
        self._tag_of: dict[str, int] = {}  # message id -> tag of unsettled messages, to place a Basic.Return

    @property
    def is_open(self) -> bool:
        return self._channel is not None and self._channel.is_open and bool(self._connection.connected)

    def connect(self) -> None:
        """Opens the connection and a confirm-mode channel (declaring first) unless they are open."""
        if self.is_open:
            return
        self.close()
        # pika parses the URL, so it means what it means to ConfirmedChannel and the workers.
        params = pika.URLParameters(self.amqp_url)
        connection = amqp.Connection(
            host=f"{params.host}:{params.port}",
            userid=params.credentials.username,
            password=params.credentials.password,
            virtual_host=params.virtual_host,
            ssl={"server_hostname": params.host} if params.ssl_options else False,
            connect_timeout=self._timeout,
            read_timeout=self._timeout,  # bounds a polite close; confirm waits pass their own timeout
            write_timeout=self._blocked_timeout,  # a broker that blocks publishers (memory alarm) stops reading
            heartbeat=0,  # nobody would send them while the relay idles between batches
        )
        try:
            connection.connect()
            channel = connection.channel()
            self._declare(channel)
            channel.events["basic_ack"].add(self._on_ack)
            channel.events["basic_nack"].add(self._on_nack)
            channel.events["basic_return"].add(self._on_return)
            channel.confirm_select()
        except BaseException:
            connection.collect()
            raise
        self._connection, self._channel = connection, channel
        self._reset()

    def publish(self, exchange: str, routing_key: str, body: bytes, **properties) -> int:
        """Sends one message without waiting for its confirm; returns its delivery tag."""
        if not self.is_open:
            raise amqp.exceptions.RecoverableConnectionError("publish: not connected")
        tag = self._next_tag
        self._next_tag += 1
        self._unsettled.add(tag)
        if properties.get("message_id"):
            self._tag_of[properties["message_id"]] = tag
        self._channel.basic_publish(amqp.Message(body, **properties), exchange=exchange, routing_key=routing_key)
        return tag

    def wait_for_confirms(self, timeout: float) -> None:
        """Reads until every message published is acked or nacked.

        Raises PublishFailed when one was nacked or returned, TimeoutError when the broker has not answered for
        all of them within `timeout` seconds, and py-amqp's or the socket's error when the connection fails.
        """
        deadline = time.monotonic() + timeout
        while self._unsettled:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{len(self._unsettled)} message(s) unconfirmed after {timeout:g} s")
            try:
                self._connection.drain_events(timeout=remaining)
            except TimeoutError:
                pass  # the loop raises once the deadline has passed
        self._tag_of.clear()
        if self._failed:
            tag = min(self._failed)
            raise PublishFailed(f"message {tag} of the channel was {self._failed[tag]}")

    def confirmed(self, tag: int) -> bool:
        """Whether the broker acked the message published with `tag` on the current (or last) channel."""
        return 0 < tag < self._next_tag and tag not in self._unsettled and tag not in self._failed

    def _settle(self, delivery_tag: int, multiple: bool, failure: str | None) -> None:
        if multiple:
            tags = range(self._settled_below, delivery_tag + 1)
            self._settled_below = max(self._settled_below, delivery_tag + 1)
        else:
            tags = (delivery_tag,)
        for tag in tags:
            if tag in self._unsettled:
                self._unsettled.discard(tag)
                if failure:
                    self._failed[tag] = failure

    def _on_ack(self, delivery_tag: int, multiple: bool) -> None:
        self._settle(delivery_tag, multiple, None)

    def _on_nack(self, delivery_tag: int, multiple: bool) -> None:
        self._settle(delivery_tag, multiple, "nacked by the broker")

    def _on_return(self, exc, exchange, routing_key, message) -> None:
        # A Basic.Return precedes the Basic.Ack of the same message and carries no tag, only the message.
        tag = self._tag_of.get(message.properties.get("message_id"))
        if tag is not None:
            self._failed[tag] = f"returned by the broker ({exc})"

    def close(self) -> None:
        """Drops the connection; `confirmed()` still answers for the channel it had."""
        connection, self._connection, self._channel = self._connection, None, None
        if connection is None:
            return
        try:
            if connection.connected:
                connection.close()
        except Exception:  # the connection is already broken; nothing to tidy
            pass
        finally:
            connection.collect()
