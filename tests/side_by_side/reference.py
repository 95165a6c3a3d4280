#!/usr/bin/python3
"""The reference for the side-by-side check: real Postfix and Dovecot on 127.0.0.1.

Two Postfix instances stand for six-steps.json's two providers: mail.example.org (Alice's:
submission with SASL through Dovecot, relays example.com to the other instance) and
mail.example.com (Bob's: port 25, virtual mailboxes in Maildir). One Dovecot serves POP3 and
the SASL authentication for both. Everything lives in one temporary folder, every port is
above 1024 and bound to 127.0.0.1; no DNS is used (transport_maps name the next hop).
Needs root (Postfix's master and Dovecot drop privileges themselves) and the Debian
packages postfix, dovecot-core, dovecot-pop3d.

    with Reference() as ref:
        ref.port("mail.example.org", "submission")  # like mailsim serve's ports file
"""
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time

VMAIL_UID = 5000  # owner of the mailboxes (no passwd entry needed: virtual_uid_maps static)
USERS = {"alice@example.org": "alice-secret", "bob@example.com": "bob-secret"}
POSTFIX_SERVICES = """\
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""


def available():
    """None when the reference can run here, else why not (for a skip)."""
    if os.geteuid() != 0:
        return "needs root (Postfix and Dovecot drop privileges themselves)"
    for tool in ("/usr/sbin/postfix", "/usr/sbin/dovecot", "/usr/lib/dovecot/pop3"):
        if not os.path.exists(tool):
            return tool + " is not installed (Debian: postfix dovecot-core dovecot-pop3d)"
    return None


def free_ports(n):
    socks, ports = [], []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
        ports.append(s.getsockname()[1])
    for s in socks:
        s.close()
    return ports


def wait_listening(port, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("nothing listens on 127.0.0.1:%d after %d s" % (port, timeout))


class Reference:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="mailsim-postfix-")
        os.chmod(self.dir, 0o755)  # the postfix and dovecot users walk through it
        p = free_ports(6)
        self.ports = {"mail.example.org": {"smtp": p[0], "submission": p[1], "pop3": p[4]},
                      "mail.example.com": {"smtp": p[2], "submission": p[3], "pop3": p[4]}}
        self.auth_port = p[5]
        self.vmail = os.path.join(self.dir, "vmail")
        self.started = []

    def port(self, host, service):
        return self.ports[host][service]

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    # --- Dovecot: POP3 for both domains' mailboxes, and SASL for Postfix -----------------
    def write_dovecot(self):
        d = os.path.join(self.dir, "dovecot")
        os.makedirs(d)
        with open(os.path.join(d, "passwd"), "w") as f:
            for user, password in USERS.items():
                f.write("%s:{PLAIN}%s\n" % (user, password))
        conf = os.path.join(d, "dovecot.conf")
        with open(conf, "w") as f:
            f.write(f"""\
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
protocols = pop3
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{self.vmail}/%d/%n
mail_uid = {VMAIL_UID}
mail_gid = {VMAIL_UID}
first_valid_uid = {VMAIL_UID}
pop3_uidl_format = %08Xu%08Xv
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/passwd
}}
userdb {{
  driver = static
  args = uid={VMAIL_UID} gid={VMAIL_UID} home={self.vmail}/%d/%n
}}
service pop3-login {{
  inet_listener pop3 {{
    address = 127.0.0.1
    port = {self.ports["mail.example.com"]["pop3"]}
  }}
}}
service auth {{
  inet_listener {{
    address = 127.0.0.1
    port = {self.auth_port}
  }}
}}
""")
        return conf

    # --- Postfix: one instance per provider ---------------------------------------------
    def write_postfix(self, host, domain, relay_to=None):
        d = os.path.join(self.dir, host)
        os.makedirs(os.path.join(d, "queue"))  # postfix start makes the rest
        os.makedirs(os.path.join(d, "data"))
        os.chown(os.path.join(d, "data"), pwd.getpwnam("postfix").pw_uid, -1)
        ports = self.ports[host]
        lines = [
            "compatibility_level = 3.6",
            f"queue_directory = {d}/queue",
            f"data_directory = {d}/data",
            "command_directory = /usr/sbin",
            "daemon_directory = /usr/lib/postfix/sbin",
            "shlib_directory = /usr/lib/postfix",
            "meta_directory = /etc/postfix",
            "mail_owner = postfix",
            "setgid_group = postdrop",
            f"maillog_file = {d}/maillog",
            f"maillog_file_prefixes = {self.dir}",
            f"myhostname = {host}",
            f"mydomain = {domain}",
            "mydestination =",
            "inet_interfaces = 127.0.0.1",
            "inet_protocols = ipv4",
            "mynetworks = 127.0.0.0/8",
            "smtp_dns_support_level = disabled",
            f"smtp_helo_name = {host}",
            f"virtual_mailbox_domains = {domain}",
            f"virtual_mailbox_base = {self.vmail}",
            f"virtual_mailbox_maps = texthash:{d}/vmailbox",
            f"virtual_uid_maps = static:{VMAIL_UID}",
            f"virtual_gid_maps = static:{VMAIL_UID}",
            "smtpd_sasl_type = dovecot",
            f"smtpd_sasl_path = inet:127.0.0.1:{self.auth_port}",
            "smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination",
            "biff = no",
            "alias_maps =",
            "alias_database =",
            "append_dot_mydomain = no",
        ]
        if relay_to:
            lines.append(f"transport_maps = texthash:{d}/transport")
            with open(os.path.join(d, "transport"), "w") as f:
                f.write(f"{relay_to[0]} smtp:[127.0.0.1]:{relay_to[1]}\n")
        with open(os.path.join(d, "main.cf"), "w") as f:
            f.write("\n".join(lines) + "\n")
        with open(os.path.join(d, "vmailbox"), "w") as f:
            for user in USERS:
                if user.endswith("@" + domain):
                    local, _ = user.split("@")
                    f.write(f"{user} {domain}/{local}/\n")
        submission = (f"127.0.0.1:{ports['submission']} inet n - n - - smtpd\n"
                      "  -o smtpd_sasl_auth_enable=yes\n"
                      "  -o smtpd_client_restrictions=permit_sasl_authenticated,reject\n"
                      "  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject\n"
                      "  -o smtpd_sender_login_maps=texthash:" + d + "/senders\n"
                      "  -o smtpd_sender_restrictions=reject_sender_login_mismatch\n")
        with open(os.path.join(d, "senders"), "w") as f:
            for user in USERS:
                f.write(f"{user} {user}\n")
        with open(os.path.join(d, "master.cf"), "w") as f:
            f.write(f"127.0.0.1:{ports['smtp']} inet n - n - - smtpd\n" + submission + POSTFIX_SERVICES)
        return d

    def start(self):
        os.makedirs(self.vmail)
        os.chown(self.vmail, VMAIL_UID, VMAIL_UID)
        conf = self.write_dovecot()
        # Daemons keep inherited pipes open: give them files, not pipes.
        with open(os.path.join(self.dir, "start.log"), "ab") as log:
            p = subprocess.run(["/usr/sbin/dovecot", "-c", conf], stdin=subprocess.DEVNULL, stdout=log,
                               stderr=log, timeout=30)
        if p.returncode != 0:
            raise RuntimeError("dovecot -c %s failed: %s" % (conf, self.start_log()))
        self.started.append(("dovecot", conf))
        com = self.write_postfix("mail.example.com", "example.com")
        org = self.write_postfix("mail.example.org", "example.org",
                                 relay_to=("example.com", self.ports["mail.example.com"]["smtp"]))
        for d in (com, org):
            with open(os.path.join(self.dir, "start.log"), "ab") as log:
                p = subprocess.run(["/usr/sbin/postfix", "-c", d, "start"], stdin=subprocess.DEVNULL, stdout=log,
                                   stderr=log, timeout=60)
            self.started.append(("postfix", d))
            if p.returncode != 0:
                raise RuntimeError("postfix -c %s start failed: %s" % (d, self.start_log()))
        for host in self.ports:
            for service in ("smtp", "submission", "pop3"):
                wait_listening(self.ports[host][service])

    def start_log(self):
        try:
            with open(os.path.join(self.dir, "start.log"), errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def log(self):
        out = []
        for kind, where in self.started:
            path = os.path.join(where, "maillog") if kind == "postfix" else os.path.join(
                os.path.dirname(where), "dovecot.log")
            if os.path.exists(path):
                with open(path, errors="replace") as f:
                    out.append("== %s\n%s" % (path, f.read()))
        return "\n".join(out)

    def stop(self):
        for kind, where in reversed(self.started):
            cmd = ["/usr/sbin/postfix", "-c", where, "stop"] if kind == "postfix" else ["/usr/bin/doveadm", "-c", where, "stop"]
            subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
        self.started = []
        shutil.rmtree(self.dir, ignore_errors=True)


if __name__ == "__main__":
    why = available()
    if why:
        raise SystemExit(why)
    with Reference() as ref:
        print(ref.ports)
        input("Postfix and Dovecot are running; press Enter to stop them. ")
