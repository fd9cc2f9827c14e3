#!/bin/sh
# Stops what scripts/slurm/start.sh started, in reverse order, by the pid files. The state
# (accounts, jobs, the MariaDB data) stays, so a later start is quick.
set -u
stop() {  # stop NAME PIDFILE
  [ -f "$2" ] || return 0
  pid=$(cat "$2")
  if kill "$pid" 2>/dev/null; then
    i=0
    while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 40 ]; do sleep 0.25; i=$((i + 1)); done
    printf '[slurm] stopped %s\n' "$1"
  fi
}
stop slurmd /run/slurm/slurmd.pid
stop slurmctld /run/slurm/slurmctld.pid
stop slurmdbd /run/slurm/slurmdbd.pid
stop MariaDB /run/mysqld/mysqld.pid
stop munged /run/munge/munged.pid
exit 0
