"""The benchmark's results: the machine it ran on, the comparison table.

ROWS says which figures the table shows, whether higher or lower is better,
and the issue's target for Satrap's ratio. The ratio is always "how many
times better than the better of Dovecot and Cyrus" (> 1: Satrap is ahead):
Satrap / best for throughputs, best / Satrap for times and memory.
"""

import os
import platform
import subprocess

HIGHER, LOWER = "higher", "lower"

# (figure shown, result key, better, unit, target ratio or None)
ROWS = [
    ("LMTP 4 KB, 8 conns", "lmtp_4k.msgs_per_s", HIGHER, "msg/s", 2.0),
    ("LMTP 4 KB p99", "lmtp_4k.latency.p99_ms", LOWER, "ms", None),
    ("LMTP 1 MB, 8 conns", "lmtp_1m.msgs_per_s", HIGHER, "msg/s", 2.0),
    ("LMTP 50 recipients", "lmtp_50rcpt.deliveries_per_s", HIGHER, "rcpt/s", 2.0),
    ("IMAP mixed commands", "imap_mixed.commands_per_s", HIGHER, "cmd/s", 1.5),
    ("IMAP mixed logins", "imap_mixed.logins_per_s", HIGHER, "login/s", None),
    ("IMAP mixed p50", "imap_mixed.latency.p50_ms", LOWER, "ms", None),
    ("IMAP mixed p99", "imap_mixed.latency.p99_ms", LOWER, "ms", 1.0),
    ("Large: SELECT cold", "large.cold.select_ms", LOWER, "ms", 2.0),
    ("Large: FETCH 1:* FLAGS cold", "large.cold.fetch_flags_ms", LOWER, "ms", 2.0),
    ("Large: FETCH 1:* ENVELOPE cold", "large.cold.fetch_envelope_ms", LOWER, "ms", 2.0),
    ("Large: UID SEARCH HEADER cold", "large.cold.uid_search_header_ms", LOWER, "ms", 2.0),
    ("Large: SEARCH TEXT cold", "large.cold.search_text_ms", LOWER, "ms", 2.0),
    ("Large: APPEND cold", "large.cold.append_ms", LOWER, "ms", 2.0),
    ("Large: SELECT warm", "large.warm.select_ms", LOWER, "ms", 2.0),
    ("Large: FETCH 1:* FLAGS warm", "large.warm.fetch_flags_ms", LOWER, "ms", 2.0),
    ("Large: FETCH 1:* ENVELOPE warm", "large.warm.fetch_envelope_ms", LOWER, "ms", 2.0),
    ("Large: UID SEARCH HEADER warm", "large.warm.uid_search_header_ms", LOWER, "ms", 2.0),
    ("Large: SEARCH TEXT warm", "large.warm.search_text_ms", LOWER, "ms", 2.0),
    ("Large: APPEND warm", "large.warm.append_ms", LOWER, "ms", 2.0),
    ("Large: PSS of the session", "large.session_pss_kb", LOWER, "KB", None),
    ("Idle 10: PSS per conn (smoke)", "idle_10.pss_per_conn_kb", LOWER, "KB", None),
    ("Idle 100: PSS per conn", "idle_100.pss_per_conn_kb", LOWER, "KB", 2.0),
    ("Idle 1000: PSS per conn", "idle_1000.pss_per_conn_kb", LOWER, "KB", 2.0),
    ("Conn rate plain (4 clients)", "conn_plain.logins_per_s", HIGHER, "conn/s", 1.5),
    ("Conn rate IMAPS full handshake", "conn_tls.logins_per_s", HIGHER, "conn/s", 1.5),
    ("Conn rate IMAPS resumed", "conn_tls_resume.logins_per_s", HIGHER, "conn/s", 1.5),
    ("  share resumed", "conn_tls_resume.resumed_share", HIGHER, "", None),
    ("POP3 download+delete", "pop3.msgs_per_s", HIGHER, "msg/s", None),
]

SERVERS = ("satrap", "dovecot", "cyrus")


def _run(argv):
    try:
        return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=20).stdout.decode(errors="replace").strip()
    except (OSError, subprocess.SubprocessError):
        return "(%s unavailable)" % argv[0]


def machine_description(path_for_disk="/tmp"):
    """Cores, memory, disk, kernel and load, as text for machine.txt."""
    lines = []
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            mem = f.readline().split(":", 1)[1].strip()
    except OSError:
        pass
    lines.append("cores: %d (%s)" % (os.cpu_count() or 0, model))
    lines.append("memory: %s" % mem)
    lines.append("kernel: %s %s" % (platform.system(), platform.release()))
    lines.append("os: %s" % _run(["sh", "-c", ". /etc/os-release; echo $PRETTY_NAME"]))
    lines.append("load average at start: %s" % " ".join(os.getloadavg()[:3].__repr__().strip("()").split(", ")))
    lines.append("disk (%s):\n%s" % (path_for_disk, _run(["df", "-h", path_for_disk])))
    lines.append(_run(["sh", "-c", "findmnt -no SOURCE,FSTYPE,OPTIONS -T %s" % path_for_disk]))
    lines.append(_run(["lsblk", "-d", "-o", "NAME,MODEL,ROTA,SIZE"]))
    return "\n".join(lines) + "\n"


def _fmt(value):
    if value is None:
        return "-"
    if abs(value) >= 100:
        return "%.0f" % value
    if abs(value) >= 10:
        return "%.1f" % value
    return "%.3g" % value


def ratio(row, figures):
    """Satrap's ratio to the better of Dovecot and Cyrus (> 1 is better)."""
    _, key, better, _, _ = row
    mine = figures.get("satrap", {}).get(key)
    others = [figures.get(s, {}).get(key) for s in ("dovecot", "cyrus")]
    others = [v for v in others if v is not None]
    if mine is None or not others:
        return None
    if better == HIGHER:
        best = max(others)
        return mine / best if best else None
    best = min(others)
    return best / mine if mine else None


def table(figures, servers=SERVERS):
    """A Markdown table: one row per figure any server produced."""
    head = "| figure | unit | " + " | ".join(servers) + " | Satrap ratio | target |"
    out = [head, "|" + "---|" * (len(servers) + 4)]
    for row in ROWS:
        name, key, better, unit, target = row
        values = [figures.get(s, {}).get(key) for s in servers]
        if all(v is None for v in values):
            continue
        r = ratio(row, figures) if unit else None  # shares are context, not figures
        out.append("| %s | %s | %s | %s | %s |" % (
            name, unit, " | ".join(_fmt(v) for v in values),
            ("%.2fx" % r) if r is not None else "-",
            ("≥%gx" % target) if target else ""))
    return "\n".join(out) + "\n"
