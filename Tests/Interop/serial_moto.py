"""moto's server, each request handled under one lock.

DynamoDB applies a conditional write atomically: of two `UpdateItem`s conditioned on the same
version, one fails. moto's threaded server checks the condition and writes the item in separate
Python steps, so two concurrent requests can both pass the check (measured here with 20 writers
of a dozen 400-byte attributes: two winners in 9 trials of 40). Gatehouse's refresh lease relies on
that atomicity, so the tests run moto with its requests serialised. Connections stay threaded:
only the handling of a request holds the lock.

Usage: python serial_moto.py [moto.server arguments]
"""

import sys
import threading

from moto.core.responses import BaseResponse
from moto.server import main

_lock = threading.RLock()
_dispatch = BaseResponse._dispatch


def _serialised(self, request, full_url, headers):
    with _lock:
        return _dispatch(self, request, full_url, headers)


BaseResponse._dispatch = _serialised

if __name__ == "__main__":
    main(sys.argv[1:])
