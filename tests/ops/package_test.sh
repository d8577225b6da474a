#!/usr/bin/env bash
# `make package`: the .deb an operator installs. Its control fields and files, the systemd unit
# (hardening, the data directory it may write matching the packaged configuration, systemd-analyze verify
# when systemd's tools are here), the maintainer scripts, and the packaged program started from the
# unpacked package with the packaged configuration: it finds its presets and serves the console.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/ops/lib.sh
tmp=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

build_out=$(make --no-print-directory package PACKAGE_DIR="$tmp/out" 2>&1)
rc=$?
echo "$build_out" | tail -3 | sed 's/^/    /'
check "make package succeeds" test "$rc" -eq 0
debs=("$tmp"/out/watchfloor_*.deb)
check "it writes one .deb" test "${#debs[@]}" -eq 1 -a -f "${debs[0]}"
deb=${debs[0]}
[ -f "$deb" ] || { finish; exit 1; }

field() { dpkg-deb -f "$deb" "$1"; }
version=$(sed -n 's/^project(watchfloor VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
check "control: Package watchfloor, Version $version, Architecture amd64" \
  test "$(field Package) $(field Version) $(field Architecture)" = "watchfloor $version amd64"
check "control: a Maintainer and a Description" test -n "$(field Maintainer)" -a -n "$(field Description)"
depends=$(field Depends)
for dep in adduser tzdata fonts-noto-core libsqlite3-0 libsodium23 libssl3 libavcodec59 libpangocairo-1.0-0; do
  check "control: depends on $dep" grep -q "\b$dep\b" <<<"$depends"
done

contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
for f in ./usr/bin/watchfloor ./usr/share/watchfloor/web/dist/index.html ./usr/share/watchfloor/presets/org-2017.json \
  ./usr/share/watchfloor/presets/org-2025.json ./usr/share/watchfloor/templates/coordination-request.tmpl \
  ./usr/lib/systemd/system/watchfloor.service ./usr/lib/systemd/system/watchfloor-recorder.service \
  ./etc/watchfloor/watchfloor.toml ./usr/share/doc/watchfloor/operator-guide.md ./usr/share/doc/watchfloor/recorder.toml.example; do
  check "contains $f" grep -qxF "$f" <<<"$contents"
done
check "holds no simulator, test or build files" bash -c '! grep -Eq "camsim|unit_tests|fuzz|CMakeFiles|node_modules" <<<"$1"' _ "$contents"

dpkg-deb -e "$deb" "$tmp/control"
check "/etc/watchfloor/watchfloor.toml is a conffile (an upgrade keeps the operator's edits)" \
  grep -qxF /etc/watchfloor/watchfloor.toml "$tmp/control/conffiles"
for s in postinst prerm postrm; do
  check "$s is an executable, valid shell script" bash -c 'test -x "$1" && sh -n "$1"' _ "$tmp/control/$s"
done
check "postinst creates the system account watchfloor" grep -q 'adduser --system --group .* watchfloor$' "$tmp/control/postinst"
check "postinst creates the data directory, owner-only" \
  grep -q 'install -d -m 0700 -o watchfloor -g watchfloor /var/lib/watchfloor' "$tmp/control/postinst"

dpkg-deb -x "$deb" "$tmp/root"
unit=$tmp/root/usr/lib/systemd/system/watchfloor.service
for line in User=watchfloor Group=watchfloor ProtectSystem=strict ReadWritePaths=/var/lib/watchfloor NoNewPrivileges=yes \
  PrivateTmp=yes Restart=on-failure "ExecStart=/usr/bin/watchfloor serve --config /etc/watchfloor/watchfloor.toml"; do
  check "unit: $line" grep -qxF "$line" "$unit"
done
config=$tmp/root/etc/watchfloor/watchfloor.toml
check "the configuration's data_dir is the directory the unit lets the service write" \
  grep -qxF "data_dir = \"$(sed -n 's/^ReadWritePaths=//p' "$unit")\"" "$config"
recorder_unit=$tmp/root/usr/lib/systemd/system/watchfloor-recorder.service
for line in User=watchfloor ProtectSystem=strict ReadWritePaths=/var/lib/watchfloor NoNewPrivileges=yes \
  "ExecStart=/usr/bin/watchfloor recorder --config /etc/watchfloor/recorder.toml" RestartPreventExitStatus=3; do
  check "recorder unit: $line" grep -qxF "$line" "$recorder_unit"
done
if command -v systemd-analyze >/dev/null; then
  # verify wants ExecStart's program on this machine: point it at the unpacked one.
  mkdir -p "$tmp/unit"
  for u in "$unit" "$recorder_unit"; do
    sed "s|^ExecStart=/usr/bin/watchfloor|ExecStart=$tmp/root/usr/bin/watchfloor|" "$u" >"$tmp/unit/$(basename "$u")"
    verify=$(systemd-analyze verify "$tmp/unit/$(basename "$u")" 2>&1)
    rc=$?
    [ -n "$verify" ] && echo "$verify" | sed 's/^/    /'
    check "systemd-analyze verify accepts $(basename "$u") without a warning" test "$rc" -eq 0 -a -z "$verify"
  done
else
  echo "skip - systemd-analyze verify (no systemd-analyze on this machine)"
fi

bin=$tmp/root/usr/bin/watchfloor
check "the packaged program reads the packaged configuration" \
  bash -c '"$1" migrate --config "$2" --data "$3" | grep -q "schema version"' _ "$bin" "$config" "$tmp/data"
"$bin" serve --config "$config" --data "$tmp/data" --listen 127.0.0.1:0 --metrics-listen "" >"$tmp/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do grep -q 'listening on' "$tmp/serve.log" && break; sleep 0.1; done
port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$tmp/serve.log")
check "its first start imports the packaged 2017 organisation and creates admin" \
  grep -q 'created administrator "admin"' "$tmp/serve.log"
check "it serves the packaged console" \
  bash -c 'curl -sf "http://127.0.0.1:$1/" | grep -q "<html lang=\"vi\">"' _ "$port"
finish
