#!/usr/bin/python3
"""SIGUSR1 reloads the configuration: (a) a changed valid config judges the
next message (its council and authserv-id appear in the result header);
(b) a broken config is refused, every error logged with file:line, and the
config in force stays in force."""

from council_e2e import Env, check, header_values, read_message, run, wait_for

BEFORE = ("before.council.invalid", "Ashcombe Parish Council")
AFTER = ("after.council.invalid", "Ashcombe Town Council")


def send_and_check(env, n, want):
    msg = read_message("tests/messages/demo/02-councillor-blind-copies-councillor.eml")
    code, text = env.send("cllr.smith@ashcombe-pc.gov.uk", ["clerk@ashcombe-pc.gov.uk"], msg)
    check(code == 250, "reply to DATA (%s)" % text, code, 250)
    got = env.wait_delivered(n)[n - 1]
    results = header_values(got["data"], "Council-Policy-Results")
    check(len(results) == 1, "result headers", len(results), 1)
    authserv, council = want
    check(results[0].startswith(authserv + ";"), "authserv-id in the result header",
          results[0], authserv)
    check('"%s"' % council in results[0] or "=%s;" % council in results[0],
          "council in the result header", results[0], council)


def test():
    with Env("reload") as env:
        conf = env.write_conf("tests/e2e/ashcombe.conf.in", "council.conf",
                              authserv=BEFORE[0], council=BEFORE[1])
        env.start_milter(conf)
        env.start_postfix()
        send_and_check(env, 1, BEFORE)

        env.write_conf("tests/e2e/ashcombe.conf.in", "council.conf",
                       authserv=AFTER[0], council=AFTER[1])
        env.reload_milter()
        wait_for("the reload to be logged", lambda: "reloaded " in env.milter_log())
        send_and_check(env, 2, AFTER)

        env.write_conf("tests/e2e/broken.conf.in", "council.conf")
        env.reload_milter()
        wait_for("the refused reload to be logged",
                 lambda: "reload refused" in env.milter_log())
        log = env.milter_log()
        for want in ("council.conf:4:", "council.conf:10:"):
            check(want in log, "error with file:line in the log", log[-2000:], want)
        send_and_check(env, 3, AFTER)
        env.stop_milter()


if __name__ == "__main__":
    run(test)
