#!/usr/bin/env bash
# The Redis servers the test suites run against, on loopback ports:
#   - a single server                      VOIPSIGN_REDIS_URL
#   - a single server with a password      VOIPSIGN_REDIS_PASSWORD_URL
#   - a Redis Cluster of 3 masters         VOIPSIGN_REDIS_CLUSTER_URL
#   - Redis Sentinel: a master, two        VOIPSIGN_REDIS_SENTINEL_URL
#     replicas and three sentinels
#     (master name vsha)
#   - a Redis Cluster of 3 masters with    VOIPSIGN_REDIS_REPLICA_CLUSTER_URL
#     one replica each
#
# These are shared by every suite: nothing here kills them. The failover drills,
# which SIGKILL masters, start private copies of the last two
# (core/tests/common/topology/).
#
#   tests/redis/servers.sh start   start them (idempotent; installs redis-server
#                                  from Debian as root when missing) and print
#                                  `export ...` lines: eval "$(tests/redis/servers.sh start)"
#   tests/redis/servers.sh env     print the exports only
#   tests/redis/servers.sh stop    stop them and delete their state
#
# Ports: VOIPSIGN_REDIS_PORT_BASE (default 16379) .. base+16 (cluster buses +10000).
# State in build/redis/.
# Nothing is persisted (--save '' --appendonly no).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="$root/build/redis"
base="${VOIPSIGN_REDIS_PORT_BASE:-16379}"
single=$base
protected=$((base + 1))
cluster=($((base + 2)) $((base + 3)) $((base + 4)))
ha_data=($((base + 5)) $((base + 6)) $((base + 7)))   # master, replica, replica
sentinels=($((base + 8)) $((base + 9)) $((base + 10)))
replica_cluster=($((base + 11)) $((base + 12)) $((base + 13)) $((base + 14)) $((base + 15)) $((base + 16)))
# The test password: a fixed string that every suite checks never appears in an error.
password="${VOIPSIGN_REDIS_TEST_PASSWORD:-vs-test-pw-8c1e5a}"

print_env() {
  echo "export VOIPSIGN_REDIS_URL=redis://127.0.0.1:$single"
  echo "export VOIPSIGN_REDIS_PASSWORD=$password"
  echo "export VOIPSIGN_REDIS_PASSWORD_URL=redis://:$password@127.0.0.1:$protected"
  echo "export VOIPSIGN_REDIS_CLUSTER_URL=redis+cluster://127.0.0.1:${cluster[0]},127.0.0.1:${cluster[1]},127.0.0.1:${cluster[2]}"
  echo "export VOIPSIGN_REDIS_CLUSTER_PORTS=\"${cluster[*]}\""
  echo "export VOIPSIGN_REDIS_SINGLE_PORT=$single"
  echo "export VOIPSIGN_REDIS_SENTINEL_URL=redis+sentinel://127.0.0.1:${sentinels[0]},127.0.0.1:${sentinels[1]},127.0.0.1:${sentinels[2]}/vsha"
  local seeds; seeds=$(printf '127.0.0.1:%s,' "${replica_cluster[@]:0:3}")
  echo "export VOIPSIGN_REDIS_REPLICA_CLUSTER_URL=redis+cluster://${seeds%,}"
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

start_sentinel() { # port
  local port=$1
  if up "$port"; then return; fi
  mkdir -p "$dir/$port"
  # A sentinel rewrites its config file: one of its own, made afresh.
  cat >"$dir/$port/sentinel.conf" <<CONF
port $port
bind 127.0.0.1
dir $dir/$port
sentinel resolve-hostnames no
sentinel monitor vsha 127.0.0.1 ${ha_data[0]} 2
sentinel down-after-milliseconds vsha 1000
sentinel failover-timeout vsha 5000
sentinel parallel-syncs vsha 2
CONF
  redis-server "$dir/$port/sentinel.conf" --sentinel --daemonize yes \
    --pidfile "$dir/$port/redis.pid" --logfile "$dir/$port/redis.log" 9>&-
}

# Wait until every server named replicates with its link up, and the sentinels
# know both replicas (so that a Sentinel URL is ready the moment this returns).
wait_ha() {
  for _ in $(seq 200); do
    local ok=1
    for p in "${ha_data[@]:1}"; do
      redis-cli -p "$p" info replication | grep -q 'master_link_status:up' || ok=0
    done
    for p in "${sentinels[@]}"; do
      [ "$(redis-cli -p "$p" sentinel master vsha 2>/dev/null | sed -n '/^num-slaves$/{n;p}')" = 2 ] || ok=0
    done
    [ $ok = 1 ] && return 0; sleep 0.05
  done
  echo "the Sentinel set did not come up; see $dir/${ha_data[0]}/redis.log" >&2; return 1
}

# Make a cluster of the given ports (redis-cli --cluster create) unless it is up,
# then wait for cluster_state:ok on every node (and, with replicas, every
# replica's link up).
make_cluster() { # replicas port...
  local replicas=$1; shift
  local ports=("$@")
  if ! redis-cli -p "${ports[0]}" cluster info | grep -q 'cluster_state:ok'; then
    if [ "$(redis-cli -p "${ports[0]}" cluster info | sed -n 's/^cluster_known_nodes:\([0-9]*\).*/\1/p')" != "${#ports[@]}" ]; then
      redis-cli --cluster create $(printf '127.0.0.1:%s ' "${ports[@]}") \
        --cluster-replicas "$replicas" --cluster-yes >"$dir/cluster-create-${ports[0]}.log" 2>&1 \
        || { cat "$dir/cluster-create-${ports[0]}.log" >&2; exit 1; }
    fi
  fi
  local ok
  for _ in $(seq 300); do
    ok=1
    for p in "${ports[@]}"; do
      local info; info=$(redis-cli -p "$p" cluster info)
      grep -q 'cluster_state:ok' <<<"$info" || ok=0
      if [ "$replicas" -gt 0 ] && redis-cli -p "$p" info replication | grep -q 'role:slave'; then
        redis-cli -p "$p" info replication | grep -q 'master_link_status:up' || ok=0
      fi
    done
    [ $ok = 1 ] && break; sleep 0.05
  done
  [ $ok = 1 ] || { echo "the cluster on ${ports[0]}.. did not reach cluster_state:ok" >&2; exit 1; }
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
  for p in "${cluster[@]}" "${replica_cluster[@]}"; do
    start_one "$p" --cluster-enabled yes --cluster-config-file "$dir/$p/nodes.conf" --cluster-node-timeout 2000
  done
  start_one "${ha_data[0]}"
  for p in "${ha_data[@]:1}"; do start_one "$p" --replicaof 127.0.0.1 "${ha_data[0]}"; done
  wait_up "$single"; wait_up "$protected" "$password"
  for p in "${cluster[@]}" "${replica_cluster[@]}" "${ha_data[@]}"; do wait_up "$p"; done
  for p in "${sentinels[@]}"; do start_sentinel "$p"; done
  for p in "${sentinels[@]}"; do wait_up "$p"; done
  make_cluster 0 "${cluster[@]}"
  make_cluster 1 "${replica_cluster[@]}"
  wait_ha
  print_env
}

stop() {
  # redis-cli exits 0 on an error reply (NOAUTH), so the password server is asked
  # with its password, not as a fallback (it was left running before).
  for p in "${sentinels[@]}" "$single" "${cluster[@]}" "${replica_cluster[@]}" "${ha_data[@]}"; do
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
