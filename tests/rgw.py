"""A throwaway one-node Ceph cluster with RGW (one monitor, one memstore OSD, radosgw) for tests and benches.

    python tests/rgw.py     # start one, print the CHOUCHA_S3_* lines, stay up until Ctrl-C

Everything lives in one temporary directory (config, monitor store, sockets, logs); the daemons run in the
foreground as children of this process, die with it (parent-death signal), and are stopped, and the directory
removed, by `close()`. Daemons trust each other (`auth … required = none`); RGW itself still checks S3
signatures, expiry and Content-MD5 like real S3. Needs Debian's `radosgw ceph-mon ceph-osd`.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

INSTALL_HINT = "apt-get install -y radosgw ceph-mon ceph-osd"
PROGRAMS = ("ceph-mon", "ceph-osd", "radosgw", "radosgw-admin", "monmaptool", "ceph")
REGION = "us-east-1"
PREFIX = "choucha-rgw-"

CONF = """\
[global]
fsid = {fsid}
mon host = v2:127.0.0.1:{mon_port}
auth cluster required = none
auth service required = none
auth client required = none
ms bind msgr1 = false
# radosgw asks for secure mode towards the monitor, which auth none cannot give: plain crc everywhere
ms mon client mode = crc
ms client mode = crc
ms mon cluster mode = crc
ms mon service mode = crc
ms cluster mode = crc
ms service mode = crc
run dir = {dir}/run
admin socket = {dir}/run/$name.asok
pid file = {dir}/run/$name.pid
log file = {dir}/log/$name.log
log to stderr = false
err to stderr = false
debug ms = 0
mon allow pool size one = true
# one monitor has no one to batch with: commit map changes at once, not every second (11 s -> 1 s start)
paxos propose interval = 0.01
paxos min wait = 0.01
# a scratch monitor on a full disk must not shut itself down
mon data avail crit = 0
mon data avail warn = 0
mon warn on pool no redundancy = false
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon max pg per osd = 1000
osd crush chooseleaf type = 0

[mon]
mon data = {dir}/mon/$name

[osd]
osd data = {dir}/osd/$cluster-$id
osd objectstore = memstore
memstore device bytes = {memory_bytes}
osd op num shards = 2
osd op num threads per shard = 1

[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:{rgw_port}
rgw data = {dir}/rgw
rgw dynamic resharding = false
rgw enable usage log = false
rgw thread pool size = 64
debug rgw = 1
"""


def installed() -> bool:
    """True when the Ceph programs the cluster needs are on PATH."""
    return all(shutil.which(program) for program in PROGRAMS)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _remove_abandoned() -> None:
    """Remove the directories of clusters whose owner process is gone (killed before it could clean up)."""
    for folder in Path(tempfile.gettempdir()).glob(PREFIX + "*"):
        try:
            os.kill(int((folder / "owner").read_text()), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except (OSError, ValueError):
            pass  # another user's, or being created right now


@dataclass(frozen=True)
class RgwEndpoint:
    """Where the running RGW answers, and the credentials of its one user."""

    endpoint: str
    access_key: str
    secret_key: str
    region: str = REGION

    def env(self, bucket: str = "choucha") -> dict[str, str]:
        """The CHOUCHA_S3_* settings that point the application at this RGW."""
        return {"CHOUCHA_S3_ENDPOINT": self.endpoint, "CHOUCHA_S3_ACCESS_KEY": self.access_key,
                "CHOUCHA_S3_SECRET_KEY": self.secret_key, "CHOUCHA_S3_REGION": self.region,
                "CHOUCHA_S3_BUCKET": bucket, "CHOUCHA_S3_PATH_STYLE": "true"}


class RgwCluster:
    """One monitor, one memstore OSD and radosgw in a temporary directory; a context manager."""

    def __init__(self, *, memory_bytes: int = 1 << 30, timeout: float = 90.0) -> None:
        self.memory_bytes = memory_bytes
        self.timeout = timeout
        self.dir = self.conf = Path()
        self.processes: dict[str, subprocess.Popen] = {}  # by program, in start order
        self.endpoint: RgwEndpoint | None = None

    def __enter__(self) -> RgwEndpoint:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def start(self) -> RgwEndpoint:
        """Create and start the cluster, wait for RGW, make a user; stops everything again on failure."""
        if not installed():
            raise RuntimeError(f"Ceph RGW is not installed: {INSTALL_HINT}")
        _remove_abandoned()
        self.dir = Path(tempfile.mkdtemp(prefix=PREFIX))
        (self.dir / "owner").write_text(str(os.getpid()))
        try:
            self._start()
        except BaseException:
            self.close()
            raise
        return self.endpoint

    def _start(self) -> None:
        fsid, osd_uuid = str(uuid.uuid4()), str(uuid.uuid4())
        mon_port, rgw_port = free_port(), free_port()
        self.conf = self.dir / "ceph.conf"
        for sub in ("run", "log", "mon", "osd/ceph-0", "rgw"):
            (self.dir / sub).mkdir(parents=True)
        self.conf.write_text(CONF.format(fsid=fsid, mon_port=mon_port, rgw_port=rgw_port, dir=self.dir,
                                         memory_bytes=self.memory_bytes))
        monmap = self.dir / "monmap"
        self._run("monmaptool", "--create", "--fsid", fsid, "--addv", "a", f"[v2:127.0.0.1:{mon_port}]",
                  str(monmap))
        self._run("ceph-mon", "--mkfs", "-i", "a", "--monmap", str(monmap), "--keyring", "/dev/null")
        self._spawn("ceph-mon", "-f", "-i", "a")
        osd_id = self._run("ceph", "osd", "new", osd_uuid).strip()
        self._run("ceph-osd", "--mkfs", "-i", osd_id, "--osd-uuid", osd_uuid)
        self._spawn("ceph-osd", "-f", "-i", osd_id)
        self._spawn("radosgw", "-f", "-n", "client.rgw")
        url = f"http://127.0.0.1:{rgw_port}"
        self._wait_for(url)
        keys = self._create_user()
        self.endpoint = RgwEndpoint(endpoint=url, access_key=keys["access_key"], secret_key=keys["secret_key"])

    def _command(self, program: str, *args: str) -> list[str]:
        return [program, "-c", str(self.conf), *args]

    def _run(self, program: str, *args: str) -> str:
        """Run a Ceph tool to completion; its stdout, or an error with its stderr."""
        done = subprocess.run(self._command(program, *args), capture_output=True, text=True,
                              timeout=self.timeout, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{program} {' '.join(args)} failed ({done.returncode}): {done.stderr[-2000:]}")
        return done.stdout

    def _spawn(self, program: str, *args: str) -> None:
        """Start a daemon in the foreground (no fork), its output to a file in the log directory."""
        out = open(self.dir / "log" / f"{program}.out", "wb")  # noqa: SIM115 - the child keeps it open
        # setpriv (util-linux) makes the kernel SIGKILL the daemon when this process dies, even by SIGKILL
        guard = ["setpriv", "--pdeathsig", "KILL"] if shutil.which("setpriv") else []
        self.processes[program] = subprocess.Popen([*guard, *self._command(program, *args)], stdout=out, stderr=out,
                                                   stdin=subprocess.DEVNULL)
        out.close()

    def _wait_for(self, url: str) -> None:
        """Poll RGW until it answers HTTP; fail early when a daemon has died."""
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            for program, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(f"{program} exited with {process.returncode}:\n{self._log_tail()}")
            try:
                with urllib.request.urlopen(url, timeout=2):
                    return
            except urllib.error.HTTPError:
                return  # any HTTP answer means the frontend is serving
            except OSError:
                time.sleep(0.2)
        raise TimeoutError(f"RGW did not answer at {url} within {self.timeout:.0f} s:\n{self._log_tail()}")

    def _log_tail(self) -> str:
        logs = sorted((self.dir / "log").glob("*"))
        return "\n".join(f"== {p.name}\n{p.read_text(errors='replace')[-1500:]}" for p in logs)

    def _create_user(self) -> dict[str, str]:
        """Create the S3 user and return its first key pair (radosgw-admin prints the user as JSON)."""
        out = self._run("radosgw-admin", "user", "create", "--uid", "choucha",
                        "--display-name", "Choucha tests")
        return json.loads(out)["keys"][0]

    def close(self) -> None:
        """Kill the daemons and remove the directory (memstore keeps nothing worth a clean shutdown)."""
        for process in reversed(self.processes.values()):
            if process.poll() is None:
                process.kill()  # SIGTERM costs seconds: radosgw drains for up to 5 s
            process.wait()
        self.processes.clear()
        if self.dir.name.startswith(PREFIX):
            shutil.rmtree(self.dir, ignore_errors=True)


def main() -> None:
    """Start a cluster, print its settings as shell lines, and keep it up until Ctrl-C or SIGTERM."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # run the cleanup below on SIGTERM too
    started = time.monotonic()
    with RgwCluster(memory_bytes=int(os.environ.get("CHOUCHA_RGW_MEMORY_BYTES", str(4 << 30)))) as rgw:
        print(f"# RGW up in {time.monotonic() - started:.1f} s; Ctrl-C stops it", file=sys.stderr)
        for name, value in rgw.env().items():
            print(f"export {name}={value}")
        sys.stdout.flush()
        try:
            signal.pause()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
