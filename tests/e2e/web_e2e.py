"""The Clerk's web page end to end: council-review-helper (root) and
council-review-web (dropping to an unprivileged user) started beside the
harness's Postfix and council-milter (council_e2e.Env), a plain HTTP client
that keeps cookies and never follows redirects, and a headless Chromium
driven by Selenium.

    with Env("web") as env, WebPage(env, conf) as web:
        web.url("/held")

Everything started here is stopped by pid when the block ends, and each
daemon must then exit 0 (under ASan: nothing leaked). Environment:
COUNCIL_WEB_BIN, COUNCIL_HELPER_BIN (the binaries under test).
"""

import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.parse

from council_e2e import MILTER_BIN, REVIEW_BIN, Failure, check, port_open, wait_for

BUILD = os.path.dirname(os.path.dirname(MILTER_BIN))
WEB_BIN = os.environ.get("COUNCIL_WEB_BIN", os.path.join(BUILD, "web", "council-review-web"))
HELPER_BIN = os.environ.get("COUNCIL_HELPER_BIN",
                            os.path.join(BUILD, "helper", "council-review-helper"))
# The page drops root to this account (the test's web.user).
WEB_USER = "nobody"


class WebPage:
    """council-review-helper and council-review-web for ENV on CONF (whose
    web.listen is 127.0.0.1:PORT and web.helper_socket ENV.root/helper.sock)."""

    def __init__(self, env, conf, port):
        self.env = env
        self.conf = conf
        self.port = port
        self.procs = {}
        self.logs = {}

    def __enter__(self):
        self.start("helper", [HELPER_BIN, "-c", self.conf, "-C", self.env.config_dir])
        wait_for("the helper to listen", lambda: "listening on" in self.log("helper"))
        self.start("web", [WEB_BIN, "-c", self.conf])
        wait_for("the web page to listen", lambda: port_open(self.port) and
                 "listening on" in self.log("web"))
        return self

    def __exit__(self, etype, value, tb):
        errors = []
        for name in ("web", "helper"):
            try:
                self.stop(name)
            except Failure as e:
                errors.append(str(e))
        if etype is not None or errors:
            for name in self.logs:
                sys.stderr.write("---- %s log ----\n%s" % (name, self.log(name)[-4000:]))
        if errors and etype is None:
            raise Failure("; ".join(errors))
        return False

    def start(self, name, argv):
        path = os.path.join(self.env.root, "%s.log" % name)
        with open(path, "wb") as log:
            self.procs[name] = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log,
                                                stderr=log)
        self.logs[name] = path

        def alive():
            if self.procs[name].poll() is not None:
                raise Failure("%s exited with %d at start:\n%s"
                              % (name, self.procs[name].returncode, self.log(name)))
            return True
        alive()

    def stop(self, name):
        proc = self.procs.pop(name, None)
        if proc is None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            status = proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise Failure("%s did not stop on SIGTERM" % name)
        check(status == 0, "%s's exit status after SIGTERM" % name, status, 0)

    def log(self, name):
        try:
            with open(self.logs[name], errors="replace") as f:
                return f.read()
        except (KeyError, OSError):
            return ""

    def pid(self, name):
        return self.procs[name].pid

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)


def add_reviewer(env, conf, name, council, password):
    r = subprocess.run([REVIEW_BIN, "-c", conf, "user", "add", name, "--council", council,
                        "--password-stdin"], input=password + "\n", capture_output=True,
                       text=True, timeout=60)
    check(r.returncode == 0, "council-review user add %s (%s)" % (name, r.stderr),
          r.returncode, 0)


class Client:
    """HTTP on the page without a browser: keeps cookies, follows nothing."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def request(self, method, path, form=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        h = dict(headers or {})
        if self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            h["Content-Type"] = "application/x-www-form-urlencoded"
        # http.client sends the path as it is: no normalising of ../
        conn.putrequest(method, path, skip_accept_encoding=True)
        for k, v in h.items():
            conn.putheader(k, v)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body.encode() if body is not None else None)
        r = conn.getresponse()
        text = r.read().decode("utf-8", "replace")
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                name, value = v.split(";", 1)[0].split("=", 1)
                if "Max-Age=0" in v:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = value
        conn.close()
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), text


def form_token(html):
    m = re.search(r'name="csrf" value="([^"]*)"', html)
    return m.group(1) if m else None


# The flags the brief of issue 17 gives for Chromium in CI, and no sandbox
# (root cannot have Chromium's).
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage"]


class Browser:
    """A headless Chromium in a profile of its own, closed at the end."""

    def __init__(self, width=1200, height=1400):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        self.profile = tempfile.mkdtemp(prefix="council-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for flag in CHROMIUM_FLAGS + ["--user-data-dir=" + self.profile,
                                      "--window-size=%d,%d" % (width, height)]:
            options.add_argument(flag)
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"),
                                       options=options)
        self.driver.set_page_load_timeout(30)

    def __enter__(self):
        return self.driver

    def __exit__(self, *exc):
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)
        return False
