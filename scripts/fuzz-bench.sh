#!/usr/bin/env bash
# The property-based parser checks as a long run (docs/performance.md, "Property-based tests and
# fuzzing"): the same generators and assertions as exporter/src/test/java/**/*Properties.java, called
# directly by org.hpcstatus.exporter.slurm.FuzzBench until N inputs (default 10 million) have been
# checked, spread evenly over the 19 cases (a second argument, a regex of case names, runs a subset). Exit code 1 on the first failure (it prints the case).
#   scripts/fuzz-bench.sh [N] [case-name-regex]
# The CI run of the same properties is bounded: 1000 tries each (junit-platform.properties);
# `mvn -pl exporter test -Dtest='*Properties' -Djqwik.tries.default=100000` runs them longer in jqwik.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000000}
mvn -B -q -ntp -pl exporter test-compile
mvn -B -q -ntp dependency:build-classpath -Dmdep.outputFile=target/fuzz-cp.txt -Dmdep.includeScope=test -f exporter/pom.xml >/dev/null
CP="exporter/target/test-classes:exporter/target/classes:$(cat exporter/target/fuzz-cp.txt)"
exec java -XX:+UseSerialGC -Xmx256m -cp "$CP" org.hpcstatus.exporter.slurm.FuzzBench "$N" ${2:+"$2"}
