#!/usr/bin/env python3
"""A pseudo-terminal for press-sim serve: prints "PTY <path>" on stdout, then relays bytes
between the terminal's master side and its own stdin/stdout until stdin closes.
The slave side is kept open here so a client closing it does not end the bridge.

Ctrl-C at the terminal reaches the whole process group: the bridge leaves it to press-sim,
which closes the bridge's stdin when it stops. Whatever ends the bridge (stdin closed,
press-sim gone so its stdout is a broken pipe, a SIGINT or SIGTERM of its own), it ends
quietly, without a traceback."""
import os
import select
import signal
import sys
import tty


def relay(master, stdin, out):
    while True:
        ready, _, _ = select.select([master, stdin], [], [])
        if master in ready:
            try:
                data = os.read(master, 4096)
            except OSError:
                data = b""
            if data:
                out.write(data)
                out.flush()
        if stdin in ready:
            data = os.read(stdin, 4096)
            if not data:
                return
            view = memoryview(data)
            while view:
                written = os.write(master, view)
                view = view[written:]


def main():
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    master, slave = os.openpty()
    tty.setraw(slave)
    sys.stdout.write("PTY %s\n" % os.ttyname(slave))
    sys.stdout.flush()
    relay(master, sys.stdin.buffer.fileno(), sys.stdout.buffer)


try:
    main()
except (KeyboardInterrupt, BrokenPipeError):
    pass
# Nothing is left to flush: exiting this way keeps Python from reporting a broken stdout at shutdown.
os._exit(0)
