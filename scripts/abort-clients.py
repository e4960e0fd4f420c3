#!/usr/bin/env python3
"""Clients that abort mid-response (docs/performance.md, "Soak"): each connects (TLS with --tls, the
certificate is not checked), sends one GET, reads --read bytes of the answer and resets the connection
(SO_LINGER 0: RST, as a killed scraper or a timed-out proxy does). Prints how many got an answer.
  abort-clients.py [--tls] [--user U --password P] [--read BYTES] [--count N] [--parallel P] HOST PORT PATH
"""
import argparse, base64, socket, ssl, struct, sys
from concurrent.futures import ThreadPoolExecutor

a = argparse.ArgumentParser()
a.add_argument("host"); a.add_argument("port", type=int); a.add_argument("path")
a.add_argument("--tls", action="store_true")
a.add_argument("--user"); a.add_argument("--password")
a.add_argument("--read", type=int, default=100)
a.add_argument("--count", type=int, default=20)
a.add_argument("--parallel", type=int, default=4)
o = a.parse_args()
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
auth = ""
if o.user:
    auth = "Authorization: Basic " + base64.b64encode(f"{o.user}:{o.password}".encode()).decode() + "\r\n"
req = f"GET {o.path} HTTP/1.1\r\nHost: {o.host}:{o.port}\r\n{auth}Accept-Encoding: identity\r\n\r\n".encode()

def one(_):
    raw = socket.create_connection((o.host, o.port), timeout=30)
    s = ctx.wrap_socket(raw, server_hostname=o.host) if o.tls else raw
    try:
        s.sendall(req)
        got = b""
        while len(got) < o.read:
            b = s.recv(o.read - len(got))
            if not b:
                break
            got += b
        return got.startswith(b"HTTP/1.1 ")
    except OSError:
        return False
    finally:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()  # no close_notify: the fd goes, the kernel sends RST

with ThreadPoolExecutor(o.parallel) as ex:
    ok = sum(ex.map(one, range(o.count)))
print(f"{ok}/{o.count} answered before the reset")
