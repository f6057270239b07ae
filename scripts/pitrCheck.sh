#!/usr/bin/env bash
# Point-in-time recovery with pgBackRest, as docs/operations.md (section 9) describes it, on a
# throwaway PostgreSQL 15 cluster in a temporary folder (its own port and socket; the machine's
# PostgreSQL is not touched): a full backup, a row, the moment to go back to, a row written by
# mistake, then a restore to that moment must hold the first row and not the second.
# Run as root on Debian with postgresql-15 and pgbackrest installed: bash scripts/pitrCheck.sh
set -euo pipefail
bin=/usr/lib/postgresql/15/bin
command -v pgbackrest >/dev/null || { echo "pgbackrest is not installed: apt-get install -y pgbackrest"; exit 1; }
[ -x "$bin/initdb" ] || { echo "PostgreSQL 15 is not installed in $bin"; exit 1; }
work=$(mktemp -d /tmp/cf-pitr-XXXXXX)
chown postgres "$work"
install -d -o postgres "$work/log" "$work/lock" "$work/spool" "$work/repo"
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
as_pg() { runuser -u postgres -- "$@"; }
pgbr() { as_pg pgbackrest --config="$work/pgbackrest.conf" --stanza=cf "$@"; }
sql() { as_pg "$bin/psql" -h "$work" -p "$port" -d postgres -XAtqc "$1"; }
cleanup() {
  as_pg "$bin/pg_ctl" -D "$work/main" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

as_pg "$bin/initdb" -D "$work/main" -A trust >/dev/null
cat >"$work/pgbackrest.conf" <<EOF
[global]
repo1-path=$work/repo
repo1-retention-full=2
log-path=$work/log
lock-path=$work/lock
spool-path=$work/spool
start-fast=y

[cf]
pg1-path=$work/main
pg1-port=$port
pg1-socket-path=$work
EOF
chown postgres "$work/pgbackrest.conf"
cat >>"$work/main/postgresql.conf" <<EOF
port = $port
listen_addresses = ''
unix_socket_directories = '$work'
wal_level = replica
archive_mode = on
archive_command = 'pgbackrest --config=$work/pgbackrest.conf --stanza=cf archive-push %p'
EOF
as_pg "$bin/pg_ctl" -D "$work/main" -l "$work/server.log" -w start >/dev/null
pgbr stanza-create
pgbr check
pgbr --type=full backup
echo "full backup: $(pgbr info | grep -c 'full backup') in the repository"
# pgBackRest recovers from a backup that stopped before the target, counted in whole seconds:
# the rows come after the second the backup stopped in.
stopped=$(pgbr info --output=json | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.parse(s)[0].backup.at(-1).timestamp.stop))")
until [ "$(sql 'SELECT extract(epoch FROM now())::bigint')" -gt "$stopped" ]; do sleep 0.1; done

sql "CREATE TABLE steps (what text); INSERT INTO steps VALUES ('answered before the mistake')"
target=$(sql "SELECT now()")
sql "INSERT INTO steps VALUES ('the mistake')"
# The WAL holding both rows goes to the repository.
sql "SELECT pg_switch_wal()" >/dev/null
pgbr check

as_pg "$bin/pg_ctl" -D "$work/main" -m fast -w stop >/dev/null
pgbr --delta --type=time "--target=$target" --target-action=promote restore
as_pg "$bin/pg_ctl" -D "$work/main" -l "$work/server.log" -w start >/dev/null
for _ in $(seq 1 300); do
  [ "$(sql 'SELECT pg_is_in_recovery()')" = f ] && break
  sleep 0.1
done
rows=$(sql "SELECT string_agg(what, ', ' ORDER BY what) FROM steps")
echo "recovered to $target: $rows"
if [ "$rows" = "answered before the mistake" ]; then
  echo "1 passed, 0 failed"
else
  echo "0 passed, 1 failed"
  exit 1
fi
