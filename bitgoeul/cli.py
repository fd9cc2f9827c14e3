"""`bitgoeul`: the one command. `serve`, `solve` are handled here; everything else
(`worker`, `demo`, `createadmin`, `migrate`, …) is a Django management command."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence


def _serve(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="bitgoeul serve", description="Web server and a worker.")
    parser.add_argument("--demo", action="store_true", help="generate a secret key, load demo data")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=2, help="web server processes")
    parser.add_argument("--no-worker", action="store_true", help="do not start a task worker")
    args = parser.parse_args(argv)
    if args.demo:
        os.environ["BITGOEUL_DEMO"] = "true"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if args.demo:
        call_command("demo")
    env = dict(os.environ)
    web = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "bitgoeul.wsgi:application",
            "--bind",
            f"{args.host}:{args.port}",
            "--workers",
            str(args.workers),
            "--access-logfile",
            "-",
            "--graceful-timeout",
            "5",
        ],
        env=env,
    )
    children = [web]
    if not args.no_worker:
        children.append(subprocess.Popen([sys.executable, "-m", "bitgoeul.cli", "worker"], env=env))
    print(f"Bitgoeul is running on http://{args.host}:{args.port}/  (Ctrl-C stops it)", flush=True)
    if args.demo:
        from bitgoeul.web.demo import DEMO_LOGINS, DEMO_PASSWORD

        print(f"Demo logins (password {DEMO_PASSWORD}):", flush=True)
        for role, email in DEMO_LOGINS:
            print(f"  {role:<22} {email}", flush=True)

    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    # Run until Ctrl-C, or until one process dies (then stop the other: half a platform is
    # worse than none, e.g. a web server whose jobs never run).
    while not stopping and all(child.poll() is None for child in children):
        time.sleep(0.5)
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    codes = [child.wait() for child in children]
    return 0 if stopping and all(code in (0, -signal.SIGTERM) for code in codes) else 1


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bitgoeul.settings")
    if args[:1] == ["solve"]:
        from bitgoeul.optimize.cli import main as solve_main

        return solve_main(args[1:])
    if args[:1] == ["serve"]:
        return _serve(args[1:])
    from django.core.management import execute_from_command_line

    execute_from_command_line(["bitgoeul", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
