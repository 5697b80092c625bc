#!/usr/bin/python3
"""The Clerk's web page as a person uses it (issue 17): a headless Chromium
against the real council-review-web, its real root helper, the real
council-milter and a private Postfix.

- Three messages are held: two for Ashcombe (one of them hostile: script in
  its subject, display name, body, HTML body and attachment name), one for
  Bramley. The notice to Ashcombe's review_to links to the message's page.
- Bramley's reviewer signs in, sees Bramley's message only, and gets "not
  found" for both of Ashcombe's; signs out.
- Ashcombe's Clerk follows the notice's link, signs in (a session cookie
  planted before is replaced), sees the two held messages; the hostile one's
  payloads are on the page as text and nothing runs; POSTs without or with a
  wrong CSRF token do nothing; releases the first with a verdict (it reaches
  the sink with its notices) and returns the second with a note (the
  author's notice with the note arrives; the message never does); recent
  decisions show both; the pages fit a phone's width; signs out, and the
  session cookie is useless after.
- Paths outside the pages are 404; wrong passwords are rate-limited; the
  page runs as nobody with no capability; only root and the web user may
  talk to the helper. The journal has every action "via web" with its
  verdict, and every sign-in, failure and sign-out.

COUNCIL_SCREENSHOT_DIR (e.g. doc/): where the screenshots of the list and a
message page go; by default the test's temporary folder.
"""

import os
import pwd
import re
import subprocess

from council_e2e import (SOURCE_DIR, Env, body_of, check, free_port, header_values,
                         read_message, run, wait_for)
from web_e2e import Browser, Client, WebPage, add_reviewer, form_token

PASSWORD = "correct horse battery"
FOOTER = b"---- Council mail notice ----"
NOTE = "Please ask me to place orders: councillors cannot commit the council."
PAYLOADS = ["<script>alert('subject')</script>", "<script>alert('name')</script>",
            "<script>alert('html-escaped')</script>", "<img src=x onerror=alert('file')>.pdf"]


def send_held(env, path, mail_from, data=None):
    code, text = env.send(mail_from, ["accounts@benchcraft.example.com"],
                          data if data is not None else read_message(path))
    check(code == 250, "reply to %s (%s)" % (path, text), code, 250)
    qid = re.search(r"queued as ([0-9A-F]+)", text).group(1)
    wait_for("%s in the hold queue" % qid, lambda: qid in env.held())
    return qid


def wait_mail(env, what, predicate):
    return wait_for(what, lambda: next((m for m in env.delivered() if predicate(m)), None))


def subject(m):
    return " ".join(header_values(m["data"], "Subject"))


def no_script_ran(d, where):
    """No alert is open, and the page has nothing that could run."""
    from selenium.common.exceptions import NoAlertPresentException
    try:
        text = d.switch_to.alert.text
        raise AssertionError("%s: an alert ran: %s" % (where, text))
    except NoAlertPresentException:
        pass
    found = d.execute_script(
        "return document.querySelectorAll('script, img, iframe, object, embed, "
        "[onerror], [onclick], [onload], a[href^=\"javascript\"]').length")
    check(found == 0, "%s: elements that could run" % where, found, 0)


def page_text(d):
    """The page's text, or "" while it is being replaced by the next one."""
    from selenium.common.exceptions import WebDriverException
    try:
        return d.execute_script("return document.body ? document.body.innerText : ''")
    except WebDriverException:
        return ""


def sign_in(d, web, name, password=PASSWORD):
    from selenium.webdriver.common.by import By
    if "/signin" not in d.current_url:
        d.get(web.url("/signin"))
    d.find_element(By.ID, "name").send_keys(name)
    d.find_element(By.ID, "password").send_keys(password)
    d.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    wait_for("signed in as %s" % name, lambda: "Signed in as %s" % name in page_text(d),
             timeout=20)


def sign_out(d):
    from selenium.webdriver.common.by import By
    d.find_element(By.CSS_SELECTOR, "form.signout button").click()
    wait_for("signed out", lambda: "You have signed out" in page_text(d), timeout=20)


def fits_a_phone(d, web, paths):
    d.set_window_size(390, 844)
    for path in paths:
        d.get(web.url(path))
        wide = d.execute_script("return [document.documentElement.scrollWidth, "
                                "window.innerWidth]")
        check(wide[0] <= wide[1], "%s on a phone: no sideways scrolling" % path, wide,
              "scrollWidth <= innerWidth")


def screenshot(d, path, width):
    d.set_window_size(width, 800)
    height = d.execute_script("return document.documentElement.scrollHeight")
    d.set_window_size(width, min(height + 120, 4000))
    d.save_screenshot(path)


def accessible(d, where):
    """Every field has a label; one h1; the language said."""
    unlabelled = d.execute_script(
        "return Array.from(document.querySelectorAll('input:not([type=hidden]), textarea'))"
        ".filter(e => !document.querySelector('label[for=\"' + e.id + '\"]')).length")
    check(unlabelled == 0, "%s: fields without a label" % where, unlabelled, 0)
    h1 = d.execute_script("return document.querySelectorAll('h1').length")
    check(h1 == 1, "%s: one h1" % where, h1, 1)
    check(d.execute_script("return document.documentElement.lang") == "en-GB",
          "%s: lang" % where)


def test_clerk(env, web, ids, shots):
    from selenium.webdriver.common.by import By
    qid1, qid2, qid3 = ids
    review = wait_mail(env, "the review notice of %s" % qid1,
                       lambda m: "clerk@ashcombe-pc.gov.uk" in m["rcpts"] and
                       "Held for review" in subject(m) and qid1.encode() in m["data"])
    link = web.url("/held/%s" % qid1)
    check(link.encode() in body_of(review["data"]), "the notice links to the page",
          body_of(review["data"])[-700:], link)

    with Browser() as d:
        # -- Bramley's reviewer: her own, and nothing of Ashcombe's -------
        sign_in(d, web, "rita")
        body = d.find_element(By.TAG_NAME, "body").text
        check(qid3 in body and qid1 not in body and qid2 not in body,
              "rita's list: Bramley's only", body[:600], qid3)
        for q in (qid1, qid2):
            d.get(web.url("/held/%s" % q))
            check(d.find_element(By.TAG_NAME, "h1").text == "Not found",
                  "rita asks for Ashcombe's %s" % q, d.find_element(By.TAG_NAME, "h1").text,
                  "Not found")
        sign_out(d)

        # -- the Clerk, from the notice's link; a planted cookie replaced --
        d.get(web.url("/signin"))
        planted = "A" * 43
        d.add_cookie({"name": "council_session", "value": planted, "path": "/"})
        d.get(link)
        check("/signin?next=/held/%s" % qid1 in d.current_url, "the link asks to sign in",
              d.current_url, "/signin?next=...")
        accessible(d, "the sign-in page")
        sign_in(d, web, "clerk")
        check(d.current_url == link, "signed in, on the linked page", d.current_url, link)
        cookie = d.get_cookie("council_session")
        check(cookie["value"] != planted and cookie["httpOnly"] and
              cookie["sameSite"] == "Strict", "the session cookie", cookie,
              "new, HttpOnly, SameSite=Strict")
        accessible(d, "a message's page")

        d.get(web.url("/held"))
        body = d.find_element(By.TAG_NAME, "body").text
        check(qid1 in body and qid2 in body and qid3 not in body,
              "the Clerk's list: Ashcombe's two", body[:800], (qid1, qid2))
        # The display name: the journal has the directory's (the message's
        # is on its page).
        check(PAYLOADS[0] in body, "the list shows the subject as text", body[:800],
              PAYLOADS[0])
        no_script_ran(d, "the list")
        d.get(web.url("/held/%s" % qid2))
        body = d.find_element(By.TAG_NAME, "body").text
        for p in PAYLOADS:
            check(p in body, "the hostile message shows [%s] as text" % p, body[:1500], p)
        no_script_ran(d, "the hostile message")
        fits_a_phone(d, web, ["/held", "/held/%s" % qid1, "/held/%s" % qid2])
        d.set_window_size(1200, 1400)

        # -- forms without the session's token do nothing ------------------
        c = Client(web.port)
        c.cookies["council_session"] = cookie["value"]
        status, _, _ = c.request("POST", "/held/%s/release" % qid1,
                                 {"verdict": "breach", "confirm": "yes"})
        check(status == 403, "a POST without the CSRF token", status, 403)
        status, _, _ = c.request("POST", "/held/%s/release" % qid1,
                                 {"csrf": "x" * 43, "verdict": "breach", "confirm": "yes"})
        check(status == 403, "a POST with a wrong CSRF token", status, 403)
        check(qid1 in env.held(), "still held after the refused POSTs", env.held(), qid1)

        # -- return, with a note ------------------------------------------
        d.get(web.url("/held/%s" % qid2))
        d.find_element(By.ID, "return-breach").click()
        d.find_element(By.ID, "return-note").send_keys(NOTE)
        d.find_element(By.CSS_SELECTOR, "form[action$='/return'] button").click()
        wait_for("the confirmation", lambda: "Return this message to its author?" in
                 page_text(d), timeout=20)
        check(qid2 in env.held(), "not returned before confirming", env.held(), qid2)
        d.find_element(By.XPATH, "//button[text()='Yes, return it to its author']").click()
        wait_for("the flash", lambda: ("Returned %s" % qid2) in page_text(d), timeout=20)
        screenshot(d, os.path.join(shots, "web-held-list.png"), 1000)
        screenshot(d, os.path.join(shots, "web-held-list-phone.png"), 390)
        returned = wait_mail(env, "the author's notice",
                             lambda m: "cllr.smith@ashcombe-pc.gov.uk" in m["rcpts"] and
                             "was not sent" in subject(m))
        flat = b" ".join(body_of(returned["data"]).split())
        check(NOTE.encode() in flat, "the author's notice has the note", flat[:600], NOTE)
        check(not any(b"web-hostile@ashcombe-pc.gov.uk" in m["data"] and
                      "accounts@benchcraft.example.com" in m["rcpts"]
                      for m in env.delivered()), "the returned message never delivered")

        # -- release, with a verdict and a confirmation --------------------
        d.get(link)
        screenshot(d, os.path.join(shots, "web-message.png"), 1000)
        d.find_element(By.ID, "release-breach-allowed").click()
        d.find_element(By.ID, "release-note").send_keys("Confirmed with the supplier.")
        d.find_element(By.CSS_SELECTOR, "form[action$='/release'] button").click()
        wait_for("the confirmation", lambda: "Release this message?" in page_text(d),
                 timeout=20)
        check(qid1 in env.held(), "not released before confirming", env.held(), qid1)
        d.find_element(By.XPATH, "//button[text()='Yes, release it']").click()
        wait_for("the flash", lambda: ("Released %s" % qid1) in page_text(d), timeout=20)
        released = wait_mail(env, "the released message at the sink",
                             lambda m: b"demo-06.obligation@ashcombe-pc.gov.uk" in m["data"] and
                             "accounts@benchcraft.example.com" in m["rcpts"])
        check(FOOTER in body_of(released["data"]), "released with its footer")
        results = header_values(released["data"], "Council-Policy-Results")
        check(len(results) == 1 and "action=hold" in results[0],
              "released with its result header", results, "action=hold")

        d.get(web.url("/decisions"))
        body = d.find_element(By.TAG_NAME, "body").text
        for want in (qid1, qid2, "A breach, but allowed", "A breach, held rightly",
                     "clerk (web)", PAYLOADS[0]):
            check(want in body, "recent decisions show [%s]" % want, body[:1200], want)
        no_script_ran(d, "recent decisions")

        # -- signing out ends the session ----------------------------------
        kept = d.get_cookie("council_session")["value"]
        d.get(web.url("/held"))
        sign_out(d)
    c = Client(web.port)
    c.cookies["council_session"] = kept
    status, headers, _ = c.request("GET", "/held")
    check(status == 303 and headers.get("location") == "/signin?next=/held",
          "the session cookie after signing out", (status, headers.get("location")),
          "303 to sign in")


def test_doors(env, web):
    """Paths, sign-in limits, the page's privileges and the helper's door."""
    c = Client(web.port)
    for path in ("/../../etc/passwd", "/held/../../../etc/passwd",
                 "/held/..%2f..%2fetc%2fpasswd", "/style.css/../../etc/shadow",
                 "/%2e%2e/%2e%2e/etc/passwd", "/etc/passwd"):
        status, _, text = c.request("GET", path)
        check(status == 404 and "root:" not in text, "GET %s" % path, status, 404)

    status, _, html = c.request("GET", "/signin")
    token = form_token(html)
    for i in range(5):
        status, _, html = c.request("POST", "/signin", {"csrf": token, "name": "locked",
                                                        "password": "not the password"})
        check(status == 200 and "do not match" in html, "wrong password %d" % i, status, 200)
        token = form_token(html)
    status, _, html = c.request("POST", "/signin", {"csrf": token, "name": "locked",
                                                    "password": PASSWORD})
    check(status == 429 and "Too many attempts" in html and "council_session" not in c.cookies,
          "the right password after five wrong ones", status, 429)

    nobody = pwd.getpwnam("nobody")
    with open("/proc/%d/status" % web.pid("web")) as f:
        st = f.read()
    uids = re.search(r"^Uid:\s+(.*)$", st, re.M).group(1).split()
    check(set(uids) == {str(nobody.pw_uid)}, "the page runs as nobody", uids, nobody.pw_uid)
    cap = re.search(r"^CapEff:\s+(\S+)", st, re.M).group(1)
    check(int(cap, 16) == 0, "the page holds no capability", cap, 0)

    sock = os.path.join(env.root, "helper.sock")
    r = subprocess.run(["setpriv", "--reuid", "daemon", "--regid", "daemon", "--clear-groups",
                        "/usr/bin/python3", "-c",
                        "import socket,sys; s=socket.socket(socket.AF_UNIX); "
                        "s.connect(sys.argv[1]); "
                        "s.sendall(b'{\"op\":\"list\",\"reviewer\":\"clerk\"}\\n'); "
                        "print(s.recv(100))", sock], capture_output=True, text=True, timeout=30)
    check(r.returncode != 0 and "Permission denied" in r.stderr,
          "another user at the helper's socket", (r.returncode, r.stdout, r.stderr[-200:]),
          "refused")


def test():
    port = free_port()
    shots = os.environ.get("COUNCIL_SCREENSHOT_DIR")
    with Env("web") as env:
        conf = env.write_conf("tests/e2e/web.conf.in", authserv="e2e-web.council.invalid",
                              webport=str(port))
        for name, council in (("clerk", "ashcombe-pc.gov.uk"), ("rita", "bramley-tc.gov.uk"),
                              ("locked", "ashcombe-pc.gov.uk")):
            add_reviewer(env, conf, name, council, PASSWORD)
        env.start_milter(conf)
        env.start_postfix()
        qid1 = send_held(env, "tests/messages/demo/06-councillor-commits-council-to-pay.eml",
                         "cllr.smith@ashcombe-pc.gov.uk")
        qid2 = send_held(env, "tests/messages/web/hostile.eml",
                         "cllr.smith@ashcombe-pc.gov.uk")
        bramley = (read_message("tests/messages/demo/06-councillor-commits-council-to-pay.eml")
                   .replace(b"Cllr Jane Smith <cllr.smith@ashcombe-pc.gov.uk>",
                            b"Cllr Dev Shah <cllr.shah@bramley-tc.gov.uk>")
                   .replace(b"demo-06.obligation@ashcombe-pc.gov.uk",
                            b"web-bramley@bramley-tc.gov.uk"))
        qid3 = send_held(env, "Bramley's", "cllr.shah@bramley-tc.gov.uk", bramley)
        with WebPage(env, conf, port) as web:
            test_clerk(env, web, (qid1, qid2, qid3),
                       os.path.join(SOURCE_DIR, shots) if shots else env.root)
            test_doors(env, web)

        journal = env.journal()
        reviews = {(j["action"], j["queue_id"], j["by"], j["via"], j.get("verdict"))
                   for j in journal if j["event"] == "review"}
        for want in (("release", qid1, "clerk", "web", "breach-allowed"),
                     ("delete", qid2, "clerk", "web", "breach"),
                     ("show", qid2, "clerk", "web", None)):
            check(want in reviews, "journal: %s" % (want,), sorted(map(str, reviews)), want)
        check(not any(q == qid3 for _, q, _, _, _ in reviews) and
              not any(by == "rita" for _, _, by, _, _ in reviews),
              "journal: nothing done to Bramley's, nor by rita", reviews)
        sessions = [(j["action"], j["by"]) for j in journal if j["event"] == "web"]
        for want in (("signin", "rita"), ("signout", "rita"), ("signin", "clerk"),
                     ("signout", "clerk"), ("signin-refused", "locked")):
            check(want in sessions, "journal: %s" % (want,), sessions, want)
        check(sessions.count(("signin-failed", "locked")) == 5, "journal: five failures",
              sessions, 5)
        returned = [j for j in journal if j["event"] == "review" and j["action"] == "delete"]
        check(returned[0]["note"] == NOTE and
              returned[0]["notified"] == "cllr.smith@ashcombe-pc.gov.uk",
              "journal: the return's note and notice", returned[0], NOTE)
        env.stop_milter()


if __name__ == "__main__":
    run(test)
