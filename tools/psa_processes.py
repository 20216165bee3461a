"""No process started by `make` outlives it, whether the run passes, fails or stops.

A test server that dies with its browser running, or a browser start that
Odoo gives up on, leaves processes whose parent is gone. On Linux this
process becomes their "child subreaper": such orphans are re-parented to it
instead of to init, so they stay among its descendants, and
:func:`stop_leftovers` stops every descendant still running once a step is
over and when the command ends, including on Ctrl-C and SIGTERM.
"""

import ctypes
import os
import signal
import sys

PR_SET_CHILD_SUBREAPER = 36


def guard():
    """Adopt orphaned descendants, and turn SIGTERM/SIGHUP into a clean exit."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)

    def _exit(signum, _frame):
        raise SystemExit(128 + signum)

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _exit)


def stop_leftovers(grace=10):
    """Stop every process still descending from this one; describe them.

    Call it only when no child is meant to run any more: it terminates them
    all (SIGTERM, then SIGKILL after ``grace`` seconds) and reaps them.
    """
    try:
        import psutil  # comes with Odoo
    except ImportError:  # setup stopped before Odoo was there: nothing ran yet
        return []

    running, described = [], []
    for proc in psutil.Process().children(recursive=True):
        try:
            if proc.status() == psutil.STATUS_ZOMBIE:
                continue
            described.append(f"{proc.name()} ({proc.pid})")
            running.append(proc)
        except psutil.Error:
            continue
    stop(running, grace)
    _reap_zombies()
    return described


def stop(procs, grace=10):
    """Terminate psutil processes, kill those still there after ``grace`` seconds."""
    import psutil

    for signal_them in ("terminate", "kill"):
        for proc in procs:
            try:
                getattr(proc, signal_them)()
            except psutil.Error:
                continue
        _gone, procs = psutil.wait_procs(procs, timeout=grace)


def _reap_zombies():
    """Collect the exit status of adopted orphans that ended meanwhile."""
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if not pid:
            return
