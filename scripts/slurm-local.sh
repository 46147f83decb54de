#!/usr/bin/env bash
# Starts (or stops) a one-node Slurm on localhost, with munge, for tests and for trying `rigor
# slurm` without a cluster. No systemd: the daemons are started directly and stopped by their PID
# files. Needs root (slurmd runs jobs as their submitter) and Debian's slurm-wlm and munge
# (scripts/install-deps.sh --slurm).
#
#   scripts/slurm-local.sh start     # munged, slurmctld, slurmd; waits until the node is idle
#   export SLURM_CONF=/tmp/rigor-slurm/slurm.conf   # (printed by start) for sbatch/squeue/sinfo
#   scripts/slurm-local.sh stop      # kills the daemons this script started
#
# State, logs and the configuration go to $RIGOR_SLURM_DIR (default /tmp/rigor-slurm). The node is
# this host's short name at 127.0.0.1 with all its CPUs and half its memory; one partition, debug.
set -euo pipefail

dir="${RIGOR_SLURM_DIR:-/tmp/rigor-slurm}"
conf="$dir/slurm.conf"
munge_key="${RIGOR_MUNGE_KEY:-/etc/munge/munge.key}"
munge_socket_dir=/run/munge

die() {
  echo "slurm-local: $*" >&2
  exit 1
}

stop_pid_file() {  # stop_pid_file FILE NAME: TERM, then KILL after 5 s, the process in FILE
  local file=$1 name=$2 pid
  [[ -s "$file" ]] || return 0
  pid=$(<"$file")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    echo "slurm-local: stopped $name (pid $pid)"
  fi
  rm -f "$file"
}

stop() {
  stop_pid_file "$dir/slurmd.pid" slurmd
  stop_pid_file "$dir/slurmctld.pid" slurmctld
  stop_pid_file "$dir/munged.pid" munged
}

start() {
  [[ $(id -u) -eq 0 ]] || die "must run as root (slurmd starts jobs as their user)"
  for tool in munged slurmctld slurmd sinfo; do
    command -v "$tool" >/dev/null ||
      die "$tool not found: install Slurm with scripts/install-deps.sh --slurm (slurm-wlm munge)"
  done
  mkdir -p "$dir/state" "$dir/spool" "$munge_socket_dir" "$(dirname "$munge_key")"

  # munge: a key if absent (1 KiB random, as mungekey(8) makes), then the daemon. Its own PID
  # file: a munged started by someone else (systemd, another run) is left alone.
  if [[ ! -s "$munge_key" ]]; then
    dd if=/dev/urandom of="$munge_key" bs=1024 count=1 status=none
    echo "slurm-local: created $munge_key"
  fi
  chmod 0400 "$munge_key"
  if [[ -S "$munge_socket_dir/munge.socket.2" ]] && munge -n </dev/null >/dev/null 2>&1; then
    echo "slurm-local: munged already running"
  else
    munged --force --key-file="$munge_key" --pid-file="$dir/munged.pid" \
      --log-file="$dir/munged.log" --seed-file="$dir/munged.seed"
    munge -n </dev/null >/dev/null || die "munged did not start; see $dir/munged.log"
  fi

  # One node: this host's short name at 127.0.0.1. RealMemory must not exceed what slurmd
  # detects or the node is drained ("Low RealMemory"), so half of `free` is declared.
  local host cpus mem
  host=$(hostname -s)
  cpus=$(nproc)
  mem=$(($(free -m | awk '/^Mem:/ {print $2}') / 2))
  cat >"$conf" <<EOF
# Written by scripts/slurm-local.sh: a one-node Slurm for tests. No cgroups, no accounting.
ClusterName=rigor-local
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=${RIGOR_SLURMCTLD_PORT:-6817}
SlurmdPort=${RIGOR_SLURMD_PORT:-6818}
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
ReturnToService=2
SchedulerParameters=sched_interval=1
MinJobAge=300
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  export SLURM_CONF="$conf"
  # -c: a clean start (no jobs from a previous run); -i: ignore stale state.
  slurmctld -c -i -f "$conf" || die "slurmctld did not start; see $dir/slurmctld.log"
  slurmd -f "$conf" || die "slurmd did not start; see $dir/slurmd.log"

  local state=""
  for _ in $(seq 60); do
    state=$(sinfo -h -N -n "$host" -o '%t' 2>/dev/null || true)
    [[ "$state" == idle* ]] && break
    sleep 0.5
  done
  if [[ "$state" != idle* ]]; then
    sinfo -N -l >&2 || true
    stop
    die "node $host is \"$state\", not idle, after 30 s; see $dir/slurmctld.log and $dir/slurmd.log"
  fi
  echo "slurm-local: node $host idle ($cpus CPUs, ${mem} MB); export SLURM_CONF=$conf"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *)
    echo "usage: $0 start|stop   (state in \$RIGOR_SLURM_DIR, default /tmp/rigor-slurm)" >&2
    exit 2
    ;;
esac
