#!/usr/bin/python3
"""council-review-web serving HTTPS itself (web.tls_certificate, tls_key),
through libmicrohttpd and GnuTLS: the certificate and key are read before
root is dropped; the page answers over TLS 1.2 or later, its cookies are
Secure and it sends Strict-Transport-Security; plain HTTP on that port gets
no page. A certificate without its key is refused by the configuration.

No Postfix and no helper: the sign-in page needs neither.
"""

import http.client
import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile

from council_e2e import SOURCE_DIR, check, free_port, port_open, run, wait_for
from web_e2e import WEB_BIN

TLS = os.path.join(SOURCE_DIR, "tests", "e2e", "tls")
CONF = """authserv_id = "e2e-tls.council.invalid";
journal = "{root}/journal.jsonl";
phrase_dir = "{phrases}";
web = {{
  listen = "127.0.0.1:{port}";
  user = "nobody";
  helper_socket = "{root}/helper.sock";
  tls_certificate = "{root}/cert.pem";
  {key}
}};
councils = (
  {{
    name = "Ashcombe Parish Council";
    profile = "chard";
    domains = [ "ashcombe-pc.gov.uk" ];
    clerk = "clerk@ashcombe-pc.gov.uk";
    officers = ( {{ name = "Tom Brown"; addresses = [ "clerk@ashcombe-pc.gov.uk" ];
                   role = "clerk"; }} );
  }}
);
"""


def test():
    root = tempfile.mkdtemp(prefix="council-tls-")
    os.chmod(root, 0o755)
    port = free_port()
    proc = None
    try:
        # Root's alone, as a key should be: read before the drop to nobody.
        for name in ("cert.pem", "key.pem"):
            shutil.copy(os.path.join(TLS, name), os.path.join(root, name))
            os.chmod(os.path.join(root, name), 0o600)
        conf = os.path.join(root, "web.conf")
        phrases = os.path.join(SOURCE_DIR, "policy", "phrases")
        with open(conf, "w") as f:
            f.write(CONF.format(root=root, port=port, phrases=phrases, key=""))
        r = subprocess.run([WEB_BIN, "-c", conf], capture_output=True, text=True, timeout=60)
        check(r.returncode == 78 and "tls_certificate: is given without tls_key" in r.stderr,
              "a certificate without its key", (r.returncode, r.stderr), 78)
        with open(conf, "w") as f:
            f.write(CONF.format(root=root, port=port, phrases=phrases,
                                key='tls_key = "%s/key.pem";' % root))
        log = open(os.path.join(root, "web.log"), "wb")
        proc = subprocess.Popen([WEB_BIN, "-c", conf], stdin=subprocess.DEVNULL, stdout=log,
                                stderr=log)
        log.close()
        wait_for("the page to listen", lambda: port_open(port))

        ctx = ssl.create_default_context(cafile=os.path.join(TLS, "cert.pem"))
        conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=30)
        conn.request("GET", "/signin")
        resp = conn.getresponse()
        body = resp.read().decode()
        cookie = resp.getheader("Set-Cookie") or ""
        check(resp.status == 200 and "Sign in" in body, "GET /signin over TLS", resp.status, 200)
        check("; Secure" in cookie and "HttpOnly" in cookie, "the cookie over TLS", cookie,
              "Secure, HttpOnly")
        check(resp.getheader("Strict-Transport-Security") == "max-age=31536000",
              "Strict-Transport-Security", resp.getheader("Strict-Transport-Security"),
              "max-age=31536000")
        check(conn.sock.version() in ("TLSv1.2", "TLSv1.3"), "the TLS version",
              conn.sock.version(), "TLSv1.2 or TLSv1.3")
        conn.close()

        # Plain HTTP on the TLS port: no page.
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.sendall(b"GET /signin HTTP/1.1\r\nHost: x\r\n\r\n")
            try:
                got = s.recv(4096)
            except OSError:
                got = b""
        check(b"Sign in" not in got, "plain HTTP on the TLS port", got[:80], "no page")
    finally:
        if proc is not None:
            proc.send_signal(signal.SIGTERM)
            status = proc.wait(timeout=30)
            with open(os.path.join(root, "web.log"), errors="replace") as f:
                logged = f.read()
            check(status == 0, "exit status after SIGTERM (%s)" % logged[-800:], status, 0)
            check("listening on https://127.0.0.1:%d as nobody" % port in logged,
                  "it says it serves HTTPS as nobody", logged[-800:], "https, nobody")
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    run(test)
