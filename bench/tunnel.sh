#!/usr/bin/env bash
# A fixed-response backend through an Engawa tunnel against the same backend direct, with wrk at 64
# connections. The backend (nginx answering a 3-byte body) and wrk share core 0; the edge (one event loop)
# and the tunnel client (one event loop) share core 1, so the tunnel's two extra hops get one core between
# them. Prints requests/s and latency percentiles both ways, the throughput ratio (target >= 0.70), the
# median latency the tunnel adds (target <= 1 ms), and CPU time per request of the edge and the client,
# with the part of it spent in the kernel.
#
# Then the classic peer on the same layout: OpenSSH remote port forwarding (`ssh -R`, the serveo /
# localhost.run kind of tunnel). The Engawa edge and client are stopped, a private sshd (from $work, on
# 127.0.0.1:28222) and `ssh -N -R 127.0.0.1:28182:127.0.0.1:18190` run on core 1 with AES-128-GCM (the
# cipher the Engawa link negotiates under TLS 1.3), and wrk fetches the backend through port 28182. Prints
# an `ssh -R` row, its ratios to direct and to the Engawa tunnel, and CPU time per request of the whole
# sshd process tree (it forks a child per connection) and of the ssh client. Needs /usr/sbin/sshd
# (apt-get install openssh-server; the row is skipped without it) and must run as a user that sshd can
# log in with a key (root here).
#
#   bench/tunnel.sh                      10 s per row (DURATION=30s for steadier figures), after warm-ups of
#                                        8 s direct, 30 s through the tunnel and 3 s through ssh -R
#                                        (WARMUP, TUNNEL_WARMUP, SSH_WARMUP)
#   CONNECTIONS=16 bench/tunnel.sh
#   SSH_PEER=0 bench/tunnel.sh           without the ssh -R row
set -euo pipefail
. "$(dirname "$0")/lib.sh"

DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-8s}
# The tunnel path runs two JVMs on one core: after 8 s their C2 compilers were still busy (~2 s of CPU each
# during the measured run), so the tunnel row warms up longer to measure the steady state.
TUNNEL_WARMUP=${TUNNEL_WARMUP:-30s}
# ssh and sshd are native code, with no compiler to wait for: a few seconds open the connections.
SSH_WARMUP=${SSH_WARMUP:-3s}
SSH_PEER=${SSH_PEER:-1}
CONNECTIONS=${CONNECTIONS:-64}
SERVER_CORE=${SERVER_CORE:-1}
WRK_CORE=${WRK_CORE:-0}
export WRK_CORE

bench_workdir tunnel

certs="$bench_root/examples/certs"
java=$(bench_java)
"$bench_root/engawa" --version >/dev/null   # builds the jar when needed

# The backend: nginx answering a fixed body, on the load generator's core.
cat > "$work/backend.conf" <<CONF
worker_processes 1; daemon off; pid $work/backend.pid; error_log $work/backend-error.log;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000;
  server { listen 127.0.0.1:18190; location / { return 200 "ok\n"; } } }
CONF
taskset -c "$WRK_CORE" nginx -c "$work/backend.conf" &
pids+=($!)
wait_port 18190

token=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
cat > "$work/engawa.yaml" <<CONF
listen: {http: "127.0.0.1:28180", tunnel: "127.0.0.1:28835"}
log: {access: "off"}
certificates: {bench: {cert_file: $certs/example.test.crt, key_file: $certs/example.test.key}}
tunnels:
  domain: tunnel.example.test
  tls: bench
  tokens: [{name: bench, sha256: $(printf %s "$token" | sha256sum | cut -d' ' -f1), names: [bench]}]
CONF

taskset -c "$SERVER_CORE" "$java" "${engawa_jvm[@]}" -jar "$bench_root/target/engawa.jar" serve --config "$work/engawa.yaml" \
  --data "$work/data" --threads 1 2> "$work/engawa.log" &
edge_pid=$!
pids+=("$edge_pid")
wait_port 28180
wait_port 28835

ENGAWA_TUNNEL_TOKEN=$token taskset -c "$SERVER_CORE" "$java" "${engawa_tunnel_jvm[@]}" -jar "$bench_root/target/engawa.jar" \
  tunnel http 18190 --server 127.0.0.1:28835 --server-name tunnel.example.test --ca "$certs/ca.crt" --name bench \
  > "$work/client.out" 2> "$work/client.err" &
client_pid=$!
pids+=("$client_pid")
for _ in $(seq 1 300); do
  grep -q 'is online' "$work/client.out" 2>/dev/null && break
  sleep 0.1
done
grep -q 'is online' "$work/client.out" || { echo "bench: the tunnel client did not come online" >&2; cat "$work/client.err" >&2; exit 1; }

# One wrk run: prints "rps p50_ms p90_ms p99_ms requests".
run_wrk() { # url extra-wrk-args...
  local url=$1; shift
  local out
  out=$(taskset -c "$WRK_CORE" wrk --latency -t1 -c"$CONNECTIONS" -d"$DURATION" "$@" "$url" 2>&1)
  if echo "$out" | grep -qE 'Non-2xx|Socket errors'; then
    echo "bench: wrk reported: $(echo "$out" | grep -E 'Non-2xx|Socket errors' | tr '\n' ' ')" >&2
  fi
  local ms='{v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; print v}'
  echo "$(echo "$out" | awk '/^Requests\/sec:/ {print $2}')" \
       "$(echo "$out" | awk '$1 == "50%"'" $ms")" \
       "$(echo "$out" | awk '$1 == "90%"'" $ms")" \
       "$(echo "$out" | awk '$1 == "99%"'" $ms")" \
       "$(echo "$out" | awk '/requests in/ {print $1}')"
}

direct_url="http://127.0.0.1:18190/"
tunnel_url="http://127.0.0.1:28180/"
host=(-H "Host: bench.tunnel.example.test")

echo "bench: tunnel vs direct, $CONNECTIONS connections, $DURATION per row; wrk + backend on core $WRK_CORE," \
  "edge + client on core $SERVER_CORE ($java)" >&2
taskset -c "$WRK_CORE" wrk -t1 -c"$CONNECTIONS" -d"$WARMUP" "$direct_url" >/dev/null 2>&1
read -r d_rps d_p50 d_p90 d_p99 d_req < <(run_wrk "$direct_url")

taskset -c "$WRK_CORE" wrk -t1 -c"$CONNECTIONS" -d"$TUNNEL_WARMUP" "${host[@]}" "$tunnel_url" >/dev/null 2>&1
edge_before=$(cpu_ticks "$edge_pid"); edge_sys_before=$(sys_ticks "$edge_pid")
client_before=$(cpu_ticks "$client_pid"); client_sys_before=$(sys_ticks "$client_pid")
read -r t_rps t_p50 t_p90 t_p99 t_req < <(run_wrk "$tunnel_url" "${host[@]}")
edge_after=$(cpu_ticks "$edge_pid"); edge_sys_after=$(sys_ticks "$edge_pid")
client_after=$(cpu_ticks "$client_pid"); client_sys_after=$(sys_ticks "$client_pid")

rss_edge=$(rss_kib_tree "$edge_pid")
rss_client=$(rss_kib_tree "$client_pid")

# The peer: ssh -R on the same core, with the Engawa edge and client stopped so that it has core 1 to itself
# as they had.
ssh_row=0
if [ "$SSH_PEER" = 0 ]; then
  :
elif [ ! -x /usr/sbin/sshd ]; then
  echo "bench: /usr/sbin/sshd not found, the ssh -R row is skipped (apt-get install openssh-server; SSH_PEER=0 to silence)" >&2
else
  kill "$edge_pid" "$client_pid" 2>/dev/null || true
  wait "$edge_pid" "$client_pid" 2>/dev/null || true
  ssh-keygen -q -N '' -t ed25519 -f "$work/host_key"
  ssh-keygen -q -N '' -t ed25519 -f "$work/client_key"
  cp "$work/client_key.pub" "$work/authorized_keys"
  cat > "$work/sshd_config" <<CONF
ListenAddress 127.0.0.1
Port 28222
HostKey $work/host_key
AuthorizedKeysFile $work/authorized_keys
PidFile $work/sshd.pid
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowTcpForwarding yes
GatewayPorts no
Ciphers aes128-gcm@openssh.com
LogLevel ERROR
CONF
  mkdir -p /run/sshd   # sshd's privilege-separation directory
  taskset -c "$SERVER_CORE" /usr/sbin/sshd -D -e -f "$work/sshd_config" 2> "$work/sshd.log" &
  sshd_pid=$!
  pids+=("$sshd_pid")
  wait_port 28222
  taskset -c "$SERVER_CORE" ssh -F /dev/null -N -o BatchMode=yes -o StrictHostKeyChecking=no \
    -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o ExitOnForwardFailure=yes -o IdentitiesOnly=yes \
    -o Ciphers=aes128-gcm@openssh.com -i "$work/client_key" -p 28222 -R 127.0.0.1:28182:127.0.0.1:18190 \
    "$(id -un)@127.0.0.1" 2> "$work/ssh.err" &
  ssh_pid=$!
  pids+=("$ssh_pid")
  if wait_port 28182; then
    ssh_url="http://127.0.0.1:28182/"
    taskset -c "$WRK_CORE" wrk -t1 -c"$CONNECTIONS" -d"$SSH_WARMUP" "$ssh_url" >/dev/null 2>&1
    sshd_before=$(cpu_ticks_tree "$sshd_pid"); sshd_sys_before=$(sys_ticks_tree "$sshd_pid")
    ssh_before=$(cpu_ticks "$ssh_pid"); ssh_sys_before=$(sys_ticks "$ssh_pid")
    read -r s_rps s_p50 s_p90 s_p99 s_req < <(run_wrk "$ssh_url")
    sshd_after=$(cpu_ticks_tree "$sshd_pid"); sshd_sys_after=$(sys_ticks_tree "$sshd_pid")
    ssh_after=$(cpu_ticks "$ssh_pid"); ssh_sys_after=$(sys_ticks "$ssh_pid")
    rss_sshd=$(rss_kib_tree "$sshd_pid")
    rss_ssh=$(rss_kib_tree "$ssh_pid")
    ssh_row=1
    # The client first, so that sshd reaps its per-connection process before the cleanup stops sshd.
    kill "$ssh_pid" 2>/dev/null || true
    wait "$ssh_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      pgrep -P "$sshd_pid" >/dev/null || break
      sleep 0.1
    done
  else
    echo "bench: the ssh -R forward did not come up, the ssh -R row is skipped" >&2
    cat "$work/sshd.log" "$work/ssh.err" >&2
  fi
fi

per_req() { awk -v t="$1" -v hz="$CLK_TCK" -v n="$2" 'BEGIN { if (n > 0) printf "%.1f", t / hz * 1e6 / n; else print "nan" }'; }
printf "\n%-8s %12s %9s %9s %9s\n" path requests/s p50_ms p90_ms p99_ms
printf "%-8s %12s %9s %9s %9s\n" direct "$d_rps" "$d_p50" "$d_p90" "$d_p99"
printf "%-8s %12s %9s %9s %9s\n" tunnel "$t_rps" "$t_p50" "$t_p90" "$t_p99"
if [ "$ssh_row" = 1 ]; then
  printf "%-8s %12s %9s %9s %9s\n" "ssh -R" "$s_rps" "$s_p50" "$s_p90" "$s_p99"
fi
printf "\nthroughput ratio tunnel/direct: %s (target >= 0.70)\n" "$(ratio "$t_rps" "$d_rps")"
printf "median latency added: %s ms (target <= 1 ms)\n" "$(awk -v a="$t_p50" -v b="$d_p50" 'BEGIN { printf "%.3f", a - b }')"
printf "CPU per tunneled request: edge %s us (kernel %s), client %s us (kernel %s)\n" \
  "$(per_req $(( edge_after - edge_before )) "${t_req:-0}")" "$(per_req $(( edge_sys_after - edge_sys_before )) "${t_req:-0}")" \
  "$(per_req $(( client_after - client_before )) "${t_req:-0}")" "$(per_req $(( client_sys_after - client_sys_before )) "${t_req:-0}")"
printf "idle RSS after the run: edge %s KiB, client %s KiB\n" "$rss_edge" "$rss_client"
if [ "$ssh_row" = 1 ]; then
  printf "\nthroughput ratio ssh -R/direct: %s; Engawa tunnel / ssh -R: %s\n" \
    "$(ratio "$s_rps" "$d_rps")" "$(ratio "$t_rps" "$s_rps")"
  printf "median latency added through ssh -R: %s ms\n" "$(awk -v a="$s_p50" -v b="$d_p50" 'BEGIN { printf "%.3f", a - b }')"
  printf "CPU per request through ssh -R: sshd %s us (kernel %s), ssh %s us (kernel %s)\n" \
    "$(per_req $(( sshd_after - sshd_before )) "${s_req:-0}")" "$(per_req $(( sshd_sys_after - sshd_sys_before )) "${s_req:-0}")" \
    "$(per_req $(( ssh_after - ssh_before )) "${s_req:-0}")" "$(per_req $(( ssh_sys_after - ssh_sys_before )) "${s_req:-0}")"
  printf "idle RSS after the run: sshd %s KiB (all its processes), ssh %s KiB\n" "$rss_sshd" "$rss_ssh"
fi
