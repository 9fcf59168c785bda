"""moto_server that keeps its data across a restart (the demo's moto; scripts/lib/moto.ts starts it).

moto holds everything in memory. This launcher logs every write it receives to a file with moto's
own recorder (MOTO_ENABLE_RECORDING, MOTO_RECORDER_FILEPATH), and, given `--replay <earlier log>`,
first replays that log into its empty memory, before it listens: a client never reads half of it.
The replayed writes are logged again to this run's file, so the next restart replays that one alone.

Reads (GET, HEAD, DynamoDB and Streams Get*/Scan/Query/Describe*/List*) change nothing and are not
logged, nor is what an event consumer does with a queue's messages (ReceiveMessage, a 20 s long poll,
and the deletes and visibility changes that follow it: replayed, they would only wait). S3 stamps
LastModified in whole seconds, and Lockboard tells a key's versions and lock windows apart by it:
when a write to a state or lock object was signed (X-Amz-Date) in a later second than the one before
it, the replay waits for the next wall-clock second, so the versions keep their order and stay apart.
Lockboard's own objects (`lockboard-*` prefixes: audit, claims, index) and other services' writes do
not wait, so the replay takes seconds however long the demo ran. Versions get new IDs and times
(moto makes them up; nothing Lockboard writes depends on them).

usage: python3 moto-persistent.py [--replay FILE] [moto_server arguments...]
"""

import base64
import json
import sys
import threading
import time
from urllib.parse import urlsplit

from moto.moto_api import recorder
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from moto.server import main
from werkzeug.test import Client

DYNAMODB_READS = ("Get", "BatchGet", "Scan", "Query", "Describe", "List")
QUEUE_CONSUMING = ("ReceiveMessage", "DeleteMessage", "DeleteMessageBatch", "ChangeMessageVisibility", "ChangeMessageVisibilityBatch")


def header(headers, name):
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return ""


def is_write(method, headers):
    if method in ("GET", "HEAD"):
        return False
    operation = header(headers, "x-amz-target").rpartition(".")[2]
    return not operation.startswith(DYNAMODB_READS) and operation not in QUEUE_CONSUMING


def paced(entry):
    """A write to a state or lock object (S3, path style): it keeps its second apart from the one before."""
    if entry["method"] not in ("PUT", "POST", "DELETE") or header(entry["headers"], "x-amz-target"):
        return False
    path = urlsplit(entry["url"]).path
    parts = path.split("/", 2)
    return len(parts) == 3 and parts[2] != "" and not parts[2].startswith("lockboard-")


record = recorder._record_request
one_at_a_time = threading.Lock()


def record_writes(request, body=None):
    if is_write(request.method, request.headers):
        # moto serves requests on threads; two long lines appended at once could interleave.
        with one_at_a_time:
            record(request, body)


recorder._record_request = record_writes


def replay(path):
    client = Client(DomainDispatcherApplication(create_backend_app))
    previous = None
    count = 0
    with open(path, encoding="utf-8") as log:
        for line in log:
            try:
                entry = json.loads(line)
            except ValueError:
                continue  # the line being written when moto was killed
            headers = {k: v for k, v in entry["headers"].items() if k.lower() not in ("content-length", "transfer-encoding")}
            if not is_write(entry["method"], headers):
                continue  # logged by an older launcher: a read or a queue consumer's call
            if paced(entry):
                signed = header(headers, "x-amz-date")
                if previous is not None and signed != previous:
                    time.sleep(1.01 - time.time() % 1)
                previous = signed
            body = entry.get("body") or ""
            data = base64.b64decode(body) if entry.get("body_encoded") else body.encode("utf-8")
            url = urlsplit(entry["url"])
            client.open(url.path, base_url=f"{url.scheme}://{url.netloc}", query_string=url.query, method=entry["method"], headers=headers, data=data)
            count += 1
    print(f"replayed {count} writes from {path}", flush=True)


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--replay"]:
        replay(args[1])
        args = args[2:]
    main(args)
