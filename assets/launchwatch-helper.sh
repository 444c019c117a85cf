#!/bin/sh
# Launchwatch's helper: runs the launchd and file steps of one disable or one undo, in order, so that an
# item that needs an administrator asks for the password once (the app runs this fixed script through
# the macOS prompt; it never builds a shell command from text). Every value arrives as its own
# argument, is checked here again, and is only ever passed on as one argument.
#
#   sh launchwatch-helper.sh STEP [-- STEP ...]
#
#   bootout   <service-target>             launchctl bootout; "3: No such process" and "36: Operation now
#                                          in progress" count as done (the caller confirms with print)
#   disable   <service-target>             launchctl disable
#   enable    <service-target> [<plist>]   launchctl enable; given a plist, only when the Label in it (read here, as
#                                          root, with PlistBuddy) is the target's, so that a record the user could
#                                          edit never has root enable another job
#   bootstrap <domain-target> <plist> <label>
#                                          launchctl bootstrap, tried again while launchd answers 5 or 37
#                                          (it does for seconds after a bootout), for up to 15 s; done as
#                                          soon as launchctl print shows the label loaded
#   turnon    <domain-target> <plist>      launchctl enable and bootstrap (as above) of the service the plist at
#                                          <plist> names: its Label is read here, as root, with PlistBuddy, and
#                                          checked as a service target's; "label <Label>" is the first line said.
#                                          For a file root has just put back (unhold), whose Label the user's
#                                          record cannot be trusted to give and the user may not be able to read
#   terminate <pid> <started-at>           SIGTERM, then SIGKILL after 3 s, only while the pid is still
#                                          the process that started at <started-at> (epoch seconds, +-3)
#   hold      <path> <action-id>           moves the file at <path> into the administrator's quarantine (below):
#                                          bytes, owner, mode, times, extended attributes and ACLs all kept (a
#                                          rename); a second file for the same action is kept beside the first;
#                                          a link or anything else not a file at <path> is removed (rm -f)
#   unhold    <action-id> <path>           moves that file back to <path>, which must be where it was taken from
#                                          and must be free
#   sockets   <pids> <interval> <count> <stop-file>
#                                          lsof of those processes' TCP and UDP sockets (pids comma-
#                                          separated), <count> times every <interval> s (at most 120 times,
#                                          60 s apart), until <stop-file> exists; each as "@sample <epoch>"
#                                          then lsof's -F lines. Nothing keeps running afterwards.
#
# It prints, for each step: "step <n> <exit status>", then what the command said, each line indented.
# It stops at the first step that fails.

# shellcheck disable=SC2317 # the validators below are called through need()
set -u
LC_ALL=C
export LC_ALL

# Absolute paths on a Mac, so nothing on PATH can stand in for them; elsewhere (the tests) from PATH.
tool() {
  for candidate in "$@"; do
    case $candidate in
      /*) [ -x "$candidate" ] && { printf '%s\n' "$candidate"; return 0; } ;;
      *) command -v "$candidate" 2>/dev/null && return 0 ;;
    esac
  done
  printf '%s\n' "$1"
}
LAUNCHCTL=$(tool /bin/launchctl launchctl)
LSOF=$(tool /usr/sbin/lsof lsof)
PLISTBUDDY=$(tool /usr/libexec/PlistBuddy PlistBuddy)

# The administrator's quarantine: a folder only root can change, so that what Undo puts back in a root-owned folder
# is what was taken out of it, whatever ran as the user meanwhile (the user's own quarantine and journal are the
# user's to change). Linux keeps it in /var/lib; tests, which run elsewhere, name their own.
case $(uname 2>/dev/null) in
  Darwin) HELD="/Library/Application Support/Launchwatch/Quarantine" ;;
  *) HELD=${LAUNCHWATCH_HELD_DIR:-/var/lib/launchwatch/quarantine} ;;
esac

# What this helper makes (the administrator's quarantine) is root's alone.
umask 077

fail() {
  echo "launchwatch-helper: $*" >&2
  exit 2
}

# A service target: a domain, "/", and a label. launchd takes any string as a label, and a miner may choose one an
# allow-list would refuse; here it is only ever one argument ("$1"), so only what breaks a target or a line is refused:
# a "/" (launchctl splits a target there: the domain check below fails), a control character, an empty label.
valid_target() {
  valid_domain "${1%/*}" || return 1
  case ${1##*/} in '' | *[[:cntrl:]]*) return 1 ;; esac
  [ ${#1} -le 4200 ]
}

valid_domain() {
  case $1 in system) return 0 ;; gui/*) case ${1#gui/} in '' | *[!0-9]*) return 1 ;; esac ;; *) return 1 ;; esac
}

valid_path() {
  case $1 in /*) ;; *) return 1 ;; esac
  case $1 in */../* | */.. | */./* | *'
'*) return 1 ;; esac
  return 0
}

valid_id() {
  case $1 in '' | *[!A-Za-z0-9-]* | -*) return 1 ;; esac
  [ ${#1} -le 64 ]
}

valid_pids() {
  case $1 in '' | *[!0-9,]* | ,* | *, | *,,*) return 1 ;; esac
}

number() {
  case $1 in '' | *[!0-9]*) return 1 ;; esac
}

# Seconds since the process started, from ps's etime ([[dd-]hh:]mm:ss).
elapsed_of() {
  e=$(ps -o etime= -p "$1" 2>/dev/null | tr -d ' ')
  [ -n "$e" ] || return 1
  days=0
  case $e in *-*) days=${e%%-*}; e=${e#*-} ;; esac
  old_ifs=$IFS
  IFS=:
  # shellcheck disable=SC2086 # splitting on ":" is the point
  set -- $e
  IFS=$old_ifs
  case $# in
    3) echo $((days * 86400 + ${1#0} * 3600 + ${2#0} * 60 + ${3#0})) ;;
    2) echo $((days * 86400 + ${1#0} * 60 + ${2#0})) ;;
    *) return 1 ;;
  esac
}

still_same() {
  # $1 pid, $2 expected start (epoch seconds)
  elapsed=$(elapsed_of "$1") || return 1
  started=$(($(date +%s) - elapsed))
  difference=$((started - $2))
  [ "$difference" -ge -3 ] && [ "$difference" -le 3 ]
}

said=$(mktemp "${TMPDIR:-/tmp}/launchwatch-helper.XXXXXX") || fail "cannot make a temporary file"
trap 'rm -f "$said"' EXIT

report() {
  # $1 step number, $2 status; what the command said, indented.
  echo "step $1 $2"
  sed 's/^/  /' "$said"
  : > "$said"
}

bootstrap_until_loaded() {
  # $1 domain, $2 plist, $3 label. What the last try said goes to $said, after what was there before the first.
  before=$(cat "$said")
  waited=0
  pause=1
  while :; do
    {
      [ -z "$before" ] || printf '%s\n' "$before"
      "$LAUNCHCTL" bootstrap "$1" "$2" 2>&1
    } > "$said"
    status=$?
    case $status in 5 | 37) ;; *) return "$status" ;; esac
    # 5 also means "already loaded" (loaded by hand, or by a run of this helper that was cut short).
    if "$LAUNCHCTL" print "$1/$3" > /dev/null 2>&1; then
      echo "already loaded" >> "$said"
      return 0
    fi
    [ "$waited" -lt 15 ] || return "$status"
    sleep "$pause"
    waited=$((waited + pause))
    [ "$pause" -ge 4 ] || pause=$((pause * 2))
  done
}

label_in() {
  # The Label of the plist at $1, read as whoever runs this; a link or anything not a file is said and refused.
  if [ -L "$1" ] || [ ! -f "$1" ]; then
    echo "$1 is not a regular file: nothing was done" > "$said"
    return 1
  fi
  # PlistBuddy(8) prints a string entry as itself on one line; a missing one is an error on stderr (status 1).
  "$PLISTBUDDY" -c "Print :Label" "$1" 2>/dev/null
  return 0
}

need() {
  # need <expected word count> <message> <check...>: fail unless the step has that many words and the check holds.
  expected=$1
  message=$2
  shift 2
  if [ "$arity" -ne "$expected" ] || ! "$@"; then fail "$message"; fi
}

run_step() {
  # run_step <word count> <verb> <words...> [-- rest]: only the first <word count> words are this step's.
  arity=$(($1 - 1))
  verb=$2
  shift 2
  case $verb in
    bootout)
      need 1 "bootout needs a service target" valid_target "$1"
      "$LAUNCHCTL" bootout "$1" > "$said" 2>&1
      status=$?
      case $status in 3 | 36) return 0 ;; esac
      return "$status" ;;
    disable)
      need 1 "disable needs a service target" valid_target "$1"
      "$LAUNCHCTL" disable "$1" > "$said" 2>&1 ;;
    enable)
      if [ "$arity" -eq 2 ]; then
        need 2 "enable needs a service target (and a plist path)" valid_target "$1"
        need 2 "enable needs a service target (and a plist path)" valid_path "$2"
        named=$(label_in "$2") || return 1
        if [ "$named" != "${1##*/}" ]; then
          echo "the Label in $2 is not the one to enable: nothing was enabled" > "$said"
          return 1
        fi
      else
        need 1 "enable needs a service target (and a plist path)" valid_target "$1"
      fi
      "$LAUNCHCTL" enable "$1" > "$said" 2>&1 ;;
    bootstrap)
      m="bootstrap needs a domain, a plist path and a label"
      need 3 "$m" valid_domain "$1"
      need 3 "$m" valid_path "$2"
      need 3 "$m" valid_target "$1/$3"
      bootstrap_until_loaded "$1" "$2" "$3" ;;
    turnon)
      m="turnon needs a domain and a plist path"
      need 2 "$m" valid_domain "$1"
      need 2 "$m" valid_path "$2"
      label=$(label_in "$2") || return 1
      if ! valid_target "$1/$label"; then
        echo "$2 has no Label launchctl takes (one with no / and no control characters): nothing was loaded" > "$said"
        return 1
      fi
      echo "label $label" > "$said"
      "$LAUNCHCTL" enable "$1/$label" >> "$said" 2>&1 || return
      bootstrap_until_loaded "$1" "$2" "$label" ;;
    terminate)
      need 2 "terminate needs a pid and a start time" number "$1"
      need 2 "terminate needs a pid and a start time" number "$2"
      still_same "$1" "$2" || { echo "pid $1 is gone (or is another process now)" > "$said"; return 0; }
      kill -TERM "$1" 2> "$said"
      tries=0
      while [ "$tries" -lt 30 ] && still_same "$1" "$2"; do sleep 0.1 2>/dev/null || sleep 1; tries=$((tries + 1)); done
      if still_same "$1" "$2"; then kill -KILL "$1" 2>> "$said"; sleep 1; fi
      ! still_same "$1" "$2" ;;
    hold)
      need 2 "hold needs a path and an action id" valid_path "$1"
      need 2 "hold needs a path and an action id" valid_id "$2"
      if [ -L "$HELD" ] || [ -L "$HELD/$2" ]; then echo "$HELD is a link: nothing was moved" > "$said"; return 1; fi
      mkdir -p "$HELD/$2" > "$said" 2>&1 || return 1
      if [ -L "$1" ] || { [ -e "$1" ] && [ ! -f "$1" ]; }; then
        rm -f "$1" >> "$said" 2>&1 && [ ! -e "$1" ] && [ ! -L "$1" ]
        return
      fi
      [ -e "$1" ] || return 0
      if [ -e "$HELD/$2/file" ]; then
        # Held already (a run cut short, or the file written again since): the first stays what Undo puts back.
        mv "$1" "$HELD/$2/file.again-$(date +%s)-$$" >> "$said" 2>&1 && [ ! -e "$1" ]
        return
      fi
      # Where it came from first, so that a file held is never without it.
      printf '%s\n' "$1" > "$HELD/$2/origin" && mv "$1" "$HELD/$2/file" >> "$said" 2>&1 && [ ! -e "$1" ] ;;
    unhold)
      need 2 "unhold needs an action id and a path" valid_id "$1"
      need 2 "unhold needs an action id and a path" valid_path "$2"
      if [ -L "$HELD" ] || [ -L "$HELD/$1" ] || [ -L "$HELD/$1/file" ] || [ ! -f "$HELD/$1/file" ]; then
        echo "the administrator's quarantine holds no file for $1" > "$said"
        return 1
      fi
      origin=$(cat "$HELD/$1/origin" 2>/dev/null)
      if [ "$origin" != "$2" ]; then
        echo "the file held for $1 was taken from ${origin:-an unknown place}, not $2: it was not moved" > "$said"
        return 1
      fi
      if [ -e "$2" ] || [ -L "$2" ]; then
        echo "something is already at $2: it was left alone, and the held file stays in $HELD/$1" > "$said"
        return 1
      fi
      mv "$HELD/$1/file" "$2" > "$said" 2>&1 || return 1
      rm -f "$HELD/$1/origin"
      rmdir "$HELD/$1" 2>/dev/null
      return 0 ;;
    sockets)
      m="sockets needs pids, an interval, a count and a stop file"
      need 4 "$m" valid_pids "$1"
      need 4 "$m" number "$2"
      need 4 "$m" number "$3"
      need 4 "$m" valid_path "$4"
      if [ "$2" -lt 1 ] || [ "$2" -gt 60 ] || [ "$3" -lt 1 ] || [ "$3" -gt 120 ]; then fail "$m (interval 1-60 s, count 1-120)"; fi
      taken=0
      while [ "$taken" -lt "$3" ] && [ ! -e "$4" ]; do
        echo "@sample $(date +%s)" >> "$said"
        "$LSOF" -nP -iTCP -iUDP -F pcuftPnT -a -p "$1" >> "$said" 2>/dev/null
        taken=$((taken + 1))
        [ "$taken" -lt "$3" ] && [ ! -e "$4" ] && sleep "$2"
      done
      return 0 ;;
    *) fail "unknown step '$verb'" ;;
  esac
}

[ $# -gt 0 ] || fail "usage: sh launchwatch-helper.sh STEP [-- STEP ...]"
n=0
while [ $# -gt 0 ]; do
  n=$((n + 1))
  # One step's words, up to the next "--".
  count=0
  for word in "$@"; do
    [ "$word" = -- ] && break
    count=$((count + 1))
  done
  run_step "$count" "$@"
  status=$?
  report "$n" "$status"
  [ $status -eq 0 ] || exit 1
  shift "$count"
  [ $# -gt 0 ] && shift
done
exit 0
