"""A real SMTP server for the browser journeys: every message it accepts becomes one .eml file.

Usage: python3 mailcatcher.py PORT DIRECTORY
"""

import asyncio
import os
import signal
import sys
import time

from aiosmtpd.controller import Controller


class SaveToDirectory:
    def __init__(self, directory: str) -> None:
        self.directory = directory
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        name = f"{time.time_ns()}-{self.count:04d}.eml"
        tmp = os.path.join(self.directory, f".{name}.tmp")
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8")
        recipients = ", ".join(envelope.rcpt_tos)
        with open(tmp, "wb") as f:
            # The envelope recipients, for tests that cannot rely on the To header alone.
            f.write(f"X-Envelope-To: {recipients}\r\n".encode("utf-8"))
            f.write(content)
        # Readers never see a half-written file.
        os.replace(tmp, os.path.join(self.directory, name))
        print(f"mailcatcher: {name} for {recipients}", flush=True)
        return "250 Message accepted for delivery"


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    port = int(sys.argv[1])
    directory = sys.argv[2]
    os.makedirs(directory, exist_ok=True)
    controller = Controller(SaveToDirectory(directory), hostname="127.0.0.1", port=port)
    controller.start()
    print(f"mailcatcher: listening on 127.0.0.1:{port}, writing to {directory}", flush=True)

    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        loop.run_until_complete(stop.wait())
    finally:
        controller.stop()
        loop.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
