#!/bin/sh
# The official image's contract: MARIADB_ROOT_PASSWORD(_FILE), MARIADB_ROOT_HOST, MARIADB_DATABASE,
# MARIADB_USER, MARIADB_PASSWORD(_FILE); initialise /var/lib/mysql on first start,
# running /docker-entrypoint-initdb.d/*.sql.
set -eu
[ -n "${MARIADB_ROOT_PASSWORD_FILE:-}" ] && MARIADB_ROOT_PASSWORD=$(cat "$MARIADB_ROOT_PASSWORD_FILE")
[ -n "${MARIADB_PASSWORD_FILE:-}" ] && MARIADB_PASSWORD=$(cat "$MARIADB_PASSWORD_FILE")
: "${MARIADB_ROOT_PASSWORD:?MARIADB_ROOT_PASSWORD must be set}"
mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld /var/lib/mysql
if [ ! -d /var/lib/mysql/mysql ]; then
  mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null
  {
    # Bootstrap mode starts without the grant tables; load them first.
    echo "FLUSH PRIVILEGES;"
    echo "ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('$MARIADB_ROOT_PASSWORD');"
    # As the official image: root may also log in from MARIADB_ROOT_HOST (default: anywhere).
    root_host=${MARIADB_ROOT_HOST:-%}
    if [ "$root_host" != localhost ]; then
      echo "CREATE USER 'root'@'$root_host' IDENTIFIED BY '$MARIADB_ROOT_PASSWORD';"
      echo "GRANT ALL ON *.* TO 'root'@'$root_host' WITH GRANT OPTION;"
    fi
    if [ -n "${MARIADB_DATABASE:-}" ]; then
      echo "CREATE DATABASE IF NOT EXISTS \`$MARIADB_DATABASE\` CHARACTER SET utf8mb4;"
    fi
    if [ -n "${MARIADB_USER:-}" ]; then
      echo "CREATE USER '$MARIADB_USER'@'%' IDENTIFIED BY '${MARIADB_PASSWORD:-}';"
      [ -n "${MARIADB_DATABASE:-}" ] && echo "GRANT ALL ON \`$MARIADB_DATABASE\`.* TO '$MARIADB_USER'@'%';"
    fi
    echo "FLUSH PRIVILEGES;"
    for script in /docker-entrypoint-initdb.d/*.sql; do
      [ -f "$script" ] && { echo "USE mysql;"; cat "$script"; }
    done
  } >/tmp/init.sql
  mariadbd --user=mysql --bootstrap </tmp/init.sql
  rm -f /tmp/init.sql
  touch /var/lib/mysql/.initialised
fi
if [ "$1" = mariadbd ]; then exec "$@" --user=mysql --bind-address=0.0.0.0; fi
exec "$@"
