# Sourced by ./hyphae and .ci/run: makes sure JAVA_HOME points at a JDK 21 or newer.
# Keeps the caller's JAVA_HOME (or the `java` on PATH) when it is new enough; otherwise takes the
# newest JDK under /usr/lib/jvm.

hyphae_java_major() { # $1 = path to a java binary; prints its feature version, or 0
  local v
  v=$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
  v=${v#1.}
  echo "${v:-0}"
}

hyphae_pick_jdk() {
  local candidate best="" best_major=0 major
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    candidate="$JAVA_HOME/bin/java"
  else
    candidate=$(command -v java || true)
  fi
  if [ -n "$candidate" ] && [ "$(hyphae_java_major "$candidate")" -ge 21 ]; then
    if [ -z "${JAVA_HOME:-}" ]; then
      JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$candidate")")")
    fi
    export JAVA_HOME
    return 0
  fi
  for candidate in /usr/lib/jvm/*/bin/java; do
    [ -x "$candidate" ] || continue
    major=$(hyphae_java_major "$candidate")
    if [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
      best=$candidate
      best_major=$major
    fi
  done
  if [ -z "$best" ]; then
    echo "hyphae: needs JDK 21 or newer; none found (set JAVA_HOME)" >&2
    return 1
  fi
  JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$best")")")
  export JAVA_HOME
  export PATH="$JAVA_HOME/bin:$PATH"
}

hyphae_pick_jdk
