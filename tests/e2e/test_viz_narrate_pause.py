#!/usr/bin/python3
"""`mailsim run FILE --narrate [en|es] --pause` waits for Enter between steps.

Runs the real binary on a pseudo-terminal (python's pty module), checks that the story stops
at each prompt until Enter is pressed, in English and Spanish. Env: MAILSIM (binary),
MAILSIM_SOURCE_DIR (repo root).
"""
import os
import pty
import select
import subprocess
import sys
import time

MAILSIM = os.environ.get("MAILSIM", "build/mailsim")
SRC = os.environ.get("MAILSIM_SOURCE_DIR", os.getcwd())
SCENARIO = os.path.join(SRC, "scenarios", "six-steps.json")
PROMPT = {"en": "-- press Enter for the next step --", "es": "-- pulse Intro para el paso siguiente --"}
STEP = {"en": "Step", "es": "Paso"}


class Term:
    def __init__(self, cmd):
        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave, close_fds=True)
        os.close(slave)
        self.seen = ""

    def read_until(self, text, timeout=20.0):
        """Reads until `text` appears after what was already consumed; False on exit or timeout."""
        end = time.time() + timeout
        while text not in self.seen:
            left = end - time.time()
            if left <= 0:
                return False
            r, _, _ = select.select([self.master], [], [], left)
            if not r:
                return False
            try:
                chunk = os.read(self.master, 65536).decode("utf-8", "replace")
            except OSError:  # EIO: the child closed the terminal
                return text in self.seen
            if not chunk:
                return text in self.seen
            self.seen += chunk
        return True

    def quiet_for(self, seconds):
        """True when nothing more is printed for `seconds` (the program waits for us)."""
        r, _, _ = select.select([self.master], [], [], seconds)
        if not r:
            return True
        try:
            self.seen += os.read(self.master, 65536).decode("utf-8", "replace")
        except OSError:
            pass
        return False

    def consume(self):
        out, self.seen = self.seen, ""
        return out

    def enter(self):
        os.write(self.master, b"\r")


def check_lang(lang):
    term = Term([MAILSIM, "run", SCENARIO, "--narrate", lang, "--pause"])
    failures = []
    assert term.read_until(PROMPT[lang]), f"no prompt: {term.seen!r}"
    first = term.consume()
    if f"{STEP[lang]} 1" not in first:
        failures.append(f"{lang}: step 1 not told before the first prompt")
    if f"{STEP[lang]} 2" in first:
        failures.append(f"{lang}: step 2 told before Enter")
    if not term.quiet_for(0.7):
        failures.append(f"{lang}: output went on without Enter: {term.seen!r}")
    steps_told = 1
    for _ in range(60):
        term.enter()
        if not term.read_until(PROMPT[lang]):
            break
        chunk = term.consume()
        steps_told += 1
        if STEP[lang] + " " not in chunk:
            failures.append(f"{lang}: a pause released no step: {chunk!r}")
    rest = term.seen
    try:
        rc = term.proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        term.proc.kill()
        failures.append(f"{lang}: still running after the last Enter")
        rc = -1
    if rc != 0:
        failures.append(f"{lang}: exit code {rc}: {rest[-500:]!r}")
    if f"{STEP[lang]} 6" not in rest and steps_told < 6:
        failures.append(f"{lang}: only {steps_told} steps told")
    os.close(term.master)
    return failures


def main():
    failures = check_lang("en") + check_lang("es")
    for f in failures:
        print("FAIL:", f)
    print(f"{2 - len({f.split(':')[0] for f in failures})} passed, {len({f.split(':')[0] for f in failures})} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
