#!/usr/bin/env bash
# The Redis servers the test suites run against, on loopback ports:
#   - a single server                      VOIPSIGN_REDIS_URL
#   - a single server with a password      VOIPSIGN_REDIS_PASSWORD_URL
#   - a Redis Cluster of 3 masters         VOIPSIGN_REDIS_CLUSTER_URL
#
#   tests/redis/servers.sh start   start them (idempotent; installs redis-server
#                                  from Debian as root when missing) and print
#                                  `export ...` lines: eval "$(tests/redis/servers.sh start)"
#   tests/redis/servers.sh env     print the exports only
#   tests/redis/servers.sh stop    stop them and delete their state
#
# Ports: VOIPSIGN_REDIS_PORT_BASE (default 16379) .. base+4. State in build/redis/.
# Nothing is persisted (--save '' --appendonly no).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="$root/build/redis"
base="${VOIPSIGN_REDIS_PORT_BASE:-16379}"
single=$base
protected=$((base + 1))
cluster=($((base + 2)) $((base + 3)) $((base + 4)))
# The test password: a fixed string that every suite checks never appears in an error.
password="${VOIPSIGN_REDIS_TEST_PASSWORD:-vs-test-pw-8c1e5a}"

print_env() {
  echo "export VOIPSIGN_REDIS_URL=redis://127.0.0.1:$single"
  echo "export VOIPSIGN_REDIS_PASSWORD=$password"
  echo "export VOIPSIGN_REDIS_PASSWORD_URL=redis://:$password@127.0.0.1:$protected"
  echo "export VOIPSIGN_REDIS_CLUSTER_URL=redis+cluster://127.0.0.1:${cluster[0]},127.0.0.1:${cluster[1]},127.0.0.1:${cluster[2]}"
  echo "export VOIPSIGN_REDIS_CLUSTER_PORTS=\"${cluster[*]}\""
  echo "export VOIPSIGN_REDIS_SINGLE_PORT=$single"
}

up() { redis-cli -p "$1" ${2:+-a "$2" --no-auth-warning} ping 2>/dev/null | grep -q PONG; }

start_one() { # port [extra args...]
  local port=$1; shift
  if up "$port" || up "$port" "$password"; then return; fi
  mkdir -p "$dir/$port"
  # 9>&-: the server must not inherit the start lock (it would hold it forever).
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --dir "$dir/$port" --pidfile "$dir/$port/redis.pid" --logfile "$dir/$port/redis.log" "$@" 9>&-
}

wait_up() { # port [password]
  for _ in $(seq 100); do up "$@" && return 0; sleep 0.05; done
  echo "redis on port $1 did not start; see $dir/$1/redis.log" >&2; return 1
}

start() {
  if ! command -v redis-server >/dev/null; then
    if [ "$(id -u)" = 0 ]; then
      echo "installing redis-server (Debian)" >&2
      (apt-get update -qq && apt-get install -y -qq redis-server) >&2
    else
      echo "redis-server is missing: apt-get install redis-server" >&2; exit 1
    fi
  fi
  mkdir -p "$dir"
  exec 9>"$dir/.start-lock"; flock 9
  start_one "$single"
  start_one "$protected" --requirepass "$password"
  for p in "${cluster[@]}"; do
    start_one "$p" --cluster-enabled yes --cluster-config-file "$dir/$p/nodes.conf" --cluster-node-timeout 2000
  done
  wait_up "$single"; wait_up "$protected" "$password"
  for p in "${cluster[@]}"; do wait_up "$p"; done
  if ! redis-cli -p "${cluster[0]}" cluster info | grep -q 'cluster_state:ok'; then
    if [ "$(redis-cli -p "${cluster[0]}" cluster info | sed -n 's/^cluster_known_nodes:\([0-9]*\).*/\1/p')" != 3 ]; then
      redis-cli --cluster create 127.0.0.1:${cluster[0]} 127.0.0.1:${cluster[1]} 127.0.0.1:${cluster[2]} \
        --cluster-replicas 0 --cluster-yes >"$dir/cluster-create.log" 2>&1 \
        || { cat "$dir/cluster-create.log" >&2; exit 1; }
    fi
    for _ in $(seq 200); do
      ok=1
      for p in "${cluster[@]}"; do redis-cli -p "$p" cluster info | grep -q 'cluster_state:ok' || ok=0; done
      [ $ok = 1 ] && break; sleep 0.05
    done
    [ $ok = 1 ] || { echo "the cluster did not reach cluster_state:ok" >&2; exit 1; }
  fi
  print_env
}

stop() {
  # redis-cli exits 0 on an error reply (NOAUTH), so the password server is asked
  # with its password, not as a fallback (it was left running before).
  for p in "$single" "${cluster[@]}"; do
    redis-cli -p "$p" shutdown nosave >/dev/null 2>&1 || true
  done
  redis-cli -p "$protected" -a "$password" --no-auth-warning shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  env) print_env ;;
  stop) stop ;;
  *) echo "usage: $0 start|env|stop" >&2; exit 2 ;;
esac
