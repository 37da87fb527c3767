#!/usr/bin/env python3
"""A pseudo-terminal for press-sim serve: prints "PTY <path>" on stdout, then relays bytes
between the terminal's master side and its own stdin/stdout until stdin closes.
The slave side is kept open here so a client closing it does not end the bridge."""
import os
import select
import sys
import tty

master, slave = os.openpty()
tty.setraw(slave)
sys.stdout.write("PTY %s\n" % os.ttyname(slave))
sys.stdout.flush()
out = sys.stdout.buffer
stdin = sys.stdin.buffer.fileno()
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
            break
        view = memoryview(data)
        while view:
            written = os.write(master, view)
            view = view[written:]
