#!/usr/bin/env python3
"""producer.py: an inference process that feeds a maskstream job.

It creates a job with "producer":"external" over the REST API, prints its
id and the command that watches it, then publishes a growing two-label
sphere (label 2 inside label 1) at 1 Hz for about ten seconds, with its
progress, and completes the job.  Nothing but Python's standard library:
urllib for HTTP, zlib for the deflated previews (docs/protocol.md,
"Publishing").

    python3 docs/examples/producer.py --url http://127.0.0.1:8080
"""

import argparse
import json
import sys
import time
import urllib.error
import urllib.request
import zlib


def request(url, method, data=None, headers=None):
    """One HTTP request; returns (status, body bytes)."""
    req = urllib.request.Request(url, data=data, method=method,
                                 headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def create_job(base, shape, seconds, api_key):
    """POST /api/jobs for an external job of two labels; the resource."""
    spec = {"shape": shape, "producer": "external", "labels": 2,
            "duration_s": seconds, "producer_timeout_s": 30}
    headers = {"Content-Type": "application/json"}
    if api_key:
        headers["Authorization"] = "Bearer " + api_key
    status, body = request(base + "/api/jobs", "POST",
                           json.dumps(spec).encode(), headers)
    if status != 201:
        sys.exit("producer.py: creating the job: HTTP %d: %s"
                 % (status, body.decode(errors="replace").strip()))
    return json.loads(body)


def sphere(pshape, fraction):
    """The preview's voxels: a sphere growing with fraction (0..1),
    label 2 inside its inner half, label 1 in the rest of it."""
    z, y, x = pshape
    cz, cy, cx = (z - 1) / 2, (y - 1) / 2, (x - 1) / 2
    radius = 0.45 * min(z, y, x) * (0.2 + 0.8 * fraction)
    out = bytearray(z * y * x)
    i = 0
    for k in range(z):
        dz = (k - cz) ** 2
        for j in range(y):
            dzy = dz + (j - cy) ** 2
            for m in range(x):
                d = dzy + (m - cx) ** 2
                if d <= (radius / 2) ** 2:
                    out[i] = 2
                elif d <= radius ** 2:
                    out[i] = 1
                i += 1
    return bytes(out)


def publish(base, job, what, token, body, ctype, encoding=None):
    """PUT or POST to /api/jobs/{id}/{what} with the producer token."""
    headers = {"Authorization": "Bearer " + token, "Content-Type": ctype}
    if encoding:
        headers["Content-Encoding"] = encoding
    method = "PUT" if what == "preview" else "POST"
    status, reply = request("%s/api/jobs/%s/%s" % (base, job, what), method,
                            body, headers)
    if status != 202:
        sys.exit("producer.py: %s %s: HTTP %d: %s"
                 % (method, what, status, reply.decode(errors="replace")
                    .strip()))
    return json.loads(reply)["seq"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", default="http://127.0.0.1:8080",
                    help="the server nginx answers on")
    ap.add_argument("--seconds", type=int, default=10,
                    help="how long to publish, one preview a second")
    ap.add_argument("--shape", default="64,128,128",
                    help="the volume's z,y,x")
    ap.add_argument("--api-key", default=None,
                    help="where creating jobs needs an API key")
    args = ap.parse_args()
    base = args.url.rstrip("/")
    shape = [int(v) for v in args.shape.split(",")]

    job = create_job(base, shape, args.seconds, args.api_key)
    jid, ptoken = job["id"], job["producer_token"]
    pshape = job["preview"]["shape"]
    print("job %s, preview %s" % (jid, "x".join(map(str, pshape))))
    print("watch it: maskstream-view --url %s --job %s --token=%s"
          % (base, jid, job["token"]), flush=True)

    start = time.monotonic()
    for tick in range(args.seconds):
        fraction = (tick + 1) / args.seconds
        voxels = sphere(pshape, fraction)
        seq = publish(base, jid, "preview", ptoken, zlib.compress(voxels),
                      "application/octet-stream", "deflate")
        publish(base, jid, "progress", ptoken,
                json.dumps({"progress": int(100 * fraction),
                            "eta_s": args.seconds - tick - 1}).encode(),
                "application/json")
        print("preview %d published, seq %d" % (tick + 1, seq), flush=True)
        time.sleep(max(0.0, start + tick + 1 - time.monotonic()))
    publish(base, jid, "complete", ptoken,
            json.dumps({"state": "succeeded"}).encode(), "application/json")
    print("job %s completed" % jid)


if __name__ == "__main__":
    main()
