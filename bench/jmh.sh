#!/usr/bin/env bash
# JMH microbenchmarks of hot inner pieces (src/test/java/**/*Benchmark.java): the HTTP request scanner and
# the DNS responder. Arguments go to JMH, e.g. a benchmark name pattern or -f/-wi/-i overrides:
#
#   bench/jmh.sh                          every benchmark
#   bench/jmh.sh RequestScanner           those matching the pattern
#   bench/jmh.sh -prof gc DnsResponder    with allocation per operation
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$bench_root"
java=$(bench_java)

./mvnw -q -B test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/jmh.classpath >&2
exec taskset -c "${SERVER_CORE:-1}" "$java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  -cp "target/test-classes:target/classes:$(cat target/jmh.classpath)" org.openjdk.jmh.Main "$@"
