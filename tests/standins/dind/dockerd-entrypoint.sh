#!/bin/sh
# The official image's contract: dockerd with the arguments given (flags only, or
# none); with DOCKER_TLS_CERTDIR set, a CA and server and client certificates made
# there on first start, and the engine on tcp 2376 with TLS verification, as well as on
# its unix socket.
set -eu
if [ "$#" -gt 0 ] && [ "${1#-}" = "$1" ]; then exec "$@"; fi
if [ -n "${DOCKER_TLS_CERTDIR:-}" ]; then
  dir=$DOCKER_TLS_CERTDIR
  if [ ! -s "$dir/server/cert.pem" ]; then
    mkdir -p "$dir/ca" "$dir/server" "$dir/client"
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=docker:dind-ca \
      -keyout "$dir/ca/key.pem" -out "$dir/ca/cert.pem" 2>/dev/null
    for side in server client; do
      openssl req -newkey rsa:2048 -nodes -subj "/CN=$side" \
        -keyout "$dir/$side/key.pem" -out "$dir/$side/csr.pem" 2>/dev/null
      if [ "$side" = server ]; then
        printf 'subjectAltName=DNS:docker,DNS:localhost,IP:127.0.0.1,DNS:%s\n' "$(hostname)" >"$dir/$side/ext"
      else
        printf 'extendedKeyUsage=clientAuth\n' >"$dir/$side/ext"
      fi
      openssl x509 -req -days 30 -in "$dir/$side/csr.pem" -CA "$dir/ca/cert.pem" \
        -CAkey "$dir/ca/key.pem" -CAcreateserial -extfile "$dir/$side/ext" \
        -out "$dir/$side/cert.pem" 2>/dev/null
      cp "$dir/ca/cert.pem" "$dir/$side/ca.pem"
    done
  fi
  set -- --host=unix:///var/run/docker.sock --host=tcp://0.0.0.0:2376 --tlsverify \
    --tlscacert "$dir/server/ca.pem" --tlscert "$dir/server/cert.pem" \
    --tlskey "$dir/server/key.pem" "$@"
fi
exec dockerd "$@"
