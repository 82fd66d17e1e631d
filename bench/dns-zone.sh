# Zone and query generators for bench/dns*.sh: sourced, not run. One awk program writes an RFC 1035 master
# file that both NSD and `engawa zone import` read, so both servers answer from the same records.
#
# For NAMES names h0..h(N-1) in ZONE: every name has an A record, every 3rd an AAAA, every 5th a TXT, every
# 10th an MX, every 20th a CNAME c<N> pointing at it, every 50th a wildcard *.h<N> (A); plus the apex SOA/NS.

# gen_zone ZONE NAMES FILE
gen_zone() {
  awk -v zone="$1" -v n="$2" 'BEGIN {
    printf "$ORIGIN %s.\n$TTL 300\n", zone
    printf "@ IN SOA ns1 hostmaster 1 3600 600 604800 300\n@ IN NS ns1\nns1 IN A 127.0.0.1\n"
    for (i = 0; i < n; i++) {
      a = sprintf("10.%d.%d.%d", int(i / 65536) % 256, int(i / 256) % 256, i % 256)
      printf "h%d IN A %s\n", i, a
      if (i % 3 == 0) printf "h%d IN AAAA 2001:db8::%x:%x\n", i, int(i / 65536), i % 65536
      if (i % 5 == 0) printf "h%d IN TXT \"v=bench1 id=%d\"\n", i, i
      if (i % 10 == 0) printf "h%d IN MX 10 mail.h%d\n", i, i
      if (i % 20 == 0) printf "c%d IN CNAME h%d\n", i, i
      if (i % 50 == 0) printf "*.h%d IN A 192.0.2.%d\n", i, i % 250 + 1
    }
  }' > "$3"
}

# Records the zone of gen_zone holds (SOA and NS included).
zone_records() {
  awk -v n="$1" 'BEGIN { c = 3; for (i = 0; i < n; i++) c += 1 + (i%3==0) + (i%5==0) + (i%10==0) + (i%20==0) + (i%50==0); print c }'
}

# gen_queries ZONE NAMES COUNT FILE: a dnsperf query file, shuffled with a fixed seed. About 55% answers
# (A, AAAA, TXT, MX), 5% through a CNAME, 10% wildcard answers, 15% NXDOMAIN (half of them under a name
# without a wildcard) and 15% NODATA (a type the name lacks).
gen_queries() {
  awk -v zone="$1" -v n="$2" -v count="$3" 'BEGIN {
    srand(42)
    for (q = 0; q < count; q++) {
      r = rand() * 100; i = int(rand() * n)
      if (r < 35) printf "h%d.%s A\n", i, zone
      else if (r < 45) printf "h%d.%s AAAA\n", i - i % 3, zone
      else if (r < 50) printf "h%d.%s TXT\n", i - i % 5, zone
      else if (r < 55) printf "h%d.%s MX\n", i - i % 10, zone
      else if (r < 60) printf "c%d.%s A\n", i - i % 20, zone
      else if (r < 70) printf "w%d.h%d.%s A\n", q, i - i % 50, zone
      else if (r < 77.5) printf "n%d.%s A\n", i, zone
      else if (r < 85) printf "x.h%d.%s A\n", (i - i % 50) + 1, zone
      else if (r < 92.5) printf "h%d.%s AAAA\n", i - i % 3 + 1, zone
      else printf "h%d.%s SRV\n", i, zone
    }
  }' > "$4"
}

# nsd_conf WORK PORT ZONE ZONEFILE: an NSD configuration with one server process, no RRL (it would throttle
# a load generator on one address), minimal responses (no NS set in authority, as Engawa answers), no
# database, everything under WORK.
nsd_conf() {
  cat <<CONF
server:
  server-count: 1
  ip-address: 127.0.0.1@$2
  do-ip6: no
  username: ""
  chroot: ""
  zonesdir: "$1"
  database: ""
  zonelistfile: "$1/nsd-zone.list"
  xfrdfile: "$1/nsd-xfrd.state"
  pidfile: "$1/nsd.pid"
  logfile: "$1/nsd.log"
  verbosity: 0
  hide-version: yes
  minimal-responses: yes
  receive-buffer-size: 4194304
  send-buffer-size: 4194304
  rrl-ratelimit: 0
  rrl-whitelist-ratelimit: 0
remote-control:
  control-enable: no
zone:
  name: $3
  zonefile: "$4"
CONF
}
