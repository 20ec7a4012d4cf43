#!/bin/sh
# The official image's healthcheck.sh, for the two checks the template uses:
# --connect (the server accepts a connection) and --innodb_initialized. It runs as
# root inside the container and logs in through the socket.
set -eu
for check in "$@"; do
  case $check in
    --connect) mariadb-admin --user=root --protocol=socket ping >/dev/null ;;
    --innodb_initialized)
      [ -f /var/lib/mysql/.initialised ] &&
        mariadb --user=root --protocol=socket -e "SELECT 1" >/dev/null ;;
  esac
done
