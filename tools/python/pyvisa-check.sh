#!/usr/bin/env bash
# npm run check:pyvisa: starts press-sim serve (TCP and PTY) and runs tools/python/pyvisa-check.py
# against both with the system Python, where Debian's python3-pyvisa-py installs.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! /usr/bin/python3 -c 'import pyvisa, pyvisa_py, serial' 2>/dev/null; then
  echo "check:pyvisa needs PyVISA with the pyvisa-py backend: sudo apt-get install python3-pyvisa-py python3-serial" >&2
  exit 2
fi
log=$(mktemp)
node bin/press-sim.mjs serve --tcp 0 --pty --speed 10 >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 100); do
  grep -q 'serial port on' "$log" && break
  sleep 0.1
done
tcp=$(sed -n 's#.*listening on tcp://\([^:]*\):\([0-9]*\).*#TCPIP::\1::\2::SOCKET#p' "$log")
pty=$(sed -n 's#.*serial port on \(/dev/\S*\).*#ASRL\1::INSTR#p' "$log")
/usr/bin/python3 tools/python/pyvisa-check.py "$tcp" "$pty"
