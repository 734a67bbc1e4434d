"""A real IMAP server on loopback for the inbound tests: Debian's dovecot, configured in a temp directory.

Its own config file (``dovecot -c``), passwd-file auth, a maildir in the temp directory, a self-signed
certificate made with openssl, and 127.0.0.1 on free ports: IMAPS (implicit TLS) and IMAP with STARTTLS.
Run as root (CI containers), dovecot refuses root for its login and mail processes, so it uses the
``dovenull`` / ``dovecot`` system users the package created, and the mail directory is handed to them.
``DovecotServer.unavailable()`` says why dovecot cannot run here (the tests then skip, saying so).
"""

from __future__ import annotations

import grp
import imaplib
import os
import pwd
import shutil
import signal
import ssl
import subprocess
import time
from pathlib import Path

from .smtp import free_port

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
OPENSSL = shutil.which("openssl") or "/usr/bin/openssl"
USER = "rfq"
PASSWORD = "s3cret-pw"


class DovecotServer:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.imaps_port = free_port()
        self.imap_port = free_port()
        self.cert = workdir / "cert.pem"
        self.key = workdir / "key.pem"
        self.config = workdir / "dovecot.conf"
        self.log = workdir / "dovecot.log"
        self.mail = workdir / "mail"
        self.run = workdir / "run"

    @staticmethod
    def unavailable() -> str | None:
        if not os.path.exists(DOVECOT):
            return f"dovecot is not installed ({DOVECOT}); apt-get install dovecot-imapd"
        if not os.path.exists(OPENSSL):
            return "openssl is not installed (needed for the test certificate)"
        if os.geteuid() == 0:
            for user in ("dovecot", "dovenull"):
                try:
                    pwd.getpwnam(user)
                except KeyError:
                    return f"running as root, dovecot needs the system user {user!r} (created by dovecot-core)"
        return None

    @property
    def imaps_url(self) -> str:
        return f"imaps://{USER}:{PASSWORD}@127.0.0.1:{self.imaps_port}/INBOX"

    @property
    def starttls_url(self) -> str:
        return f"imap://{USER}:{PASSWORD}@127.0.0.1:{self.imap_port}/INBOX"

    def _users(self) -> tuple[str, str, str, str]:
        """(internal user, internal group, login user, mail user)."""
        if os.geteuid() == 0:
            return "dovecot", "dovecot", "dovenull", "dovecot"
        me = pwd.getpwuid(os.geteuid()).pw_name
        return me, grp.getgrgid(os.getegid()).gr_name, me, me

    def start(self) -> None:
        self.workdir.chmod(0o755)
        for path in (self.mail, self.run):
            path.mkdir(exist_ok=True)
        subprocess.run(
            [OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(self.key), "-out",
             str(self.cert), "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
            check=True, capture_output=True,
        )  # fmt: skip
        internal, group, login, mail_user = self._users()
        (self.workdir / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
        self.config.write_text(
            f"""
base_dir = {self.run}
state_dir = {self.run}/state
log_path = {self.log}
info_log_path = {self.log}
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{self.cert}
ssl_key = <{self.key}
disable_plaintext_auth = yes
auth_mechanisms = plain login
mail_location = maildir:{self.mail}/%u
default_internal_user = {internal}
default_internal_group = {group}
default_login_user = {login}
first_valid_uid = 1
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {self.imaps_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.workdir}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_user} gid={group} home={self.mail}/%u
}}
"""
        )
        if os.geteuid() == 0:
            shutil.chown(self.mail, "dovecot", "dovecot")
        # The daemon inherits stdout/stderr: never pipes (run() would wait for the daemon to close them).
        with (self.workdir / "start.log").open("wb") as start_log:
            subprocess.run([DOVECOT, "-c", str(self.config)], check=True, stdout=start_log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 15
        while True:
            try:
                client = self.client()
                client.logout()
                return
            except (OSError, imaplib.IMAP4.error):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"dovecot did not start: {self.log_text()[-2000:]}") from None
                time.sleep(0.1)

    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cert))

    def client(self) -> imaplib.IMAP4_SSL:
        client = imaplib.IMAP4_SSL("127.0.0.1", self.imaps_port, ssl_context=self.ssl_context(), timeout=10)
        client.login(USER, PASSWORD)
        return client

    def append(self, *raws: bytes, folder: str = "INBOX") -> None:
        """Deliver mails the way a test can: IMAP APPEND, one connection for all."""
        client = self.client()
        try:
            for raw in raws:
                typ, data = client.append(folder, None, None, raw)
                assert typ == "OK", data
        finally:
            client.logout()

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self) -> None:
        pid_file = self.run / "master.pid"
        if not pid_file.exists():
            return
        pid = int(pid_file.read_text().strip())
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)
        os.kill(pid, signal.SIGKILL)
