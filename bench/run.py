#!/usr/bin/env python3
"""The benchmark harness: Satrap, Dovecot and Cyrus IMAP side by side.

    bench/run.py --bin-dir=build-bench/bin --load=build-bench/bench/satrap_load
                 [--servers=satrap,dovecot,cyrus] [--scenarios=lmtp,imap,large,memory,conn,pop3]
                 [--large-messages=100000] [--large-passes=3] [--lmtp-passes=3]
                 [--mixed-seconds=30] [--conn-seconds=20]
                 [--smoke] [--results=DIR | --no-results]

Every step runs on a freshly started instance of each server in turn (new
temporary folder, new processes): satrap_load drives it and checks what it
measured; the harness sums PSS over the server's process tree when the load
generator says "ready". At the end one table compares the servers.

--smoke: tiny sizes, for ctest. Exits 77 (skip) when the Satrap build lacks
imapd or lmtpd, printing why; steps that need a server the build lacks are
skipped, saying so. Writes no results folder unless --results is given.
"""

import argparse
import datetime
import json
import os
import resource
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import report  # noqa: E402
import servers  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SKIP = 77


def steps(args):
    """(group, step, load scenario, flags, needs) in running order. `needs`
    names the Satrap servers the step uses."""
    s = args.smoke
    users = 5 if s else 100
    out = []
    if "lmtp" in args.scenarios:
        out += [
            ("lmtp", "lmtp_4k", "lmtp", ["--label=lmtp_4k", "--messages=%d" % (40 if s else 5000),
                                         "--size=4096", "--connections=%d" % (2 if s else 8)], ("lmtpd", "imapd")),
            ("lmtp", "lmtp_1m", "lmtp", ["--label=lmtp_1m", "--messages=%d" % (3 if s else 200),
                                         "--size=1048576", "--connections=%d" % (2 if s else 8)], ("lmtpd", "imapd")),
            ("lmtp", "lmtp_50rcpt", "lmtp", ["--label=lmtp_50rcpt", "--messages=%d" % (5 if s else 1000),
                                             "--recipients=%d" % (3 if s else 50), "--size=4096",
                                             "--connections=%d" % (2 if s else 8)], ("lmtpd", "imapd")),
        ]
    if "imap" in args.scenarios:
        out.append(("imap", "imap_mixed", "imap-mixed",
                    ["--clients=%d" % (2 if s else 10), "--seconds=%d" % (2 if s else args.mixed_seconds),
                     "--prefill=%d" % (3 if s else 20)], ("lmtpd", "imapd")))
    if "large" in args.scenarios:
        out.append(("large", "large", "large", ["--messages=%d" % (300 if s else args.large_messages),
                                                "--passes=%d" % (2 if s else args.large_passes)],
                    ("lmtpd", "imapd")))
    if "memory" in args.scenarios:
        for n in ((10,) if s else (100, 1000)):
            out.append(("memory", "idle_%d" % n, "idle", ["--connections=%d" % n], ("imapd",)))
    if "conn" in args.scenarios:
        secs = "--seconds=%d" % (1 if s else args.conn_seconds)
        out += [
            ("conn", "conn_plain", "connrate", ["--clients=4", secs], ("imapd",)),
            ("conn", "conn_tls", "connrate", ["--clients=4", secs, "--tls"], ("imapd",)),
            ("conn", "conn_tls_resume", "connrate", ["--clients=4", secs, "--tls", "--resume"], ("imapd",)),
        ]
    if "pop3" in args.scenarios:
        out.append(("pop3", "pop3", "pop3", ["--prefill=%d" % (3 if s else 50), "--clients=%d" % (2 if s else 10)],
                    ("lmtpd", "pop3d")))
    return users, out


def load_argv(args, server, scenario, flags, users):
    p = server.ports
    return [args.load, scenario, "--imap=%d" % p["imap"], "--imaps=%d" % p["imaps"],
            "--pop3=%d" % p["pop3"], "--lmtp=%s" % p["lmtp"], "--users=%d" % users,
            "--password=%s" % servers.BENCH_PASSWORD] + flags


class Run:
    """Runs one load-generator process, answering its "ready" lines by
    measuring the server's memory; collects results and checks."""

    def __init__(self, server, raw):
        self.server = server
        self.raw = raw  # list of output lines, for the raw file
        self.results = {}
        self.failed_checks = []

    def execute(self, argv, on_ready=None, timeout=3600):
        self.raw.append("$ " + " ".join(argv))
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)
        deadline = time.time() + timeout
        for raw_line in proc.stdout:
            line = raw_line.decode(errors="replace").rstrip("\n")
            self.raw.append(line)
            words = line.split(" ", 3)
            if words[0] == "result" and len(words) >= 3:
                self.results[words[1]] = float(words[2])
            elif words[0] == "check" and len(words) >= 3 and words[2] != "ok":
                self.failed_checks.append(line)
            elif words[0] == "ready":
                if on_ready:
                    on_ready(self, words[1] if len(words) > 1 else "")
                proc.stdin.write(b"go\n")
                proc.stdin.flush()
            if time.time() > deadline:
                proc.kill()
                self.failed_checks.append("timeout after %ds" % timeout)
                break
        code = proc.wait()
        if code == 2:
            self.failed_checks.append("load generator could not run (exit 2)")
        return code

    def measure_pss(self, name):
        time.sleep(1.0)  # let processes settle after the last command
        kb = self.server.pss_kb()
        self.results[name] = kb
        self.raw.append("harness: %s = %d KB over %d processes"
                        % (name, kb, len(servers.process_tree(self.server.root_pid()))))
        return kb


def drop_caches(raw):
    try:
        subprocess.run(["sync"], check=False)
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
        raw.append("harness: page cache dropped (cold)")
        return True
    except OSError as e:
        raw.append("harness: could not drop the page cache (%s); cold = fresh restart only" % e)
        return False


def run_step(args, server, step, users, raw):
    group, name, scenario, flags, _ = step
    run = Run(server, raw)
    if scenario == "large":
        run.execute(load_argv(args, server, "large-populate", flags, users))
        server.restart()
        drop_caches(raw)
        base = {"kb": run.measure_pss("large.baseline_pss_kb")}

        def on_ready(r, label):
            if label == "drop":  # before each cold command
                drop_caches(raw)
                return
            if label == "restart":  # before each cold pass after the first
                server.restart()
                drop_caches(raw)
                base["kb"] = r.measure_pss("large.baseline_pss_kb")
                return
            total = r.measure_pss("large.selected_pss_kb")
            r.results["large.session_pss_kb"] = total - base["kb"]
        run.execute(load_argv(args, server, "large-ops", flags, users), on_ready)
    elif scenario == "idle":
        base = run.measure_pss(name + ".baseline_pss_kb")
        n = int(flags[0].split("=")[1])

        def on_ready(r, label):
            total = r.measure_pss(name + ".total_pss_kb")
            r.results[name + ".pss_per_conn_kb"] = (total - base) / n
            r.results[name + ".total_per_conn_kb"] = total / n
        run.execute(load_argv(args, server, scenario, flags, users), on_ready)
    else:
        run.execute(load_argv(args, server, scenario, flags, users))
    return run


def step_passes(args, step):
    """LMTP delivery is bound by the disk's sync latency, which moves by a
    quarter from one run to the next on this machine: its steps run
    --lmtp-passes times, each on a fresh instance, and report medians."""
    return max(1, args.lmtp_passes) if step[0] == "lmtp" and not args.smoke else 1


def medians(samples):
    """Per figure, the median over the passes that reported it."""
    out = {}
    for key in sorted(set(k for sample in samples for k in sample)):
        values = sorted(sample[key] for sample in samples if key in sample)
        out[key] = values[len(values) // 2]
    return out


def satrap_missing(bin_dir, needs):
    return [n for n in needs if not os.path.exists(os.path.join(bin_dir, n))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--servers", default="satrap,dovecot,cyrus")
    parser.add_argument("--scenarios", default="lmtp,imap,large,memory,conn,pop3")
    parser.add_argument("--bin-dir", default=os.path.join(HERE, "..", "build-bench", "bin"))
    parser.add_argument("--load", default=os.path.join(HERE, "..", "build-bench", "bin", "satrap_load"))
    parser.add_argument("--large-messages", type=int, default=100000)
    parser.add_argument("--large-passes", type=int, default=3)
    parser.add_argument("--lmtp-passes", type=int, default=3)
    parser.add_argument("--mixed-seconds", type=int, default=30)
    parser.add_argument("--conn-seconds", type=int, default=20)
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--results", default=None, help="results folder (default bench/results/<time>)")
    parser.add_argument("--no-results", action="store_true")
    parser.add_argument("--note", default="", help="conditions to record with the run")
    args = parser.parse_args()
    args.servers = [s for s in args.servers.split(",") if s]
    args.scenarios = [s for s in args.scenarios.split(",") if s]
    args.bin_dir = os.path.abspath(args.bin_dir)
    args.load = os.path.abspath(args.load)

    if not os.path.exists(args.load):
        print("run.py: no load generator at %s (build target satrap_load)" % args.load)
        return 2
    if "satrap" in args.servers:
        missing = satrap_missing(args.bin_dir, ("cyrmaster", "imapd", "lmtpd"))
        if missing and args.smoke:
            print("SKIP: the Satrap build in %s has no %s yet; the smoke run needs imapd and lmtpd"
                  % (args.bin_dir, ", ".join(missing)))
            return SKIP
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    users, plan = steps(args)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    out_dir = None
    if not args.no_results and (args.results or not args.smoke):
        out_dir = os.path.abspath(args.results or os.path.join(HERE, "results", stamp))
        os.makedirs(os.path.join(out_dir, "raw"), exist_ok=True)
        with open(os.path.join(out_dir, "machine.txt"), "w") as f:
            f.write(report.machine_description())
            f.write("satrap commit: %s\n" % subprocess.run(
                ["git", "-C", HERE, "rev-parse", "--short", "HEAD"], stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL).stdout.decode().strip())
            f.write("command: %s\n" % " ".join(sys.argv))
            if args.note:
                f.write("note: %s\n" % args.note)

    figures, failures, settings, skipped = {}, [], {}, []
    started = time.time()
    for name in args.servers:
        figures[name] = {}
        for step in plan:
            if name == "satrap":
                missing = satrap_missing(args.bin_dir, step[4])
                if missing:
                    skipped.append("%s/%s: no %s in the build" % (name, step[1], ", ".join(missing)))
                    print("skip %s/%s: the build has no %s" % (name, step[1], ", ".join(missing)), flush=True)
                    continue
            raw = []
            t0 = time.time()
            passes = step_passes(args, step)
            samples = []
            for n in range(passes):
                if passes > 1:
                    raw.append("=== pass %d of %d (a fresh instance) ===" % (n + 1, passes))
                server = servers.make_server(name, users, args.bin_dir)
                try:
                    server.start()
                    settings[name] = server.settings()
                    run = run_step(args, server, step, users, raw)
                    samples.append(run.results)
                    failures += ["%s/%s: %s" % (name, step[1], c) for c in run.failed_checks]
                except Exception as e:  # a server that does not start fails the step, not the run
                    failures.append("%s/%s: %s" % (name, step[1], e))
                    raw.append("harness error: %r" % e)
                finally:
                    server.stop()
                    raw.append("--- server log (tail) ---" + server.log_text())
                    server.cleanup()
            figures[name].update(medians(samples))
            if passes > 1:
                raw.append("harness: each figure is the median of %d passes" % len(samples))
            print("%-8s %-16s %6.1fs %s" % (name, step[1], time.time() - t0,
                                           " ".join("%s=%.4g" % (k, v) for k, v in sorted(figures[name].items())
                                                    if k.startswith(step[1].split("_")[0]))), flush=True)
            if out_dir:
                with open(os.path.join(out_dir, "raw", "%s-%s.txt" % (name, step[1])), "w") as f:
                    f.write("\n".join(raw) + "\n")
            elif args.smoke:
                print("\n".join("    " + l for l in raw if l.startswith(("result", "check", "harness", "$")))
                      , flush=True)

    text = report.table(figures, [s for s in report.SERVERS if s in args.servers])
    print("\n" + text)
    for line in skipped:
        print("skipped: " + line)
    for line in failures:
        print("FAILED: " + line)
    print("total time %.0fs" % (time.time() - started))
    if out_dir:
        with open(os.path.join(out_dir, "results.json"), "w") as f:
            json.dump({"figures": figures, "failures": failures, "skipped": skipped,
                       "settings": settings, "seconds": time.time() - started}, f, indent=1, sort_keys=True)
        with open(os.path.join(out_dir, "summary.md"), "w") as f:
            f.write("# Run %s\n\n%s\n" % (os.path.basename(out_dir), text))
            f.write("\nSettings:\n" + "".join("- %s: %s\n" % kv for kv in settings.items()))
            if failures:
                f.write("\nFailed checks:\n" + "".join("- %s\n" % l for l in failures))
            if skipped:
                f.write("\nSkipped:\n" + "".join("- %s\n" % l for l in skipped))
        with open(os.path.join(out_dir, "machine.txt"), "a") as f:
            f.write("load average at end: %s\n" % (os.getloadavg(),))
        print("results in %s" % out_dir)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
