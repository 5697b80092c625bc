#!/usr/bin/python3
"""SIGTERM at the milter protocol level, without an MTA: a message counts as
in flight from MAIL FROM; a stop waits for it and says so; a second SIGTERM
stops the daemon at once (exit status 0, socket removed), leaving the
message to the MTA. A small milter protocol client stands in for the MTA.

Environment: COUNCIL_MILTER_BIN, COUNCIL_SOURCE_DIR (set by ctest).
"""

import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from opslib import Filter, MilterClient, check, finish, wait_for  # noqa: E402


def main():
    with Filter("council-stop-") as f:
        f.start()
        proc, log = f.proc, f.log
        client = MilterClient(f.path)   # kept open: the message stays in flight
        client.begin_message()

        proc.send_signal(signal.SIGTERM)
        wait_for("the filter to wait for the message", lambda:
                 "waiting for 1 message(s) in flight" in log())
        check(proc.poll() is None, "still running while the message is in flight")
        proc.send_signal(signal.SIGTERM)
        status = f.exit_status()
        check(status == 0, "exit status after a second SIGTERM", status, 0)
        check("stopping with 1 message(s) still in flight" in log(),
              "the message left to the MTA is logged", log()[-500:])
        check(not os.path.exists(f.path), "socket removed", f.path, "gone")
    finish("stop signals")


if __name__ == "__main__":
    main()
