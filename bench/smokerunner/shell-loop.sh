#!/usr/bin/env bash
# The plan's own approach to phase 8 (deployment-scripts/smoke-tests.sh), made complete: one
# `mariadb`/`psql` client call per check, in a bash loop. Same checks as the SmokeRunner except the
# foreign-source login (neither client can choose its source address).
# Usage: shell-loop.sh <state-dir> [rollout.yaml]   (a running, provisioned local stack)
set -uo pipefail
STATE=${1:?usage: shell-loop.sh <state-dir> [rollout.yaml]}
ESTATE=${2:-$(dirname "$0")/../../rollout.yaml}
RES=$STATE/resources.json; SEC=$STATE/secrets.json
CA=$(jq -r .caCertificate "$RES")
port() { jq -r --arg n "$1" '.resources[] | select(.name==$n) | .port' "$RES"; }
secret() { jq -r --arg n "$1" '.[$n] // empty' "$SEC"; }
THRESHOLD=$(awk '/^smoke:/{s=1} s&&/latencyThresholdMs:/{print $2; exit}' "$ESTATE")
PASS=0; FAIL=0
ok() { PASS=$((PASS+1)); }
bad() { FAIL=$((FAIL+1)); echo "FAIL: $*"; }

# "db server user" for every database of rollout.yaml (flow or block style entries).
mapfile -t DBS < <(awk '
  /^databases:/ {in_db=1; next}
  in_db && /^[^ #]/ {in_db=0}
  in_db && /^  [a-z0-9_]+:/ {if (name) print name, server, user; name=$1; sub(":", "", name); server=""; user=""}
  in_db && match($0, /server: *[a-z-]+/) {server=substr($0, RSTART, RLENGTH); sub(/server: */, "", server)}
  in_db && match($0, /user: *[a-z0-9_]+/) {user=substr($0, RSTART, RLENGTH); sub(/user: */, "", user)}
  END {if (name) print name, server, user}' "$ESTATE")

secret_name() { local db=$1 server=$2; if [ "$server" = external-postgres ]; then echo "PG_${db#mo_}_DB_PASS" | tr a-z A-Z; else echo "${db}_DB_PASS" | tr a-z A-Z; fi; }
my() { local p=$1 u=$2 pw=$3 db=$4; shift 4; MYSQL_PWD=$pw mariadb --no-defaults -h 127.0.0.1 -P "$p" -u "$u" --ssl --ssl-ca="$CA" -N -B "$db" "$@" 2>/dev/null; }
pg() { local p=$1 u=$2 pw=$3 db=$4 mode=${5:-verify-ca}; shift 5; PGPASSWORD=$pw psql -X -A -t "host=127.0.0.1 port=$p user=$u dbname=$db sslmode=$mode sslrootcert=$CA" "$@" 2>/dev/null; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

for row in "${DBS[@]}"; do
  read -r db server user <<<"$row"; p=$(port "$server"); pw=$(secret "$(secret_name "$db" "$server")")
  if [ "$server" = external-postgres ]; then
    pg "$p" "$user" "$pw" "$db" verify-ca -c "SELECT 1" >/dev/null && ok || bad "connect $db"
    t0=$(now_ms); pg "$p" "$user" "$pw" "$db" verify-ca -c "SELECT 1" >/dev/null; t=$(( $(now_ms) - t0 ))
    [ "$t" -le "$THRESHOLD" ] && ok || bad "latency $db ${t}ms"
    v=$(pg "$p" "$user" "$pw" "$db" verify-ca -c "SELECT version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
    [[ "$v" == TLSv1.[23] ]] && ok || bad "tls $db '$v'"
    pg "$p" "$user" "$pw" "$db" disable -c "SELECT 1" >/dev/null && bad "plaintext accepted $db" || ok
    for other in $(printf '%s\n' "${DBS[@]}" | awk -v s="$server" -v me="$db" '$2==s && $1!=me {print $1}') postgres template1; do
      pg "$p" "$user" "$pw" "$other" verify-ca -c "SELECT 1" >/dev/null && bad "$user reached $other" || ok
    done
  else
    my "$p" "$user" "$pw" "$db" -e "SELECT 1" >/dev/null && ok || bad "connect $db"
    t0=$(now_ms); my "$p" "$user" "$pw" "$db" -e "SELECT 1" >/dev/null; t=$(( $(now_ms) - t0 ))
    [ "$t" -le "$THRESHOLD" ] && ok || bad "latency $db ${t}ms"
    v=$(my "$p" "$user" "$pw" "$db" -e "SHOW SESSION STATUS LIKE 'Ssl_version'" | cut -f2)
    [[ "$v" == TLSv1.[23] ]] && ok || bad "tls $db '$v'"
    MYSQL_PWD=$pw mariadb --no-defaults -h 127.0.0.1 -P "$p" -u "$user" --skip-ssl "$db" -e "SELECT 1" >/dev/null 2>&1 && bad "plaintext accepted $db" || ok
    for other in $(printf '%s\n' "${DBS[@]}" | awk -v s="$server" -v me="$db" '$2==s && $1!=me {print $1}') mysql; do
      my "$p" "$user" "$pw" "$db" -e "USE \`$other\`" >/dev/null && bad "$user reached $other" || ok
    done
    if [ "$server" = plesk ]; then   # no admin on the existing host: what the user sees of itself
      my "$p" "$user" "$pw" "$db" -e "SELECT CURRENT_USER()" | grep -q '%' && bad "$user wildcard host" || ok
      [ "$(my "$p" "$user" "$pw" "$db" -e "SELECT @@global.require_secure_transport")" = 1 ] && ok || bad "plesk require_secure_transport"
      [ "$(my "$p" "$user" "$pw" "$db" -e "SELECT COUNT(*) FROM information_schema.USER_PRIVILEGES WHERE PRIVILEGE_TYPE <> 'USAGE'")" = 0 ] && ok || bad "$user global privileges"
    fi
  fi
done

# Baselines with the admin accounts.
mp=$(port external-mariadb); apw=$(secret ROLLOUT_ADMIN_PASS_EXTERNAL_MARIADB)
adm() { my "$mp" rollout_admin "$apw" "" -e "$1"; }
[ "$(adm "SELECT COUNT(*) FROM mysql.global_priv WHERE User = ''")" = 0 ] && ok || bad "anonymous users"
[ "$(adm "SELECT COUNT(*) FROM mysql.global_priv WHERE User = 'root' AND Host NOT IN ('localhost','127.0.0.1','::1')")" = 0 ] && ok || bad "remote root"
[ "$(adm "SELECT COUNT(*) FROM mysql.global_priv WHERE User LIKE 'svc\_%' AND Host LIKE '%\%%'")" = 0 ] && ok || bad "wildcard hosts"
[ "$(adm "SELECT @@global.require_secure_transport")" = 1 ] && ok || bad "require_secure_transport"
[ "$(adm "SELECT COUNT(*) FROM mysql.global_priv WHERE User LIKE 'svc\_%' AND COALESCE(JSON_VALUE(Priv, '$.ssl_type'), 0) = 0")" = 0 ] && ok || bad "REQUIRE SSL"
[ "$(adm "SELECT COUNT(*) FROM information_schema.USER_PRIVILEGES WHERE GRANTEE LIKE '''svc\_%' AND PRIVILEGE_TYPE <> 'USAGE'")" = 0 ] && ok || bad "global privileges"
pp=$(port external-postgres); ppw=$(secret ROLLOUT_ADMIN_PASS_EXTERNAL_POSTGRES)
padm() { pg "$pp" rollout_admin "$ppw" postgres verify-ca -c "$1"; }
[ "$(padm "SHOW ssl")" = on ] && ok || bad "pg ssl"
[ "$(padm "SHOW password_encryption")" = scram-sha-256 ] && ok || bad "pg password_encryption"
[ "$(padm "SELECT COUNT(*) FROM pg_database d, aclexplode(COALESCE(d.datacl, acldefault('d', d.datdba))) a WHERE a.grantee = 0 AND a.privilege_type = 'CONNECT' AND d.datname LIKE 'mo\_%'")" = 0 ] && ok || bad "PUBLIC CONNECT"
[ "$(padm "SELECT COUNT(*) FROM pg_roles WHERE rolname LIKE 'svc\_%' AND (rolsuper OR rolcreaterole OR rolcreatedb)")" = 0 ] && ok || bad "powerful roles"
[ "$(padm "SELECT COUNT(*) FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE d.datname LIKE 'mo\_%' AND r.rolname <> 'svc_' || substr(d.datname, 4)")" = 0 ] && ok || bad "pg owners"

echo "shell loop: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
