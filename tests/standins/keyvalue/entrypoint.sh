#!/bin/sh
# The official images' contract: "redis-server [CONFIG] [OPTIONS]" (or valkey-server) as
# the command, run as the server's own user, which gets the data folder; listening on
# every interface with protected mode off, as those images are built.
set -eu
[ "$1" = server ] && set -- "$SERVER-server"
if [ "$1" = "$SERVER-server" ] && [ "$(id -u)" = 0 ]; then
  chown "$SERVER:$SERVER" /data
  shift
  exec setpriv --reuid="$SERVER" --regid="$SERVER" --init-groups \
    "$SERVER-server" "$@" --bind 0.0.0.0 --protected-mode no --dir /data
fi
exec "$@"
