#!/usr/bin/env python3
"""A reference call-center consumer of the CRM's phone tasks (contract: docs/call-center.md).

It takes tasks from `crm.phone-tasks`, stores them (here: in memory), acks them, "calls" (prints)
them and reports an outcome to `crm.phone-task-outcomes`. It needs only pika (`pip install pika`):

    python examples/call_center_consumer.py --amqp-url amqp://guest:guest@127.0.0.1:5672/%2F --outcome reached
"""
from __future__ import annotations

import argparse
import json
import secrets
import sys
import uuid
from datetime import UTC, datetime, timedelta

import pika

TASKS = "crm.phone-tasks"
OUTCOMES = "crm.phone-task-outcomes"
TASK_TYPE = "crm.notifications.v1.PhoneTask"
OUTCOME_TYPE = "crm.notifications.v1.PhoneTaskOutcome"
OUTCOMES_BY_NAME = {
    "reached": "PHONE_OUTCOME_REACHED",
    "no-answer": "PHONE_OUTCOME_NO_ANSWER",
    "call-back": "PHONE_OUTCOME_CALL_BACK",
    "refused": "PHONE_OUTCOME_REFUSED",
    "interested": "PHONE_OUTCOME_INTERESTED",
}


def declare(channel, queue: str) -> None:
    """The queue and its dead-letter queue, with exactly the arguments the CRM declares them with."""
    channel.queue_declare(queue=f"{queue}.dead", durable=True)
    channel.queue_declare(
        queue=queue,
        durable=True,
        arguments={"x-dead-letter-exchange": "", "x-dead-letter-routing-key": f"{queue}.dead"},
    )


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def child_traceparent(traceparent: str | None) -> str | None:
    """The same trace with a new span id: the outcome shows up in the CRM's trace of the task."""
    parts = (traceparent or "").split("-")
    if len(parts) != 4 or len(parts[1]) != 32 or len(parts[2]) != 16:
        return None
    return f"00-{parts[1]}-{secrets.token_hex(8)}-{parts[3]}"


def parse_task(properties, body: bytes) -> dict | None:
    """The task, or None for a message that is not a phone task we can act on."""
    if properties.type not in (None, TASK_TYPE):
        return None
    try:
        task = json.loads(body)
    except ValueError:
        return None
    if not isinstance(task, dict):
        return None
    # proto3 JSON: parsers must accept the lowerCamelCase names and the proto field names alike.
    task_id = task.get("taskId") or task.get("task_id")
    if not task_id or not task.get("phone"):
        return None
    return task | {"taskId": task_id}


def outcome_message(task: dict, outcome: str, agent: str, call_back_in: timedelta) -> dict:
    report = {"taskId": task["taskId"], "outcome": outcome, "agent": agent, "note": "", "reportTime": now()}
    if outcome == "PHONE_OUTCOME_CALL_BACK":  # required for CALL_BACK, and only then
        call_back = datetime.now(UTC) + call_back_in
        report["callBackTime"] = call_back.isoformat(timespec="seconds").replace("+00:00", "Z")
    return report


def publish_outcome(channel, report: dict, traceparent: str | None) -> None:
    headers = {"id": str(uuid.uuid4()), "type": OUTCOME_TYPE, "occurred_at": report["reportTime"]}
    if traceparent:
        headers["traceparent"] = traceparent
    channel.basic_publish(
        exchange="",
        routing_key=OUTCOMES,
        body=json.dumps(report).encode("utf-8"),
        properties=pika.BasicProperties(
            content_type="application/json",
            delivery_mode=pika.DeliveryMode.Persistent,
            message_id=headers["id"],
            type=OUTCOME_TYPE,
            headers=headers,
        ),
        mandatory=True,  # with confirms: raises if the queue is missing instead of dropping the outcome
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--amqp-url", default="amqp://guest:guest@127.0.0.1:5672/%2F")
    parser.add_argument("--outcome", choices=sorted(OUTCOMES_BY_NAME), default="reached")
    parser.add_argument("--agent", default="example-agent")
    parser.add_argument("--call-back-in-minutes", type=int, default=60, help="for --outcome call-back")
    parser.add_argument("--prefetch", type=int, default=10, help="unacked tasks held at once")
    parser.add_argument("--max-tasks", type=int, default=0, help="stop after this many tasks (0: never)")
    args = parser.parse_args(argv)

    connection = pika.BlockingConnection(pika.URLParameters(args.amqp_url))
    tasks = connection.channel()
    declare(tasks, TASKS)
    tasks.basic_qos(prefetch_count=args.prefetch)
    reports = connection.channel()
    declare(reports, OUTCOMES)
    reports.confirm_delivery()  # basic_publish returns only once the broker has the outcome

    stored: dict[str, dict] = {}  # a real call center stores tasks durably, keyed by taskId
    handled = 0
    try:
        for method, properties, body in tasks.consume(TASKS):
            task = parse_task(properties, body)
            if task is None:
                print(f"rejected a message that is no phone task: {body[:200]!r}", file=sys.stderr)
                tasks.basic_reject(method.delivery_tag, requeue=False)  # parked in crm.phone-tasks.dead
                continue
            if task["taskId"] in stored:  # delivered again (a redelivery or a republish): already ours
                tasks.basic_ack(method.delivery_tag)
                continue
            stored[task["taskId"]] = task
            tasks.basic_ack(method.delivery_tag)  # only once it is stored: a crash before loses nothing

            print(f"calling {task.get('name') or '?'} at {task['phone']} about {task.get('subject')!r}")
            print(f"  script: {task.get('script', '')}")
            report = outcome_message(task, OUTCOMES_BY_NAME[args.outcome], args.agent, timedelta(minutes=args.call_back_in_minutes))
            publish_outcome(reports, report, child_traceparent((properties.headers or {}).get("traceparent")))
            print(f"  reported {report['outcome']} for task {task['taskId']}")

            handled += 1
            if args.max_tasks and handled >= args.max_tasks:
                break
    except KeyboardInterrupt:
        pass
    finally:
        tasks.cancel()  # unacked prefetched tasks go back to the queue for the next consumer
        connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
