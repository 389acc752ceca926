"""A loopback SMTP sink for the benches: accepts all mail; with --log, one line per recipient.

    .venv/bin/python bench/load/smtp_sink.py --port 2525 [--log var/bench/sink.log] [--delay 0.002]

Each line is written and flushed before the server answers 250, so a line means "accepted".
Without --log the messages are only accepted. Runs until SIGTERM (`common.smtp_sink` starts
and stops it).
"""

import argparse
import asyncio
import signal

from aiosmtpd.controller import Controller


class LoggingSink:
    def __init__(self, path: str | None, delay: float):
        # Open for the server's life.
        self.handle = open(path, "a", buffering=1) if path else None  # noqa: SIM115
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.handle:
            for address in envelope.rcpt_tos:
                self.handle.write(address.lower() + "\n")
            self.handle.flush()
        return "250 OK"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", help="a file to append each accepted recipient to")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds per message")
    args = parser.parse_args()
    controller = Controller(
        LoggingSink(args.log, args.delay), hostname="127.0.0.1", port=args.port
    )
    controller.start()
    stopped = asyncio.Event()
    loop = asyncio.new_event_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopped.set)
    loop.run_until_complete(stopped.wait())
    controller.stop()


if __name__ == "__main__":
    main()
