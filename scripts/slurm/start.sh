#!/bin/sh
# A single-node Slurm cluster with accounting, for the real-Slurm tests (docs/slurm.md).
#
# As root, without systemd: installs Debian's slurm-wlm, slurmdbd, mariadb-server and munge if
# they are missing, writes the configuration (count-only GPUs backed by dummy device files,
# GPU-minute limits enforced), and starts munged, MariaDB, slurmdbd, slurmctld and slurmd in
# that order, each waited for. Running it again while the cluster is up changes nothing.
# The facts behind each step are in /work/shared/notes/slurm-in-ci.md (pitfalls 1-4).
set -eu

CLUSTER=${SLURM_CLUSTER:-bitgoeul-ci}
NODE=$(hostname -s)
RUN=/run/slurm
GPU_DEV=/run/bitgoeul-gpus  # dummy character devices standing in for GPUs
DB_PASS=bitgoeul-ci-only    # the local MariaDB is reachable only through its socket

log() { printf '[slurm] %s\n' "$*"; }
die() { printf '[slurm] %s\n' "$*" >&2; exit 1; }
wait_for() {  # wait_for SECONDS WHAT COMMAND...
  limit=$1; what=$2; shift 2
  i=0
  until "$@" >/dev/null 2>&1; do
    i=$((i + 1))
    [ "$i" -le "$((limit * 2))" ] || die "$what did not come up in ${limit}s"
    sleep 0.5
  done
  log "$what is up"
}

[ "$(id -u)" = 0 ] || die "run me as root (I install packages and start daemons)"

if scontrol ping >/dev/null 2>&1 && sinfo -h -o %T 2>/dev/null | grep -q idle; then
  log "already running"; exit 0
fi

# --- packages (services must not start during the install: there is no systemd) ----------
if ! command -v slurmctld >/dev/null || ! command -v slurmdbd >/dev/null \
   || ! command -v mariadbd >/dev/null || ! command -v munged >/dev/null; then
  log "installing packages"
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod 755 /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    slurm-wlm slurmdbd mariadb-server munge >/dev/null
  rm -f /usr/sbin/policy-rc.d
  trap - EXIT
fi

# --- dummy GPUs: Slurm 22.05 drops GRES without device files (pitfall 1) -----------------
mkdir -p "$GPU_DEV"
for model in a100 h100; do
  for n in 0 1 2 3; do
    [ -e "$GPU_DEV/$model-$n" ] || mknod "$GPU_DEV/$model-$n" c 1 3
  done
done

# --- configuration --------------------------------------------------------------------------
mkdir -p /etc/slurm /var/lib/slurm/slurmctld /var/lib/slurm/slurmd /var/log/slurm "$RUN"
chown slurm:slurm /var/lib/slurm/slurmctld /var/log/slurm "$RUN"
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=$CLUSTER
SlurmctldHost=$NODE(127.0.0.1)
AuthType=auth/munge
SlurmUser=slurm
StateSaveLocation=/var/lib/slurm/slurmctld
SlurmdSpoolDir=/var/lib/slurm/slurmd
SlurmctldPidFile=$RUN/slurmctld.pid
SlurmdPidFile=$RUN/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
# more CPUs than the machine has, so that the tests' jobs run side by side
SlurmdParameters=config_overrides
GresTypes=gpu
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
AccountingStorageTRES=gres/gpu,gres/gpu:a100,gres/gpu:h100
# GPU-minute limits (GrpTRESMins) hold only with these and no decay (pitfall 4)
AccountingStorageEnforce=associations,limits,safe
PriorityType=priority/multifactor
PriorityDecayHalfLife=0
PriorityUsageResetPeriod=NONE
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=16 Gres=gpu:a100:4,gpu:h100:4 State=UNKNOWN
PartitionName=gpu Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
{
  for model in a100 h100; do
    for n in 0 1 2 3; do
      printf 'NodeName=%s Name=gpu Type=%s File=%s/%s-%s\n' "$NODE" "$model" "$GPU_DEV" "$model" "$n"
    done
  done
} > /etc/slurm/gres.conf
cat > /etc/slurm/slurmdbd.conf <<CONF
AuthType=auth/munge
DbdHost=localhost
SlurmUser=slurm
PidFile=$RUN/slurmdbd.pid
LogFile=/var/log/slurm/slurmdbd.log
StorageType=accounting_storage/mysql
StorageHost=localhost
StorageUser=slurm
StoragePass=$DB_PASS
StorageLoc=slurm_acct_db
CONF
chown slurm:slurm /etc/slurm/slurmdbd.conf
chmod 600 /etc/slurm/slurmdbd.conf

# --- start, in order (pitfall 3) -------------------------------------------------------------
mkdir -p /run/munge /run/mysqld
chown munge:munge /run/munge
chown mysql:mysql /run/mysqld
[ -s /etc/munge/munge.key ] || { mungekey -c -f -k /etc/munge/munge.key; chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key; }
if ! munge -n >/dev/null 2>&1; then
  runuser -u munge -- /usr/sbin/munged
fi
wait_for 10 munged sh -c 'munge -n | unmunge'

if ! mysqladmin ping >/dev/null 2>&1; then
  [ -d /var/lib/mysql/mysql ] || mariadb-install-db --user=mysql >/dev/null
  (setsid mariadbd --user=mysql >/var/log/slurm/mariadb.log 2>&1 &)
fi
wait_for 30 MariaDB mysqladmin ping
mariadb -e "CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY '$DB_PASS';
  GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';"

[ -f "$RUN/slurmdbd.pid" ] && kill -0 "$(cat "$RUN/slurmdbd.pid")" 2>/dev/null || slurmdbd
wait_for 30 slurmdbd sacctmgr -n show cluster
if [ -z "$(sacctmgr -n -P show cluster "$CLUSTER" format=Cluster)" ]; then
  sacctmgr -i add cluster "$CLUSTER" >/dev/null
fi

[ -f "$RUN/slurmctld.pid" ] && kill -0 "$(cat "$RUN/slurmctld.pid")" 2>/dev/null || slurmctld
wait_for 30 slurmctld scontrol ping
[ -f "$RUN/slurmd.pid" ] && kill -0 "$(cat "$RUN/slurmd.pid")" 2>/dev/null || slurmd
wait_for 60 "node $NODE" sh -c 'sinfo -h -o %T | grep -qx idle'
log "cluster $CLUSTER ready: $(sinfo -h -o '%N %T %G')"
