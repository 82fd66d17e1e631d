# Shared helpers for bench/*.sh: sourced, not run. Measures a server process from /proc so that work per
# request is known even when the load generator, not the server, is the bottleneck.

bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CLK_TCK=$(getconf CLK_TCK)

# One benchmark at a time on this machine: the scripts use fixed loopback ports and pin to the same cores,
# so a second one waits here for the first to finish.
exec 9> "${TMPDIR:-/tmp}/engawa-bench.lock"
if ! flock -n 9; then
  echo "bench: waiting for another benchmark to finish" >&2
  flock 9
fi

# The JVM flags the launcher gives Engawa, so that benchmarks measure what users run.
engawa_jvm=(-XX:+UseParallelGC -XX:+PerfDisableSharedMem --sun-misc-unsafe-memory-access=allow)
# ... and the one it adds for `engawa tunnel`.
engawa_tunnel_jvm=("${engawa_jvm[@]}" -Xms16m)

# Makes the scratch folder $work (readable by nginx's unprivileged workers; mktemp makes it 0700) and, on
# exit, kills the processes listed in $pids and removes it. Arg: a name for the folder.
bench_workdir() {
  work=$(mktemp -d "/tmp/engawa-bench-$1.XXXXXX")
  chmod 755 "$work"
  pids=()
  trap bench_cleanup EXIT
}

bench_cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}

# CPU time (utime+stime, in clock ticks) of a process and all its threads. Fields are counted after the
# command name, which may hold spaces ("nsd: server 1").
cpu_ticks() {
  sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'
}

# A process and all its descendants (NSD's server is a grandchild of the process started).
process_tree() {
  local child
  echo "$1"
  for child in $(pgrep -P "$1" || true); do
    process_tree "$child"
  done
}

# System (kernel) CPU ticks of a process and all its threads.
sys_ticks() {
  sed 's/.*) //' "/proc/$1/stat" | awk '{print $13}'
}

# Resident and proportional set size in KiB of one process.
rss_kib() {
  awk '/^VmRSS:/ {print $2}' "/proc/$1/status"
}
pss_kib() {
  awk '/^Pss:/ {print $2}' "/proc/$1/smaps_rollup"
}

# The sum of a per-process figure (one of the functions above) over a process and its descendants
# (nginx master + workers, sshd and its per-connection children); a process gone meanwhile counts 0.
sum_tree() { # function pid
  local total=0 pid v
  for pid in $(process_tree "$2"); do
    v=$("$1" "$pid" 2>/dev/null || true)
    total=$(( total + ${v:-0} ))
  done
  echo "$total"
}

cpu_ticks_tree() { sum_tree cpu_ticks "$1"; }
sys_ticks_tree() { sum_tree sys_ticks "$1"; }
rss_kib_tree() { sum_tree rss_kib "$1"; }
pss_kib_tree() { sum_tree pss_kib "$1"; }

# Waits until something accepts TCP connections on 127.0.0.1:$1 (up to 30 s).
wait_port() {
  local i
  for i in $(seq 1 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "bench: nothing listens on port $1" >&2
  return 1
}

# Runs wrk pinned to core $WRK_CORE against a server PID and prints one line:
#   rps p99_ms cpu_us_per_req requests
# Args: server_pid url wrk-args...
measure_wrk() {
  local pid=$1 url=$2; shift 2
  local before after out
  before=$(cpu_ticks_tree "$pid")
  out=$(taskset -c "${WRK_CORE:-0}" wrk --latency "$@" "$url" 2>&1)
  after=$(cpu_ticks_tree "$pid")
  local requests rps p99 errors
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  rps=$(echo "$out" | awk '/^Requests\/sec:/ {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; print v}')
  errors=$(echo "$out" | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' ')
  if [ -n "$errors" ]; then
    echo "bench: wrk reported: $errors" >&2
  fi
  local cpu_us
  cpu_us=$(awk -v t=$(( after - before )) -v hz="$CLK_TCK" -v n="${requests:-0}" 'BEGIN { if (n > 0) printf "%.2f", t / hz * 1e6 / n; else print "nan" }')
  echo "${rps:-0} ${p99:-nan} $cpu_us ${requests:-0}"
}

# Ratio a/b with two decimals.
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "nan" }'
}

# The JDK the launcher would use.
bench_java() {
  . "$bench_root/bin/find-jdk"
  engawa_find_jdk >/dev/null
  echo "$JAVA_HOME/bin/java"
}
