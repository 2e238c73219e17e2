"""`crm`: local tokens and keys, and the dead-letter queues an operator looks after."""
from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path

from crm_chassis.settings import var_dir


def _keys(args) -> int:
    from crm_chassis.auth import generate_key_pair

    wrote = generate_key_pair(args.private, args.public)
    print(f"{'wrote' if wrote else 'kept'} {args.private} and {args.public}")
    secret = args.unsubscribe_secret or args.private.parent / "unsubscribe.secret"
    if not secret.exists():
        # Signs the unsubscribe links of marketing messages (notifications' CRM_NOTIFICATIONS_UNSUBSCRIBE_SECRET_FILE).
        secret.write_text(secrets.token_urlsafe(32))
        secret.chmod(0o600)
        print(f"wrote {secret}")
    return 0


def _token(args) -> int:
    from crm_chassis.auth import TokenIssuer

    roles = [r.strip() for r in args.roles.split(",") if r.strip()]
    if not roles:
        print("crm token: --roles needs at least one role", file=sys.stderr)
        return 2
    try:
        issuer = TokenIssuer.from_file(args.private_key, issuer=args.issuer, audience=args.audience)
    except FileNotFoundError:
        print(f"crm token: no private key at {args.private_key}; run `crm keys` (make run does) first", file=sys.stderr)
        return 2
    print(issuer.issue(args.user, roles, team=args.team, territory=args.territory, ttl=timedelta(minutes=args.ttl_minutes)))
    return 0


def _dlq(args) -> int:
    import pika

    from crm_chassis.worker import dead_letter_queue_name

    dead = dead_letter_queue_name(args.queue)
    connection = pika.BlockingConnection(pika.URLParameters(args.amqp_url))
    channel = connection.channel()
    channel.confirm_delivery()
    moved = 0
    try:
        while args.limit <= 0 or moved < args.limit:
            method, properties, body = channel.basic_get(dead, auto_ack=False)
            if method is None:
                break
            headers = dict(properties.headers or {})
            if args.action == "list":
                print(json.dumps({"id": headers.get("id"), "type": headers.get("type"), "error": headers.get("x-crm-error"), "body": body.decode("utf-8", "replace")}))
            else:
                headers.pop("x-crm-attempt", None)
                properties.headers = headers
                channel.basic_publish("", args.queue, body, properties)
                channel.basic_ack(method.delivery_tag)
            moved += 1
    finally:
        connection.close()  # unacked messages of `list` go back to the queue untouched
    if args.action == "replay":
        print(f"replayed {moved} message(s) from {dead} to {args.queue}")
    return 0


def main(argv: list[str] | None = None) -> int:
    keys_dir = var_dir() / "keys"
    parser = argparse.ArgumentParser(prog="crm", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    keys = sub.add_parser("keys", help="create the local JWT key pair and unsubscribe-link secret unless they exist")
    keys.add_argument("--private", type=Path, default=keys_dir / "jwt-private.pem")
    keys.add_argument("--public", type=Path, default=keys_dir / "jwt-public.pem")
    keys.add_argument("--unsubscribe-secret", type=Path, help="default: unsubscribe.secret beside the private key")
    keys.set_defaults(run=_keys)

    token = sub.add_parser("token", help="print a signed token for local use")
    token.add_argument("--user", required=True)
    token.add_argument("--roles", required=True, help="comma-separated, e.g. sales,admin")
    token.add_argument("--team", default="")
    token.add_argument("--territory", default="")
    token.add_argument("--ttl-minutes", type=int, default=480)
    token.add_argument("--private-key", type=Path, default=keys_dir / "jwt-private.pem")
    token.add_argument("--issuer", default="crm")
    token.add_argument("--audience", default="crm")
    token.set_defaults(run=_token)

    dlq = sub.add_parser("dlq", help="list or replay a handler's dead-lettered messages")
    dlq.add_argument("action", choices=["list", "replay"])
    dlq.add_argument("--queue", required=True, help="the handler's queue, e.g. evt-contacts-PersonCreated--notifications.on_person_created")
    dlq.add_argument("--limit", type=int, default=0, help="at most this many (0: all)")
    dlq.add_argument("--amqp-url", default=os.environ.get("CRM_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/"))
    dlq.set_defaults(run=_dlq)

    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
