#!/usr/bin/env bash
# Builds the container image as a tarball without a Docker daemon or a registry (docs/deploy.md,
# "Container"): Jib (Maven profile `image`) FROM scratch, plus a root filesystem made here:
#   - a jlinked Java runtime in /opt/java (modules from jdeps on the shaded jar)
#   - the shared libraries it needs (glibc, zlib, NSS files) copied from this (Debian 12) host
#   - optionally the Slurm client commands with their plugins and libraries (INCLUDE_SLURM=1, the
#     default when scontrol is installed here): they must be compatible with the site's slurmctld
#   - /etc/passwd and /etc/group with the unprivileged user hpcstatus (65532)
# Output: exporter/target/hpc-status-exporter-image.tar (load with `docker load` or `podman load`).
# Needs: JDK 17 with jmods (Debian: openjdk-17-jdk-headless ships them), Maven Central for the plugin.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { printf '[image %(%H:%M:%S)T] %s\n' -1 "$*"; }

JAR=exporter/target/hpc-status-exporter.jar
ROOT=exporter/target/image-rootfs
INCLUDE_SLURM=${INCLUDE_SLURM:-$(command -v scontrol >/dev/null && echo 1 || echo 0)}
JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}

if [[ ! -f $JAR ]] || [[ -n "$(find exporter/src pom.xml exporter/pom.xml -newer "$JAR" -print -quit)" ]]; then
  log "building $JAR"
  mvn -B -q -ntp package -DskipTests
fi
[[ -d $JAVA_HOME/jmods ]] || { echo "no $JAVA_HOME/jmods: install a JDK with jmods (openjdk-17-jdk-headless)" >&2; exit 1; }

rm -rf "$ROOT"
mkdir -p "$ROOT"/etc "$ROOT"/tmp "$ROOT"/var/lib/hpc-status-exporter "$ROOT"/run/munge
MODULES=$("$JAVA_HOME"/bin/jdeps --ignore-missing-deps --print-module-deps --multi-release 17 "$JAR")
# EC keys and ECDHE (TLS) live in jdk.crypto.ec; DNS lookups of slurmctld/slurmdbd in jdk.naming.dns
MODULES="$MODULES,jdk.crypto.ec,jdk.naming.dns,java.logging"
log "jlink: $MODULES"
"$JAVA_HOME"/bin/jlink --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages \
  --compress=2 --output "$ROOT"/opt/java

# copy an ELF file's shared-library closure (as this host resolves it) to the same paths in the root
copy_libs() {
  ldd "$1" 2>/dev/null | awk '/=> \//{print $3} /^\s*\/.*ld-linux/{print $1}' | while read -r lib; do
    # the runtime's own libraries (found through $ORIGIN) are already in place
    [[ $lib == "$(readlink -f "$ROOT")"/* || $lib == "$ROOT"/* || -e $ROOT$lib ]] && continue
    mkdir -p "$ROOT$(dirname "$lib")"
    cp -L "$lib" "$ROOT$lib"
  done
}
for f in "$ROOT"/opt/java/bin/java "$ROOT"/opt/java/lib/*.so "$ROOT"/opt/java/lib/server/*.so; do copy_libs "$f"; done
# NSS: getpwuid (Slurm commands, the JVM's user.name) reads /etc/passwd through libnss_files
for lib in /lib/x86_64-linux-gnu/libnss_files.so.2 /lib/x86_64-linux-gnu/libnss_dns.so.2 /lib/x86_64-linux-gnu/libresolv.so.2; do
  [[ -e $lib ]] && { mkdir -p "$ROOT$(dirname "$lib")"; cp -L "$lib" "$ROOT$lib"; }
done
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$ROOT"/etc/nsswitch.conf
printf 'root:x:0:0:root:/:/sbin/nologin\nhpcstatus:x:65532:65532:hpc-status-exporter:/var/lib/hpc-status-exporter:/sbin/nologin\n' > "$ROOT"/etc/passwd
printf 'root:x:0:\nhpcstatus:x:65532:\n' > "$ROOT"/etc/group

if [[ $INCLUDE_SLURM == 1 ]]; then
  mkdir -p "$ROOT"/usr/bin
  for c in scontrol squeue sinfo sdiag sshare sacct sacctmgr; do
    p=$(command -v "$c" || true)
    [[ -n $p ]] || continue
    cp -L "$p" "$ROOT"/usr/bin/"$c"
    copy_libs "$p"
  done
  # plugins are dlopen'd (auth/munge, cred/munge, select/…): copy the directory and its closure
  for d in /usr/lib/x86_64-linux-gnu/slurm-wlm /usr/lib/x86_64-linux-gnu/slurm; do
    if [[ -d $d ]]; then
      mkdir -p "$ROOT$d"
      cp -a "$d"/. "$ROOT$d"/
      for so in "$d"/*.so; do copy_libs "$so"; done
    fi
  done
  log "Slurm client $(scontrol --version 2>/dev/null || echo '?') included"
fi
log "root filesystem: $(du -sh "$ROOT" | cut -f1)"

log "jib:buildTar (profile image)"
mvn -B -q -ntp -pl exporter -Pimage package -DskipTests
ls -l exporter/target/hpc-status-exporter-image.tar
