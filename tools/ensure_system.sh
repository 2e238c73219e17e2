#!/usr/bin/env bash
# Makes sure this machine has what the suite needs outside its virtualenv:
# Python 3.11+ with venv, RabbitMQ answering on 127.0.0.1:5672, and (with
# `--postgres`, for the tests) PostgreSQL on 127.0.0.1:5432. As root it installs
# missing Debian packages and starts the servers; otherwise it says exactly
# what to install or start, and fails.
set -euo pipefail

want_postgres=0
[[ "${1:-}" == "--postgres" ]] && want_postgres=1
is_root=0
[[ "$(id -u)" == 0 ]] && is_root=1
apt_updated=0

say() { echo "[setup] $*"; }

answers() { # host port
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

wait_for() { # host port what seconds
  for _ in $(seq "$4"); do
    answers "$1" "$2" && return 0
    sleep 1
  done
  say "$3 did not start answering on $1:$2 within $4 s"
  return 1
}

apt_install() {
  if (( ! is_root )); then
    say "missing: Debian packages $*. Install them as root: sudo apt-get install -y $*"
    exit 1
  fi
  if (( ! apt_updated )); then
    apt-get update -qq
    apt_updated=1
  fi
  say "installing $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

python3 - <<'PY' || { say "Python 3.11 or newer is needed as python3"; exit 1; }
import sys
sys.exit(0 if sys.version_info >= (3, 11) else 1)
PY
python3 -c "import venv, ensurepip" 2>/dev/null || apt_install python3-venv

rabbit_host=127.0.0.1
rabbit_port=5672
if ! answers "$rabbit_host" "$rabbit_port"; then
  command -v rabbitmq-server >/dev/null || apt_install rabbitmq-server
  if (( ! is_root )); then
    say "RabbitMQ is installed but not answering on $rabbit_host:$rabbit_port. Start it: sudo rabbitmq-server -detached (or sudo systemctl start rabbitmq-server)"
    exit 1
  fi
  say "starting RabbitMQ"
  rabbitmq-server -detached >/dev/null 2>&1 || service rabbitmq-server start
  wait_for "$rabbit_host" "$rabbit_port" RabbitMQ 90
fi
say "RabbitMQ answers on $rabbit_host:$rabbit_port"

if (( want_postgres )); then
  if ! answers 127.0.0.1 5432; then
    command -v pg_ctlcluster >/dev/null || apt_install postgresql
    if (( ! is_root )); then
      say "PostgreSQL is installed but not answering on 127.0.0.1:5432. Start it: sudo pg_ctlcluster \$(ls /etc/postgresql) main start"
      exit 1
    fi
    say "starting PostgreSQL"
    version="$(ls /etc/postgresql | sort -V | tail -1)"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
    wait_for 127.0.0.1 5432 PostgreSQL 60
    # A cluster we just started keeps Debian's password authentication on TCP:
    # give the tests a password of their own and tell them where it is.
    su postgres -c "psql -qc \"ALTER USER postgres PASSWORD 'crm-tests'\"" >/dev/null
    su postgres -c "psql -lqt | cut -d'|' -f1 | grep -qw test || createdb test"
    mkdir -p var
    echo "postgresql://postgres:crm-tests@127.0.0.1:5432/test" > var/postgres-url
  fi
  say "PostgreSQL answers on 127.0.0.1:5432"
fi
