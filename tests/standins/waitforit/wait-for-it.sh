#!/bin/bash
# wait-for-it.sh HOST:PORT [-t SECONDS]: exit 0 once the port answers, 1 on time-out.
set -u
target=$1; shift
timeout=15
while [ "$#" -gt 0 ]; do
  case $1 in -t) timeout=$2; shift 2 ;; *) shift ;; esac
done
host=${target%:*} port=${target##*:}
for _ in $(seq $((timeout * 4))); do
  if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then exit 0; fi
  sleep 0.25
done
echo "wait-for-it: $target did not answer within $timeout s" >&2
exit 1
