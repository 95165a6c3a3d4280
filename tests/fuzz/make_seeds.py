#!/usr/bin/python3
"""Writes the seed corpora in tests/fuzz/corpus/ (run from anywhere; idempotent).

Seeds are the inputs the tests already use: the shipped scenarios, SMTP and POP3 sessions as
the unit tests drive them, MIME messages and DNS datagrams. The first bytes of the protocol
seeds are the fuzz targets' configuration bytes (see fuzz_input.hpp)."""
import base64
import email.message
import email.policy
import glob
import os
import shutil
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))


def write(kind, name, data):
    d = os.path.join(HERE, "corpus", kind)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def scenarios():
    for p in sorted(glob.glob(os.path.join(SRC, "scenarios", "*.json")) + glob.glob(os.path.join(SRC, "scenarios", "templates", "*.json"))
                    + glob.glob(os.path.join(SRC, "tests", "fixtures", "faults", "*.json"))):
        if os.path.getsize(p) < 64 * 1024:
            shutil.copy(p, os.path.join(HERE, "corpus", "scenario", os.path.basename(p)))


def smtp_server():
    plain = base64.b64encode(b"\0alice\0secret").decode()
    sessions = {
        "submission": "EHLO pc\r\nAUTH PLAIN " + plain + "\r\nMAIL FROM:<alice@example.org> SIZE=100\r\nRCPT TO:<bob@example.com>\r\n"
                      "DATA\r\nSubject: x\r\n\r\nhi\r\n..dot\r\n.\r\nQUIT\r\n",
        "relay": "HELO mx.example.org\r\nMAIL FROM:<>\r\nRCPT TO:<bob@example.com>\r\nRCPT TO:<nobody@example.com>\r\nRCPT TO:<busy@example.com>\r\n"
                 "DATA\r\nVIRUS\r\n.\r\nRSET\r\nVRFY bob\r\nNOOP\r\nHELP\r\nQUIT\r\n",
        "pipelined": "EHLO a\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<bob@x>\r\nRCPT TO:<Postmaster>\r\nDATA\r\nx\r\n.\r\nMAIL FROM:<a@b.c> BODY=8BITMIME\r\n",
        "auth-login": "EHLO a\r\nAUTH LOGIN\r\n" + base64.b64encode(b"alice").decode() + "\r\n" + base64.b64encode(b"wrong").decode() + "\r\nAUTH LOGIN\r\n*\r\n",
        "garbage": "\x00\xff\r\n\r\n" + "x" * 1200 + "\r\nMAIL FROM:<" + "a" * 300 + "@b>\r\n.\n\r",
        "utf8": "EHLO a\r\nMAIL FROM:<ä@example.org> SMTPUTF8\r\nRCPT TO:<bob@example.com>\r\nDATA\r\n\r\n.\r\n",
    }
    for i, (name, text) in enumerate(sessions.items()):
        write("smtp_server", name, bytes([i * 37 % 256 | 2, 40, 7 + i]) + text.encode("utf-8", "surrogateescape"))


def smtp_client():
    replies = {
        "happy": "220 mx ESMTP\r\n250-mx\r\n250-PIPELINING\r\n250-SIZE 1000\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n235 ok\r\n250 ok\r\n250 ok\r\n250 ok\r\n354 go\r\n250 queued\r\n221 bye\r\n",
        "refused": "220 mx\r\n250 mx\r\n250 ok\r\n550 5.1.1 no\r\n450 4.2.1 later\r\n554 no valid recipients\r\n221 bye\r\n",
        "multiline": "220-mx\r\n220 hi\r\n500 what\r\n250 ok\r\n250 ok\r\n250 ok\r\n354 go\r\n451 4.3.0 try later\r\n",
        "broken": "2\r\n99 x\r\n250\r\n250-\r\n" + "2" * 2000 + "\r\n",
    }
    for i, (name, text) in enumerate(replies.items()):
        write("smtp_client", name, bytes([i * 13 % 64, 5 + i]) + text.encode())


def pop3():
    server = {
        "session": "CAPA\r\nUSER bob\r\nPASS secret\r\nSTAT\r\nLIST\r\nUIDL\r\nRETR 1\r\nTOP 2 1\r\nDELE 1\r\nRSET\r\nNOOP\r\nQUIT\r\n",
        "apop": "APOP bob 0123456789abcdef0123456789abcdef\r\nUSER bob\r\nPASS wrong\r\nPASS secret\r\nRETR 9\r\nDELE x\r\nQUIT\r\n",
    }
    for i, (name, text) in enumerate(server.items()):
        write("pop3", "server-" + name, bytes([1 | (i << 1), 3]) + text.encode())
    client = {
        "session": "+OK <1.2@x> ready\r\n+OK\r\n+OK logged in\r\n+OK 2 300\r\n+OK\r\n1 u1\r\n2 u2\r\n.\r\n+OK 120 octets\r\nSubject: a\r\n\r\n..dot\r\n.\r\n+OK deleted\r\n+OK bye\r\n",
        "errors": "+OK\r\n-ERR [AUTH] no\r\n-ERR [IN-USE] locked\r\n+OK 99999999 1\r\n",
    }
    for i, (name, text) in enumerate(client.items()):
        write("pop3", "client-" + name, bytes([(i << 1) | 8, 5]) + text.encode())


def mime():
    m = email.message.EmailMessage(policy=email.policy.SMTP)
    m["From"] = "Alice <alice@example.org>"
    m["To"] = "bob@example.com"
    m["Subject"] = "Informe trimestral — ñandú"
    m.set_content("Hola Bob,\n\nadjunto el informe.\n")
    m.add_attachment(b"%PDF-1.4\n%\xe2\xe3\n", maintype="application", subtype="pdf", filename="informe año.pdf")
    m.set_boundary("mailsim-seed-boundary")  # the same bytes every time
    write("mime", "multipart-attachment.eml", m.as_bytes())
    write("mime", "plain.eml", b"Subject: =?utf-8?B?w7E=?= =?iso-8859-1?Q?caf=E9?=\r\nFrom: a@b\r\n\r\nbody\r\n")
    nested = (b"Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n"
              b"--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\ncaf=C3=A9=\r\n\r\n--b--\r\n"
              b"--a\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\nx\r\n--a\r\nContent-Disposition: attachment; filename*=utf-8''%C3%B1.txt\r\n"
              b"Content-Transfer-Encoding: base64\r\n\r\naGVsbG8=\r\n--a--\r\n")
    write("mime", "nested.eml", nested)
    write("mime", "dsn.eml", b"Content-Type: multipart/report; report-type=delivery-status; boundary=\"r\"\r\n\r\n--r\r\n\r\nbounce\r\n--r\r\n"
                              b"Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\nFinal-Recipient: rfc822; bob@x\r\nAction: failed\r\nStatus: 5.1.1\r\n--r--\r\n")


def dns():
    def name(n):
        return b"".join(bytes([len(p)]) + p.encode() for p in n.split(".")) + b"\0"
    q = struct.pack(">HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0) + name("example.com") + struct.pack(">HH", 15, 1)
    write("dns", "query-mx", q)
    ans = (struct.pack(">HHHHHH", 0x1234, 0x8580, 1, 1, 0, 1) + name("example.com") + struct.pack(">HH", 15, 1)
           + b"\xc0\x0c" + struct.pack(">HHIH", 15, 1, 3600, 4 + 6) + struct.pack(">H", 10) + b"\x04mail\xc0\x0c"
           + b"\xc0\x2d" + struct.pack(">HHIH", 1, 1, 3600, 4) + bytes([203, 0, 113, 25]))
    write("dns", "answer-mx-a", ans)
    write("dns", "nxdomain", struct.pack(">HHHHHH", 7, 0x8583, 1, 0, 0, 0) + name("nowhere.example") + struct.pack(">HH", 1, 1))
    write("dns", "loop-pointer", struct.pack(">HHHHHH", 7, 0x8180, 1, 0, 0, 0) + b"\xc0\x0c" + struct.pack(">HH", 1, 1))


def trace():
    """The viewer's fixture traces, each once per output format (the first byte), also in the
    JSON Lines form (`run --trace-format jsonl`); and the invalid trace samples."""
    import json
    for i, p in enumerate(sorted(glob.glob(os.path.join(SRC, "tests", "fixtures", "viz", "*.trace.json")))):
        with open(p, "rb") as f:
            data = f.read()
        for fmt in range(5):
            write("trace", f"{os.path.basename(p)}.{fmt}", bytes([fmt | (8 if i % 2 else 0)]) + data)
        doc = json.loads(data)
        header = {k: v for k, v in doc.items() if k not in ("events", "summary")}
        lines = "".join(json.dumps(r, separators=(",", ":")) + "\n"
                        for r in [header] + doc["events"] + [{"summary": doc["summary"]}])
        write("trace", f"{os.path.basename(p)}l.{i % 5}", bytes([i % 5]) + lines.encode())
    for p in sorted(glob.glob(os.path.join(SRC, "tests", "samples", "invalid-traces", "*.json*"))):
        with open(p, "rb") as f:
            write("trace", "invalid-" + os.path.basename(p), b"\x04" + f.read())


if __name__ == "__main__":
    for d in ("scenario", "smtp_server", "smtp_client", "pop3", "mime", "dns", "trace"):
        os.makedirs(os.path.join(HERE, "corpus", d), exist_ok=True)
    scenarios()
    smtp_server()
    smtp_client()
    pop3()
    mime()
    dns()
    trace()
