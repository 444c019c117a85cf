#!/bin/sh
# Launchwatch collector: writes a capture bundle (capture-format.md, version 1) with nothing but the
# stock tools of a Mac, for a helpdesk to open in Launchwatch. Read-only: it changes nothing.
#
#   sh collect.sh [--duration SECONDS] [--interval SECONDS] [--output FOLDER] [--redact]
#   sudo sh collect.sh ...     also sees the sockets of root processes (Launch Daemons)
#   --redact                   the host name, the user's name and home folder, and the serial number
#                              are replaced or left out before anything is written to the archive
#
# LW_ROOT (empty on a Mac) prefixes every path read, so the script can be tested on another machine.

set -u
LC_ALL=C
# macOS cp and tar would add AppleDouble "._" files for extended attributes: keep the bundle plain.
COPYFILE_DISABLE=1
export LC_ALL COPYFILE_DISABLE

duration=120
interval=10
output=.
redact=false
root=${LW_ROOT:-}
plistbuddy=${LW_PLISTBUDDY:-/usr/libexec/PlistBuddy}

usage() {
  echo "usage: sh collect.sh [--duration SECONDS] [--interval SECONDS] [--output FOLDER] [--redact]" >&2
  exit 2
}

is_count() {
  case $1 in '' | *[!0-9]*) return 1 ;; *) [ "$1" -gt 0 ] ;; esac
}

# Every read of a file a launch item names (its plist, its program, a script, a config) runs under a watchdog:
# whoever owns its folder can swap the name for a FIFO between the look ([ -f ]) and the read, and open(2) of a
# FIFO waits for a writer for ever (POSIX open(2); fifo(7)); sh cannot open without waiting. A read still going
# after LW_READ_SECONDS (20) is ended, counts as failed, and is named in not-copied.txt (no-answer). Sizes come
# from stat(1), which opens nothing. Once three reads have not answered, someone is swapping names under the
# collector: each later read gets 1 s, so that a thousand such names cost minutes, not hours. They are counted
# beside the bundle (a byte each in $bundle.no-answers), since reads run in subshells and a name with a line end
# in it is not written to not-copied.txt.
read_seconds=${LW_READ_SECONDS:-20}
is_count "$read_seconds" || read_seconds=20
within() {
  # within <file> <command...>: the command (which reads <file>), or status 137 if it outlasted its time.
  within_file=$1
  shift
  within_seconds=$read_seconds
  if [ -s "$bundle.no-answers" ] && [ $(($(wc -c < "$bundle.no-answers"))) -ge 3 ]; then within_seconds=1; fi
  "$@" &
  within_job=$!
  (
    sleep "$within_seconds" &
    within_sleep=$!
    trap 'kill "$within_sleep" 2>/dev/null; exit 0' TERM
    wait "$within_sleep"
    # From here the count and the line are written whatever comes: the caller's TERM, once its read is ended, must
    # not cut them short (it then waits for this to finish, and its next read sees the count).
    trap '' TERM
    kill -KILL "$within_job" 2>/dev/null || exit 0
    printf x >> "$bundle.no-answers"
    not_copied no-answer "${within_file#"$root"}"
  ) > /dev/null 2>&1 &
  within_timer=$!
  wait "$within_job"
  within_status=$?
  kill "$within_timer" 2>/dev/null
  wait "$within_timer" 2>/dev/null
  return "$within_status"
}

while [ $# -gt 0 ]; do
  case $1 in
    --duration) [ $# -ge 2 ] || usage; duration=$2; shift 2 ;;
    --interval) [ $# -ge 2 ] || usage; interval=$2; shift 2 ;;
    --output) [ $# -ge 2 ] || usage; output=$2; shift 2 ;;
    --redact) redact=true; shift ;;
    -h | --help) usage ;;
    *) echo "collect.sh: unknown argument: $1" >&2; usage ;;
  esac
done
is_count "$duration" || { echo "collect.sh: --duration must be a whole number of seconds, got '$duration'" >&2; exit 2; }
is_count "$interval" || { echo "collect.sh: --interval must be a whole number of seconds, got '$interval'" >&2; exit 2; }
[ -d "$output" ] || { echo "collect.sh: --output folder '$output' does not exist" >&2; exit 2; }
[ -w "$output" ] || { echo "collect.sh: cannot write in --output folder '$output' (permission denied); choose another with --output" >&2; exit 2; }

# Who the capture is about: under sudo, the user who ran sudo.
if [ "$(id -u)" -eq 0 ]; then privileged=true; else privileged=false; fi
user_name=${SUDO_USER:-$(id -un)}
user_id=$(id -u "$user_name" 2>/dev/null || id -u)
# The user's home from the directory service (no eval of a name); under sudo $HOME may be root's.
user_home=$(dscl . -read "/Users/$user_name" NFSHomeDirectory 2>/dev/null | sed -n 's/^NFSHomeDirectory: *//p')
case $user_home in /*) ;; *) user_home=${HOME:-/Users/$user_name} ;; esac

host_name=$(hostname 2>/dev/null || echo unknown)
os_version=$(sw_vers -productVersion 2>/dev/null || echo unknown)
arch=$(uname -m 2>/dev/null || echo unknown)
cpu_count=$(sysctl -n hw.ncpu 2>/dev/null || echo 1)
is_count "$cpu_count" || cpu_count=1
# Machine facts a helpdesk asks for first. Each may be missing: the reader leaves out an empty one.
hw_model=$(sysctl -n hw.model 2>/dev/null)
os_build=$(sw_vers -buildVersion 2>/dev/null)
cpu_model=$(sysctl -n machdep.cpu.brand_string 2>/dev/null)
memory_bytes=$(sysctl -n hw.memsize 2>/dev/null)
is_count "$memory_bytes" || memory_bytes=null
# kern.boottime reads "{ sec = 1701234567, usec = 123456 } Thu Nov 30 09:00:00 2026".
booted_at=$(sysctl -n kern.boottime 2>/dev/null | sed -n 's/^{ sec = \([0-9]*\),.*/\1/p')
is_count "$booted_at" || booted_at=null
serial=$(ioreg -rd1 -c IOPlatformExpertDevice 2>/dev/null | sed -n 's/^ *"IOPlatformSerialNumber" = "\(.*\)"$/\1/p' | head -n 1)
console_user=$(stat -f %Su /dev/console 2>/dev/null)
# /etc/localtime links to /var/db/timezone/zoneinfo/<zone>: the zone times are shown in.
time_zone=$(readlink "$root/etc/localtime" 2>/dev/null)
case $time_zone in *zoneinfo/*) time_zone=${time_zone#*zoneinfo/} ;; *) time_zone= ;; esac
utc_offset=$(date +%z 2>/dev/null)
stamp=$(date -u +%Y%m%dT%H%M%SZ)
if [ "$redact" = true ]; then
  name="launchwatch-capture-redacted-$stamp"
else
  name="launchwatch-capture-$(printf '%s' "$host_name" | tr -c 'A-Za-z0-9.-' '_')-$stamp"
fi
bundle="$output/$name"
mkdir -p "$bundle/fs" "$bundle/samples" || { echo "collect.sh: could not create $bundle" >&2; exit 1; }
# Ctrl-C (or a kill) leaves nothing half-made behind: the working folder and a partial archive go.
cleanup() {
  rm -rf "$bundle" "$bundle.tar.gz.partial" "$bundle.no-answers"
}
trap 'cleanup; echo "collect.sh: stopped; nothing was left behind" >&2; exit 130' INT TERM HUP

json_string() {
  # JSON string body: escape backslash and quote, drop control characters.
  printf '%s' "$1" | tr -d '\000-\037' | sed 's/\\/\\\\/g; s/"/\\"/g'
}

now_iso() {
  date -u +%Y-%m-%dT%H:%M:%S.000Z
}

total_planned=$((duration / interval + 1))
cat >&2 <<NOTICE
Launchwatch collector: about $duration s ($total_planned samples, one every $interval s). It reads only:
  - the launchd property lists (and the small config files and scripts they name),
  - every process's command line (ps) and network sockets (lsof), every sample,
  - how each program is signed (codesign), and the names of the hosts they talk to.
It changes nothing, and writes one file: $bundle.tar.gz
NOTICE
if [ "$privileged" = false ]; then
  echo "Not running with sudo: root processes' sockets (Launch Daemons) will not be seen. 'sudo sh collect.sh' sees them." >&2
fi

# launchd state, as the capturing user sees it.
# Under sudo, plain `launchctl list` shows the system domain; the capture wants the user's (with
# their agents' PIDs and exit statuses), so it is run in the user's session as the user.
if [ "$privileged" = true ] && [ -n "${SUDO_USER:-}" ]; then
  launchctl asuser "$user_id" sudo -u "$user_name" launchctl list > "$bundle/launchctl-list.txt" 2>/dev/null \
    || launchctl list > "$bundle/launchctl-list.txt" 2>/dev/null || echo "note: launchctl list failed" >&2
else
  launchctl list > "$bundle/launchctl-list.txt" 2>/dev/null || echo "note: launchctl list failed" >&2
fi
launchctl print-disabled "gui/$user_id" > "$bundle/launchctl-print-disabled.txt" 2>/dev/null || rm -f "$bundle/launchctl-print-disabled.txt"
if [ "$privileged" = true ]; then
  # Root's own list is the system domain: the daemons' PIDs and exit statuses.
  launchctl list > "$bundle/launchctl-list-system.txt" 2>/dev/null || rm -f "$bundle/launchctl-list-system.txt"
  launchctl print-disabled system > "$bundle/launchctl-print-disabled-system.txt" 2>/dev/null || rm -f "$bundle/launchctl-print-disabled-system.txt"
  # Background Task Management (macOS 13 and later): every login and background item, with its developer.
  sfltool dumpbtm > "$bundle/btm.txt" 2>/dev/null || rm -f "$bundle/btm.txt"
fi

# Whom processes run as, by name (ps gives uids).
dscl . -list /Users UniqueID > "$bundle/users.txt" 2>/dev/null || rm -f "$bundle/users.txt"

# Property lists, byte for byte, at their own paths under fs/.
copy_file() {
  # $1: absolute path on the Mac. Regular files only, never through a link, up to 1 MiB for named files.
  # A path that still climbs (..) or idles (.) is refused: its copy under fs/ could land outside the bundle.
  case "$1/" in */../* | */./*) return 1 ;; esac
  src="$root$1"
  [ -f "$src" ] && [ ! -L "$src" ] || return 1
  mkdir -p "$bundle/fs$(dirname "$1")" || return 1
  within "$src" cp -p "$src" "$bundle/fs$1" || { rm -f "$bundle/fs$1"; return 1; }
  # The date the Mac gives the file, kept apart: a copy of the capture may reset the copies' dates.
  modified=$(stat -f %m "$src" 2>/dev/null) && is_count "$modified" \
    && printf '%s\t%s\n' "$modified" "$1" >> "$bundle/file-dates.txt"
  return 0
}

user_may_read() {
  # Under sudo, a file a plist names (or links to) is copied only if the user could read it: a plist must
  # not be able to make a root collector copy /etc/sudoers, or a file in root's home, into a capture the
  # user owns. The system answers for the user, folders on the way and ACLs included: sudo(8) run by root
  # asks no password and runs the command with the user's uid, gid and groups. No answer means no copy.
  [ "$privileged" = true ] || return 0
  [ "$user_id" -ne 0 ] || return 0
  case $1 in /Library/LaunchAgents/* | /Library/LaunchDaemons/* | /System/Library/*) return 0 ;; esac
  sudo -n -u "#$user_id" /bin/test -r "$root$1" 2>/dev/null
}

copy_link() {
  # $1: a plist that is a symbolic link. launchd follows it, so the link goes into the bundle as a link
  # and its target (resolved to a physical path, so no ".." can lead out of the bundle) as a file.
  link_target=$(readlink "$root$1") || return 1
  case $link_target in /*) target_dir=$(dirname "$link_target") ;; *) target_dir=$(dirname "$1")/$(dirname "$link_target") ;; esac
  physical=$(cd "$root$target_dir" 2>/dev/null && pwd -P) || { echo "note: $1 links to $link_target, which does not exist" >&2; return 1; }
  case $physical in "$root"/* | "$root") ;; *) return 1 ;; esac
  target=${physical#"$root"}/$(basename "$link_target")
  if [ ! -f "$root$target" ] || [ -L "$root$target" ]; then
    echo "note: $1 links to $link_target, which is not a regular file" >&2
    return 1
  fi
  user_may_read "$target" || { echo "note: $1 links to $target, which $user_name cannot read: not copied" >&2; return 1; }
  mkdir -p "$bundle/fs$(dirname "$1")" && cp -P "$root$1" "$bundle/fs$1" && copy_file "$target"
}

list_plists() {
  for folder in /Library/LaunchAgents /Library/LaunchDaemons "$user_home/Library/LaunchAgents" \
    /System/Library/LaunchAgents /System/Library/LaunchDaemons; do
    for f in "$root$folder"/*.plist; do [ -f "$f" ] && printf '%s\n' "${f#"$root"}"; done
  done
  for apps in /Applications "$user_home/Applications"; do
    for f in "$root$apps"/*.app/Contents/Library/LaunchAgents/*.plist "$root$apps"/*.app/Contents/Library/LaunchDaemons/*.plist; do
      [ -f "$f" ] && printf '%s\n' "${f#"$root"}"
    done
  done
}

plist_value() {
  # Prints one key of a plist (empty when absent).
  "$plistbuddy" -c "Print :$1" "$root$2" 2>/dev/null
}

plists=$(list_plists)
count_plists=0
programs_file="$bundle/.programs"
# The scripts read for the files they name, for the plist being read (each once; at most 64).
scripts_read="$bundle/.scripts"
libraries_file="$bundle/.libraries"
hosts_file="$bundle/.hosts"
: > "$programs_file"
: > "$libraries_file"
: > "$hosts_file"

nl='
'
tab=$(printf '\t')
job_home_of() {
  # $1: a plist. The home its job's shell expands ~ and $HOME with, as the engine's job-home.ts reads it
  # (launchd core.c: HOME from the password entry of the user the job runs as, then EnvironmentVariables,
  # which win; a daemon with no UserName runs as root and its shell's ~ is root's home, bash(1) Tilde
  # Expansion). Empty when it cannot be known here (a daemon run as another user): its ~ files are skipped.
  set_home=$(absolute_folder "$(plist_value EnvironmentVariables:HOME "$1")")
  if [ -n "$set_home" ]; then
    printf '%s' "$set_home"
    return 0
  fi
  case $1 in
    */Library/LaunchDaemons/*)
      run_as=$(plist_value UserName "$1")
      case $run_as in '' | root) printf '%s' /var/root ;; "$user_name") printf '%s' "$user_home" ;; esac ;;
    # Agents run as the logged-in user: the user's own, the global ones and apps' alike.
    *) printf '%s' "$user_home" ;;
  esac
}

lexical_path() {
  # $1: an absolute path without a newline. Prints it with //, /./ and x/.. resolved as words (one awk pass:
  # a loop of ${x%/} would be quadratic on a long run), as the reader looks paths up in a capture, so that
  # nothing a plist names can climb out of fs/ when it is copied.
  printf '%s\n' "$1" | awk -F/ '{
    n = 0
    for (i = 1; i <= NF; i++) {
      if ($i == "" || $i == ".") continue
      if ($i == "..") { if (n > 0) n--; continue }
      part[++n] = $i
    }
    if (n == 0) printf "/"
    for (i = 1; i <= n; i++) printf "/%s", part[i]
    printf "\n"
  }'
}

absolute_folder() {
  # $1: a folder named in a plist; prints it resolved as words (lexical_path), or nothing if it is not
  # absolute or holds a newline.
  case $1 in *"$nl"*) return 0 ;; /*) ;; *) return 0 ;; esac
  lexical_path "$1"
}

with_home() {
  # $1: a word; prints it with a leading ~/, $HOME/ or ${HOME}/ expanded with the job's home (nothing when
  # that home is unknown).
  # shellcheck disable=SC2016,SC2088 # a literal "~/" or "$HOME/" in a plist argument, expanded by hand
  case $1 in
    "~/"* | '$HOME/'* | '${HOME}/'*) [ -z "$job_home" ] || printf '%s' "${job_home%/}/${1#*/}" ;;
    *) printf '%s' "$1" ;;
  esac
}

add_job_dir() {
  # $1: a folder the job cd-s to. Kept in job_dirs (one a line, at most 8), where relative names are looked
  # for; a relative folder goes on from each one known so far, as the engine's referenced-files.ts does.
  target=$(with_home "$1")
  case $target in '' | '~'* | '$'*) return 0 ;; /*) froms=/ ;; *) froms=$job_dirs ;; esac
  saved_ifs=$IFS
  IFS=$nl
  for from in $froms; do
    dir=$(absolute_folder "${from%/}/$target")
    [ -n "$dir" ] || continue
    [ "$(printf '%s\n' "$job_dirs" | wc -l)" -lt 8 ] || break
    case "$nl$job_dirs$nl" in *"$nl$dir$nl"*) ;; *) job_dirs="$job_dirs$nl$dir" ;; esac
  done
  IFS=$saved_ifs
}

named_paths() {
  # The paths a name an argument gives ($1) may be, one a line: ~, $HOME and ${HOME} expanded with the job's home; a
  # relative name (no space, not an option) in each folder the job may be in (job_dirs). A path with a line end in it
  # cannot be a line, and is none.
  named=$(with_home "$1")
  case $named in
    *"$nl"*) ;;
    /*) printf '%s\n' "$named" ;;
    '' | -* | '~'* | '$'* | *[[:space:]]*) ;;
    *) printf '%s\n' "$job_dirs" | while IFS= read -r dir; do [ -z "$dir" ] || printf '%s\n' "${dir%/}/$named"; done ;;
  esac
}

named_file() {
  # A small file an argument names ($1), wherever named_paths says it may be.
  named_paths "$1" | while IFS= read -r path; do copy_named "$path"; done
  return 0
}

copy_named() {
  # $1: the absolute path of a file an argument names: copied if it is small enough and the user may read it.
  case $1 in *"$nl"*) return 0 ;; esac
  f=$(lexical_path "$1")
  [ -f "$root$f" ] || return 0
  size=$(stat -f %z "$root$f" 2>/dev/null)
  is_count "${size:-0}" || return 0
  # A file that is there but not copied is named (not-copied.txt), so a reader can say what it could not see.
  [ "$size" -le 1048576 ] || { not_copied too-large "$f"; return 0; }
  user_may_read "$f" || { not_copied unreadable "$f"; return 0; }
  copy_file "$f"
  return 0
}

decode_words() {
  # $1: a shell command string or an interpreter's code that decodes text (the engine's encoded-commands.ts): base64,
  # hex (xxd -r -p, bytes.fromhex, pack('H*')...) or escape sequences (printf '\x63...', $'...', "\x69..." in code).
  # Scanned as `sh -c <text>`, so what a text decodes is read in turn: each word of it, split at every shell character
  # and quote, that decodes from base64 or hex to text; all its hex words joined (xxd -p wraps a dump at 60 digits a
  # line); and each piece between quotes with a backslash, its escapes read. At most 256 texts a string (decoys put
  # first must not hide the payload). base64 -d is GNU's and macOS 13's, -D older macOS's.
  {
    # Each word, and the value of one that sets a variable (`X=<base64>; echo $X | base64 -d | sh`).
    # shellcheck disable=SC2016,SC2020 # a literal $ among the 15 characters, each of which ends a word
    printf '%s\n' "$1" | tr ' \t;&|()`"<>${}'"'" '\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n' \
      | awk '{ print "w " $0 } /^[A-Za-z_][A-Za-z0-9_]*=./ { print "w " substr($0, index($0, "=") + 1) }'
    # Runs of hex words, joined.
    # shellcheck disable=SC2016,SC2020 # as above
    printf '%s\n' "$1" | tr ' \t;&|()`"<>${}'"'" '\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n' | awk '
      /^$/ { next }
      /^([0-9A-Fa-f][0-9A-Fa-f])+$/ { run = run $0; words++; next }
      { if (words > 1) print "j " run; run = ""; words = 0 }
      END { if (words > 1) print "j " run }'
    # base64 wrapped over lines (base64(1) writes 76 characters a line, openssl -a 64), joined: words of one length
    # (a multiple of 4, at least 16), then a last one no longer; with and without that last word, which may be the
    # word after the payload (`| base64 -d`). The engine's wrappedBase64.
    # shellcheck disable=SC2016,SC2020 # as above
    printf '%s\n' "$1" | tr ' \t;&|()`"<>${}'"'" '\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n' | awk '
      /^$/ { next }
      width > 0 && length($0) == width && /^[A-Za-z0-9+\/]+$/ { run = run $0; words++; next }
      width > 0 && length($0) < width && /^[A-Za-z0-9+\/]+=?=?$/ {
        if (words > 1) print "w " run
        print "w " run $0; width = 0; run = ""; words = 0; next
      }
      {
        if (words > 1) print "w " run
        run = ""; words = 0; width = 0
        if (length($0) >= 16 && length($0) % 4 == 0 && /^[A-Za-z0-9+\/]+$/) { width = length($0); run = $0; words = 1 }
      }
      END { if (words > 1) print "w " run }'
    case $1 in
      *\\*)
        # shellcheck disable=SC2020 # each of the two quote characters ends a piece
        printf '%s\n' "$1" | tr "\"'" '\n\n' | grep -F "\\" | sed 's/^/e /' ;;
    esac
  } | {
    decoded_words=0
    while IFS= read -r line; do
      [ "$decoded_words" -lt 256 ] || { partly_followed decoded-texts "${followed_from:-}"; break; }
      encoded=${line#? }
      [ ${#encoded} -ge 12 ] || continue
      for how in base64 hex escapes; do
        case ${line%% *}:$how in
          w:base64)
            case $encoded in *[!A-Za-z0-9+/=]*) continue ;; esac
            decoded=$(printf '%s' "$encoded" | base64 -d 2>/dev/null) \
              || decoded=$(printf '%s' "$encoded" | base64 -D 2>/dev/null) || continue ;;
          w:hex | j:hex)
            case $encoded in *[!0-9A-Fa-f]*) continue ;; esac
            decoded=$(printf '%s' "$encoded" | unhex) ;;
          e:escapes) decoded=$(printf '%s\n' "$encoded" | unescape) ;;
          *) continue ;;
        esac
        case $decoded in '' | *[![:print:][:space:]]*) continue ;; esac
        decoded_words=$((decoded_words + 1))
        # One argument a line: the text's own line ends become `;`, which ends a command as they do.
        printf '%s\n%s\n%s\n' /bin/sh -c "$(printf '%s' "$decoded" | tr '\n' ';')" | (scan_arguments)
        # Decoded code may spell out its shell command as a string (exec("\x69...") of os.system("...")).
        case $decoded in *[\"\']*) shell_strings "$decoded" ;; esac
      done
    done
  }
}

decrypt_words() {
  # $1: a shell command string or a script (line ends as `;`) that decrypts text with `openssl enc -d` (the engine's
  # openssl-decryption.ts): each decryption whose key is on the command line (-k, -pass pass:, a hex -K and -iv, or a
  # variable set to a literal first) is tried on each base64 word (a run of them joined, as openssl -a writes 64
  # characters a line), with -md as written or else both defaults (sha256 of OpenSSL 1.1.0 and later, md5 of
  # LibreSSL, the Mac's openssl). What opens as text is read as a command, as decode_words reads what it decodes.
  # Only options both openssl and LibreSSL's enc take are passed (-d -a -A -md -nosalt -k -K -iv; -pbkdf2 and -iter
  # only when written), each a word of its own: nothing of the text is run. At most 128 tries, the text's first 64 KiB.
  # In bytes, as head -c cuts it (${#1} counts characters in a UTF-8 locale).
  [ "$(printf '%s' "$1" | wc -c | tr -d ' ')" -le 65536 ] || partly_followed first-64-kib "${followed_from:-}"
  printf '%s\n' "$1" | head -c 65536 | LC_ALL=C awk '
    # Each base64 word once, at most 64: a 65th is not tried, and said.
    function blob(s) {
      if (s in seen_blob) return
      if (blobs >= 64) { more_blobs = 1; return }
      seen_blob[s] = 1; print "b\t" s; blobs++
    }
    function flush_run() { if (run_words > 1) blob(run); run_kept = run; run = ""; run_words = 0 }
    function end_word() {
      if (!in_word) return
      n++; w[n] = word; ex[n] = expands; qd[n] = quoted; word = ""; expands = 0; quoted = 0; in_word = 0
    }
    function end_command() { end_word(); if (n > 0) ends[n] = 1 }
    function decryption(d) { if (!(d in seen_decryption)) { seen_decryption[d] = 1; print d } }
    function base64_word(s) { return length(s) >= 16 && s ~ /^[A-Za-z0-9+\/]+=?=?$/ }
    { lines[NR] = $0 }
    # The words of the text, as the shell splits them; with reset, a `;` (a script line end) also ends a quote, so
    # that where this reader and the shell part ways on a quote (one inside `$(...)` within double quotes is not
    # followed here) the lines are read as the shell reads them too.
    function parse(reset,   l, line, len, seg, i, c) {
      q = ""; in_word = 0; word = ""; expands = 0; quoted = 0
      for (l = 1; l <= NR; l++) {
        line = lines[l]; len = length(line); seg = 1
        for (i = 1; i <= len; i++) {
          c = substr(line, i, 1)
          if (q != "" && reset && c == ";") { word = word substr(line, seg, i - seg); q = ""; seg = i + 1; end_command(); continue }
          if (q != "") {
            if (c == q) { word = word substr(line, seg, i - seg); q = ""; seg = i + 1 }
            else if (c == "\\" && q == "\"" && i < len) { word = word substr(line, seg, i - seg); i++; seg = i }
            else if (q == "\"" && (c == "$" || c == "`")) expands = 1
            continue
          }
          if (c == "\"" || c == "'\''") { word = word substr(line, seg, i - seg); q = c; in_word = 1; quoted = 1; seg = i + 1; continue }
          if (c == "\\" && i < len) { word = word substr(line, seg, i - seg); in_word = 1; i++; seg = i; continue }
          if (c == " " || c == "\t" || c == ";" || c == "|" || c == "&" || c == "(" || c == ")" || c == "`" || c == "<" || c == ">") {
            word = word substr(line, seg, i - seg); seg = i + 1
            if (c == " " || c == "\t") end_word()
            else if (c == "<" || c == ">") { end_word(); word = c; in_word = 1; end_word() }
            else end_command()
            continue
          }
          if (c == "$") expands = 1
          in_word = 1
        }
        if (q != "") { word = word substr(line, seg) "\n"; continue }
        word = word substr(line, seg); end_command()
      }
      end_command()
    }
    END {
      n = 0
      parse(0); second = n + 1; parse(1)
      # Base64 words (a quoted one over lines without its line ends or the `;` they became; the value of
      # NAME=<base64>), and runs of them.
      # A run is words of one length (a multiple of 4, unpadded), then a last one no longer, tried with and without
      # it (wrappedBase64 in the engine). A script is read with its line ends as `;`: a run goes on past them
      # (openssl -a data in a here-document).
      for (i = 1; i <= n && !more_blobs; i++) {
        if (i == second) { flush_run(); run_kept = ""; width = 0 }
        s = w[i]; gsub(/[ \t\n;]/, "", s)
        # NAME=<base64>: the value (a word that only ends in the padding of base64 is itself).
        if (s ~ /^[A-Za-z_][A-Za-z0-9_]*=/ && length(s) - index(s, "=") >= 12) s = substr(s, index(s, "=") + 1)
        if (base64_word(s)) blob(s)
        if (run_words > 0 && length(s) == width && s ~ /^[A-Za-z0-9+\/]+$/) { run = run s; run_words++; continue }
        if (run_words > 0 && length(s) >= 2 && length(s) < width && s ~ /^[A-Za-z0-9+\/]+=?=?$/) {
          flush_run(); blob(run_kept s); run_kept = ""; width = 0; continue
        }
        flush_run(); run_kept = ""; width = 0
        if (length(s) >= 16 && length(s) % 4 == 0 && s ~ /^[A-Za-z0-9+\/]+$/) { run = s; run_kept = s; run_words = 1; width = length(s) }
      }
      flush_run()
      if (more_blobs) print "x\tblobs"
      # Variables set to a literal value, and each openssl decryption with what it is given.
      first = 1
      for (i = 1; i <= n; i++) {
        if (first && w[i] ~ /^[A-Za-z_][A-Za-z0-9_]*=/ && !ex[i]) { e = index(w[i], "="); vars[substr(w[i], 1, e - 1)] = substr(w[i], e + 1) }
        else if (w[i] == "openssl" || w[i] ~ /\/openssl$/) read_openssl(i)
        first = ends[i] || (first && (w[i] == "export" || w[i] ~ /^[A-Za-z_][A-Za-z0-9_]*=/))
      }
    }
    function known(j,   name, prefix) {
      # A word as it will be: itself, or a variable set to a literal ($K, ${K}, pass:$K); "" when made when it runs.
      if (!ex[j]) return w[j]
      name = w[j]; prefix = ""
      if (name ~ /^pass:/) { prefix = "pass:"; name = substr(name, 6) }
      if (name ~ /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/) name = substr(name, 3, length(name) - 3)
      else if (name ~ /^\$[A-Za-z_][A-Za-z0-9_]*$/) name = substr(name, 2)
      else return ""
      return (name in vars) ? prefix vars[name] : ""
    }
    function read_openssl(i,   j, cipher, dec, salted, iter, md, kind, secret, iv, v) {
      if (ends[i]) return
      j = i + 1; cipher = ""; dec = 0; salted = 1; iter = ""; md = ""; kind = ""; secret = ""; iv = ""
      if (w[j] != "enc") { if (tolower(w[j]) !~ /^(aes|aria|bf|camellia|cast|des|idea|rc2|rc4|rc5|seed|sm4)/) return; cipher = tolower(w[j]) }
      for (j = j + 1; j <= n && j <= i + 64; j++) {
        if (ends[j - 1] && j > i + 1) break
        v = (j < n && !ends[j]) ? known(j + 1) : ""
        if (w[j] == "-d") dec = 1
        else if (w[j] == "-nosalt") salted = 0
        else if (w[j] == "-pbkdf2" && iter == "") iter = 10000
        else if (w[j] == "-iter") { iter = v; j++ }
        else if (w[j] == "-md") { md = v; j++ }
        else if (w[j] == "-k") { kind = "k"; secret = v; j++ }
        else if (w[j] == "-pass") { kind = (v ~ /^pass:/) ? "k" : ""; secret = substr(v, 6); j++ }
        else if (w[j] == "-K") { kind = "K"; secret = v; j++ }
        else if (w[j] == "-iv") { iv = v; j++ }
        else if (w[j] ~ /^-(in|out|kfile|S|bufsize|engine|provider|provider-path|propquery|rand|writerand|saltlen)$/) j++
        else if (w[j] ~ /^-[A-Za-z0-9-]+$/ && w[j] !~ /^-(e|a|A|base64|salt|p|P|v|z|none|nopad|debug)$/ && cipher == "") cipher = tolower(substr(w[j], 2))
      }
      if (dec && cipher != "" && kind != "" && secret != "" && secret !~ /[\t\n]/)
        # Each field after a "=", so that an empty one is not lost between two tabs (read joins them).
        decryption("d\t=" cipher "\t=" kind "\t=" secret "\t=" iv "\t=" md "\t=" salted "\t=" iter)
    }' | {
    tries=0
    blobs=
    while IFS= read -r line; do
      case $line in
        b"$tab"*) blobs="$blobs${line#b"$tab"}$nl" ;;
        x"$tab"*) partly_followed decryptions "${followed_from:-}" ;;
        d"$tab"*)
          IFS=$tab read -r _ cipher kind secret iv md salted iter <<EOF_DECRYPTION
$line
EOF_DECRYPTION
          cipher=${cipher#=} kind=${kind#=} secret=${secret#=} iv=${iv#=} md=${md#=} salted=${salted#=} iter=${iter#=}
          # Only names and numbers openssl takes: the text chose them.
          case $cipher in '' | -* | *[!a-z0-9-]*) continue ;; esac
          case ${md:-sha256} in *[!a-z0-9-]*) continue ;; esac
          case ${iter:-1} in *[!0-9]*) continue ;; esac
          [ "${iter:-0}" -le 1000000 ] || continue
          case $kind in K) case $secret$iv in *[!0-9A-Fa-f]*) continue ;; esac ;; esac
          set -f
          old_ifs=$IFS
          IFS=$nl
          for blob in $blobs; do
            IFS=$old_ifs
            case $blob in U2FsdGVkX1*) [ "$salted" = 1 ] || continue ;; *) [ "$salted" = 0 ] || [ "$kind" = K ] || continue ;; esac
            for digest in ${md:-sha256 md5}; do
              [ "$tries" -lt 128 ] || { partly_followed decryptions "${followed_from:-}"; break 2; }
              tries=$((tries + 1))
              set -- enc -d -a -A "-$cipher" -md "$digest"
              [ "$salted" = 1 ] || set -- "$@" -nosalt
              [ -z "$iter" ] || set -- "$@" -pbkdf2 -iter "$iter"
              if [ "$kind" = K ]; then set -- "$@" -K "$secret" -iv "${iv:-0}"; else set -- "$@" -k "$secret"; fi
              decrypted=$(printf '%s\n' "$blob" | openssl "$@" 2>/dev/null) || continue
              case $decrypted in '' | *[![:print:][:space:]]*) continue ;; esac
              printf '%s\n%s\n%s\n' /bin/sh -c "$(printf '%s' "$decrypted" | tr '\n' ';')" | (scan_arguments)
              break
            done
          done
          IFS=$old_ifs
          set +f ;;
      esac
    done
  }
}

unhex() {
  # stdin: hex digits; stdout: the bytes they spell, as `xxd -r -p` gives them (awk, as not every Mac has xxd in PATH).
  LC_ALL=C awk 'BEGIN { for (i = 0; i < 16; i++) v[substr("0123456789abcdef", i + 1, 1)] = i }
    { s = tolower($0)
      for (i = 1; i < length(s); i += 2) printf "%c", v[substr(s, i, 1)] * 16 + v[substr(s, i + 1, 1)] }'
}

unescape() {
  # stdin: text with escape sequences; stdout: the text as printf(1), echo, $'...' and the interpreters' string
  # literals read it: \xHH, \NNN (octal), \uHHHH (ASCII), \n, \t, and a backslash before anything else is that thing.
  LC_ALL=C awk 'BEGIN {
      for (i = 0; i < 16; i++) { h[substr("0123456789abcdef", i + 1, 1)] = i; h[substr("0123456789ABCDEF", i + 1, 1)] = i }
      for (i = 0; i < 8; i++) o[i ""] = i }
    { if (NR > 1) printf "\n"
      n = length($0); i = 1
      while (i <= n) {
        c = substr($0, i, 1)
        if (c != "\\" || i == n) { printf "%s", c; i++; continue }
        e = substr($0, i + 1, 1)
        if ((e == "x" || e == "u") && (substr($0, i + 2, 1) in h)) {
          value = 0; j = i + 2; last = i + (e == "x" ? 3 : 5)
          while (j <= last && (substr($0, j, 1) in h)) { value = value * 16 + h[substr($0, j, 1)]; j++ }
          if (value < 256) printf "%c", value; else printf "?"
          i = j; continue
        }
        if (e in o) {
          value = 0; j = i + 1
          while (j <= i + 3 && (substr($0, j, 1) in o)) { value = value * 8 + o[substr($0, j, 1)]; j++ }
          printf "%c", value % 256; i = j; continue
        }
        if (e == "n") printf "\n"; else if (e == "t") printf "\t"; else printf "%s", e
        i += 2
      } }'
}

shell_strings() {
  # $1: an interpreter's code that hands text to a shell or starts a program. Each piece of it between quotes is
  # scanned as `sh -c <piece>` (the pieces outside quotes too: they name nothing a shell would run), at most 512.
  # shellcheck disable=SC2020 # each of the two quote characters ends a piece
  printf '%s\n' "$1" | tr "\"'" '\n\n' | {
    pieces=0
    while IFS= read -r piece && [ "$pieces" -lt 512 ]; do
      pieces=$((pieces + 1))
      [ ${#piece} -ge 3 ] || continue
      printf '%s\n%s\n%s\n' /bin/sh -c "$piece" | (scan_arguments)
    done
  }
  # The pieces between quotes one after another, as the argument list such code gives a program it starts
  # (subprocess.Popen(["/x/kworker", "--config", "/x/c.json"]), the engine's argvLists): every other piece from the
  # first inside quotes, and from the first outside in case a quote of the other kind threw the count off.
  for parity in 0 1; do
    # shellcheck disable=SC2020 # as above
    printf '%s\n' "$1" | tr '\n' ' ' | tr "\"'" '\n\n' | awk -v parity="$parity" 'NR % 2 == parity && NR <= 512' \
      | (scan_arguments)
  done
}

scan_script() {
  # $1: the script an interpreter is handed, wherever named_paths says it may be. The files its own commands name
  # are copied too (the engine's filesNamedByScript): its copy is read as a shell command and as an interpreter's code
  # (line ends as `;`), its first 64 KiB (each command costs the collector processes of its own). What it names is read
  # in turn, as the engine's script-chain.ts does: 4 levels of scripts, 64 scripts a plist, each once (a script that
  # runs itself ends); a script past a bound is copied and said in partly-followed.txt, not read for names.
  named_paths "$1" | while IFS= read -r script; do
    copy="$bundle/fs$(lexical_path "$script")"
    [ -f "$copy" ] || continue
    ! grep -qxF -e "$script" "$scripts_read" || continue
    if [ "${script_depth:-0}" -ge 4 ]; then
      partly_followed nested-scripts "$script"
      continue
    fi
    if [ "$(wc -l < "$scripts_read" | tr -d ' ')" -ge 64 ]; then
      partly_followed scripts "$script"
      continue
    fi
    printf '%s\n' "$script" >> "$scripts_read"
    text=$(head -c 65536 "$copy" | tr '\n' ';')
    followed_from=$script
    size=$(wc -c < "$copy" | tr -d ' ')
    [ "${size:-0}" -le 65536 ] || partly_followed first-64-kib "$script"
    # Each reading is a subshell: the depth it sets ends with it.
    script_depth=$((${script_depth:-0} + 1))
    printf '%s\n%s\n%s\n' /bin/sh -c "$text" | (scan_arguments)
    printf '%s\n%s\n%s\n' python3 -c "$text" | (scan_arguments)
    script_depth=$((script_depth - 1))
  done
}

script_program() {
  # $1: the program a plist runs. True when it is a script the kernel runs through the interpreter its #! line names
  # (execve(2), "Interpreter scripts"): launchd runs a text only so, where a shell would read one without #! too
  # (shell_runs_script, whose other checks hold). The engine's commandAsRun reads it so.
  case $1 in /*) ;; *) return 1 ;; esac
  shell_runs_script "$1" || return 1
  f=$(lexical_path "$1")
  [ "$(within "$root$f" head -c 2 "$root$f" 2>/dev/null)" = '#!' ]
}

shell_runs_script() {
  # $1: a program a shell runs by its path. True when that shell reads it as a script: it has a #! line, or the kernel
  # will not run it (ENOEXEC) and it does not look binary (no NUL in its first line, of its first 80 bytes: bash's
  # check_binary_file); a regular file of at most 1 MiB the capturing user may read. The engine's isScriptStart.
  case $1 in *"$nl"*) return 1 ;; esac
  f=$(lexical_path "$1")
  [ -f "$root$f" ] || return 1
  if [ "$(within "$root$f" head -c 2 "$root$f" 2>/dev/null)" != '#!' ]; then
    first_line=$(within "$root$f" head -c 80 "$root$f" 2>/dev/null | head -n 1 | wc -c | tr -d ' ')
    without_nul=$(within "$root$f" head -c 80 "$root$f" 2>/dev/null | head -n 1 | tr -d '\000' | wc -c | tr -d ' ')
    [ "${first_line:-0}" -gt 0 ] && [ "$without_nul" = "$first_line" ] || return 1
  fi
  size=$(stat -f %z "$root$f" 2>/dev/null)
  is_count "${size:-0}" || return 1
  [ "$size" -le 1048576 ] || return 1
  user_may_read "$f"
}

shebang_words() {
  # $1: a script program. The words of its #! line, one a line (its first 512 bytes, as the kernel reads a bounded
  # line; a CR before the line end dropped): the interpreter and its options, which then run the script.
  shebang_file=$root$(lexical_path "$1")
  # shellcheck disable=SC2020 # a space or a tab ends a word
  within "$shebang_file" head -n 1 "$shebang_file" | head -c 512 | tr -d '\r' | sed 's/^#!//' | tr ' \t' '\n\n' | grep -v '^$'
  return 0
}

not_copied() {
  # $1: why (too-large, unreadable, no-answer); $2: the path. One line each; a path with a newline cannot be a line.
  case $2 in *"$nl"*) return 0 ;; esac
  printf '%s\t%s\n' "$1" "$2" >> "$bundle/not-copied.txt"
}

partly_followed() {
  # $1: which bound stopped it (first-64-kib, decoded-texts, decryptions); $2: the plist or script whose commands
  # were followed only that far. Decoys put first by whoever wrote it must not hide a config without a word.
  case ${2:-} in '' | *"$nl"*) return 0 ;; esac
  printf '%s\t%s\n' "$1" "$2" >> "$bundle/partly-followed.txt"
}

scan_arguments() {
  # Reads one argv, an argument a line, on stdin (the same rules as the engine's referenced-files.ts):
  # copies the files its arguments name (configs after -c, --config, --config=; the script an
  # interpreter runs; the same inside `sh -c "<command>"` and after `env`), and notes host names.
  previous=
  index=0
  interpreter=
  shell=
  script_seen=
  while IFS= read -r arg; do
    if [ $index -eq 0 ]; then
      # A program a shell runs by its path (`./start.sh`) that it reads as a script: copied and followed as a script
      # an interpreter is handed (the engine's programsRunBy). Not the plist's own program: launchd runs that, a
      # script only by its #! line (script_program).
      case $arg in
        */*)
          if [ -n "${run_by_shell:-}" ]; then
            named_paths "$arg" | while IFS= read -r candidate; do
              candidate=$(lexical_path "$candidate")
              shell_runs_script "$candidate" || continue
              copy_named "$candidate"
              scan_script "$candidate"
            done
          fi ;;
      esac
      case ${arg##*/} in
        sh | bash | zsh | dash | ksh | csh | tcsh | fish) interpreter=${arg##*/}; shell=1 ;;
        osascript | perl* | ruby* | python* | node | php* | lua* | tclsh*) interpreter=${arg##*/} ;;
        env)
          # env [-options] [NAME=value ...] command ...: the rest is a command line of its own.
          while IFS= read -r arg; do
            case $arg in -* | *=*) ;; *) { printf '%s\n' "$arg"; cat; } | (scan_arguments); break ;; esac
          done
          return 0 ;;
      esac
    else
      case $previous in
        -c | -[a-z]*c*)
          if [ -n "$shell" ]; then
            # sh -c "<command>": each simple command in it, split into words as the shell would.
            # shellcheck disable=SC2020 # each of ; & | ( ) ` ends a command
            printf '%s\n' "$arg" | tr ';&|()`' '\n\n\n\n\n\n' | while IFS= read -r simple; do
              set -f
              # shellcheck disable=SC2086 # word splitting is the point
              set -- $simple
              # `cd <folder>`: where the later commands' relative names are (their options skipped).
              if [ "${1:-}" = cd ]; then
                shift
                while [ $# -gt 1 ] && case $1 in -*) true ;; *) false ;; esac; do shift; done
                [ $# -eq 0 ] || add_job_dir "$1"
                continue
              fi
              # The command itself, past the words that run it the same way (`nohup ./start.sh &`, `exec x`,
              # `nice -n 19 x`, NAME=value; the engine's command-start.ts), is what this shell runs.
              while [ $# -gt 0 ]; do
                case $1 in
                  exec | nohup | command | setsid | nice)
                    shift
                    while [ $# -gt 0 ] && case $1 in -*) true ;; *) false ;; esac; do
                      case $1 in -n | -a) [ $# -lt 2 ] || shift ;; esac
                      shift
                    done ;;
                  [A-Za-z_]*=*) shift ;;
                  *) break ;;
                esac
              done
              [ $# -gt 0 ] || continue
              (for word in "$@"; do printf '%s\n' "$word"; done) | (run_by_shell=1; scan_arguments)
            done
            # What it decodes (`echo <base64> | base64 -d | sh`, `xxd -r -p`, `printf '\x63...'`) is a command
            # string of its own.
            case $arg in *base64* | *xxd* | *\\*) decode_words "$arg" ;; esac
            # What it decrypts with openssl enc -d and a key it gives (`echo U2FsdGVkX1... | openssl enc -d ... | sh`).
            case $arg in *openssl*) decrypt_words "$arg" ;; esac
          elif [ "$previous" = -c ]; then
            named_file "$arg"
          fi ;;
        --config) named_file "$arg" ;;
      esac
      # An interpreter's code that decodes text (the engine's decodedInterpreterCode, e.g. python -c
      # "...exec(base64.b64decode(...))", bytes.fromhex, pack('H*'), "\x69\x6d..."): what it decodes is read as a
      # shell command too. The engine reads it so only when the code hands it to a shell; copying what else it names
      # is harmless.
      if [ -n "$interpreter" ] && [ -z "$shell" ]; then
        case $arg in *[Bb]ase64* | *b64decode* | *atob* | *[Hh]ex* | *'H*'* | *\\*) decode_words "$arg" ;; esac
        # Code that hands text to a shell (the engine's shellStringsOf: os.system("..."), do shell script "..."):
        # its strings are shell commands.
        case $arg in
          *system* | *popen* | *subprocess* | *spawn* | *execSync* | *exec_command* | *shell_exec* | *passthru* \
            | *proc_open* | *child_process* | *execv* | *execl* | *'shell script'* | *'`'*) shell_strings "$arg" ;;
        esac
      fi
      case $arg in
        --config=*) named_file "${arg#--config=}" ;;
        -*) ;;
        # -e gives perl, ruby or node their code; to a shell it is an option (errexit), and the script follows it.
        *) if [ -n "$interpreter" ] && [ -z "$script_seen" ] && [ "$previous" != -c ] && { [ -n "$shell" ] || [ "$previous" != -e ]; }; then named_file "$arg"; scan_script "$arg"; script_seen=1; fi ;;
      esac
    fi
    # Host names in URLs, host:port and --option=host:port arguments (not file names).
    # shellcheck disable=SC2020 # each of space, /, @ and = becomes a newline
    printf '%s\n' "$arg" | tr ' /@=' '\n\n\n\n' \
      | sed -n 's/^\([A-Za-z0-9-][A-Za-z0-9.-]*\.[A-Za-z][A-Za-z]*\)\(:[0-9]*\)\{0,1\}$/\1/p' \
      | grep -v -E '\.(json|plist|app|py|sh|conf|cfg|txt|log|js|rb|pl|scpt|dylib|so|qcow2|img|xml|ya?ml|toml|ini)$' >> "$hosts_file"
    previous=$arg
    index=$((index + 1))
  done
}

old_ifs=$IFS
IFS='
'
# Paths are data: no globbing of names that hold *, ? or [.
set -f
for plist in $plists; do
  IFS=$old_ifs
  if [ -L "$root$plist" ]; then
    copy_link "$plist" && count_plists=$((count_plists + 1))
  else
    copy_file "$plist" && count_plists=$((count_plists + 1))
  fi
  program=$(plist_value Program "$plist")
  job_home=$(job_home_of "$plist")
  # Where launchd starts the job (launchd.plist(5) WorkingDirectory, chdir(2)'d to first), else its own /.
  job_dirs=$(absolute_folder "$(plist_value WorkingDirectory "$plist")")
  [ -n "$job_dirs" ] || job_dirs=/
  i=0
  args_file="$bundle/.args"
  : > "$args_file"
  while arg=$(plist_value "ProgramArguments:$i" "$plist"); do
    # One argument a line: the line ends inside one (a shell script over several lines, as `sh -c` is often given)
    # become `;`, which ends a command as they do; kept, each line would be read as an argument of its own, and what
    # follows the first line of a script would not be read as the script.
    { printf '%s' "$arg" | tr '\n' ';'; echo; } >> "$args_file"
    i=$((i + 1))
    [ $i -lt 256 ] || break
  done
  if [ -z "$program" ]; then
    # SMAppService plists inside an app name their program relative to the bundle.
    bundle_program=$(plist_value BundleProgram "$plist")
    case $plist in
      *.app/Contents/Library/Launch*) [ -n "$bundle_program" ] && program="${plist%%.app/Contents/Library/*}.app/$bundle_program" ;;
    esac
  fi
  argv0=$(head -n 1 "$args_file")
  [ -n "$program" ] || program=$argv0
  case $program in /*) printf '%s\n' "$program" >> "$programs_file" ;; esac
  # Libraries dyld loads into its program (EnvironmentVariables' DYLD_INSERT_LIBRARIES, dyld(1)): hashed below.
  plist_value EnvironmentVariables:DYLD_INSERT_LIBRARIES "$plist" | tr ':' '\n' | while IFS= read -r library; do
    case $library in /*) printf '%s\n' "$library" >> "$libraries_file" ;; esac
  done
  followed_from=$plist
  : > "$scripts_read"
  # A program that is itself a script is run by its #! line's interpreter: read as the script that interpreter is
  # handed (copied, and what it names followed).
  interpreter_words=
  ! script_program "$program" || interpreter_words=$(shebang_words "$program")
  if [ -n "$argv0" ] && [ "$program" != "$argv0" ]; then
    # Program runs, and ProgramArguments' first element is only the name it shows (launchd.plist(5)): its
    # arguments are read as that program reads them (the engine's commandRunBy), and the name for host names.
    { printf '%s\n' "$program"; tail -n +2 "$args_file"; } > "$bundle/.command"
    scan_arguments < "$bundle/.command"
    if [ -n "$interpreter_words" ]; then
      { printf '%s\n%s\n' "$interpreter_words" "$program"; tail -n +2 "$args_file"; } > "$bundle/.command"
      scan_arguments < "$bundle/.command"
    fi
    printf '%s\n' "$argv0" > "$bundle/.command"
    scan_arguments < "$bundle/.command"
  else
    scan_arguments < "$args_file"
    # And as its interpreter runs it; the arguments as written too (above): `run.sh -c pool.json` gives the script a
    # config, which a shell's own -c would hide.
    if [ -n "$interpreter_words" ]; then
      { printf '%s\n%s\n' "$interpreter_words" "$program"; tail -n +2 "$args_file"; } > "$bundle/.command"
      scan_arguments < "$bundle/.command"
    fi
  fi
  IFS='
'
done
IFS=$old_ifs
# Each bound a plist or script met, said once.
if [ -f "$bundle/partly-followed.txt" ]; then
  sort -u "$bundle/partly-followed.txt" > "$bundle/.partly" && mv "$bundle/.partly" "$bundle/partly-followed.txt"
fi
set +f
rm -f "$bundle/.args" "$bundle/.command" "$scripts_read"

# How each program is signed.
# shellcheck disable=SC2069 # stderr (what codesign says) into the pipe, stdout discarded
sort -u "$programs_file" | while IFS= read -r program; do
  printf '### %s\n' "$program"
  if [ -n "$root" ]; then
    within "$root$program" codesign -dv --verbose=2 "$root$program" 2>&1 >/dev/null | sed "s|$root||g"
  else
    within "$program" codesign -dv --verbose=2 "$program" 2>&1 >/dev/null
  fi
done > "$bundle/codesign.txt"
[ -s "$bundle/codesign.txt" ] || rm -f "$bundle/codesign.txt"

# What each program and inserted library holds (shasum(1), stock on macOS), so that an approval's digests are
# checked in a capture as in a live scan. Regular files only (not /dev/zero), up to 512 MiB as the live reader
# hashes, and under sudo only what the user could read, as for copies.
sort -u "$programs_file" "$libraries_file" | while IFS= read -r path; do
  [ -f "$root$path" ] || continue
  size=$(stat -f %z "$root$path" 2>/dev/null) || continue
  case $size in '' | *[!0-9]*) continue ;; esac
  [ "$size" -le 536870912 ] || continue
  user_may_read "$path" || continue
  digest=$(within "$root$path" shasum -a 256 "$root$path" 2>/dev/null) || continue
  printf '%s\t%s\n' "${digest%% *}" "$path"
done > "$bundle/hashes.txt"
[ -s "$bundle/hashes.txt" ] || rm -f "$bundle/hashes.txt"

# Samples: the process table and the network sockets, every interval.
samples_json=
taken=0
total=$((duration / interval + 1))
while [ $taken -lt $total ]; do
  dir=$(printf 'samples/%04d' "$taken")
  mkdir -p "$bundle/$dir"
  at=$(now_iso)
  ps -axww -o pid=,ppid=,uid=,etime=,time=,args= > "$bundle/$dir/ps.txt" 2>/dev/null
  # lsof exits 1 when nothing matches: an empty file is a valid answer.
  lsof -nP -iTCP -iUDP -F pcuftPnT > "$bundle/$dir/lsof.txt" 2>/dev/null
  [ -n "$samples_json" ] && samples_json="$samples_json,"
  samples_json="$samples_json
    { \"dir\": \"$dir\", \"takenAt\": \"$at\" }"
  taken=$((taken + 1))
  echo "sample $taken of $total" >&2
  [ $taken -lt $total ] && sleep "$interval"
done

# What the remote addresses and the named hosts are (dns.txt: "<ip>\t<hostname>").
{
  echo "# resolved by collect.sh on $(now_iso)"
  sort -u "$hosts_file" | head -n 64 | while IFS= read -r host; do
    dscacheutil -q host -a name "$host" 2>/dev/null | sed -n "s/^ipv\{0,1\}6\{0,1\}_\{0,1\}address: *\\(.*\\)$/\\1	$host/p"
  done
  # Every remote address any sample saw, not just the last sample's.
  cat "$bundle"/samples/*/lsof.txt 2>/dev/null | sed -n 's/^n.*->\[\{0,1\}\([0-9a-fA-F.:]*\)\]\{0,1\}:[0-9]*$/\1/p' | sort -u | head -n 64 | while IFS= read -r ip; do
    dscacheutil -q host -a ip_address "$ip" 2>/dev/null | sed -n "s/^name: *\\(.*\\)$/$ip	\\1/p" | head -n 1
  done
} > "$bundle/dns.txt"
rm -f "$programs_file" "$libraries_file" "$hosts_file"

if [ "$redact" = true ]; then
  # The names that say whose Mac this is, replaced in every text the bundle holds and left out of the
  # manifest. Binary plists stay byte for byte (editing one would break its offsets): the note says so.
  redacted_home=/Users/user
  # Fixed strings, not patterns: a name is data, so its characters are escaped for sed. An empty name
  # would make sed reuse the last pattern: each is used only when it is long enough to mean something.
  literal() { printf '%s' "$1" | sed 's/[][\\/.*^$]/\\&/g'; }
  set --
  [ ${#user_home} -gt 1 ] && set -- "$@" -e "s/$(literal "$user_home")/\\/Users\\/user/g"
  [ ${#host_name} -ge 3 ] && set -- "$@" -e "s/$(literal "$host_name")/redacted-host/g"
  host_short=${host_name%%.*}
  [ ${#host_short} -ge 3 ] && [ "$host_short" != "$host_name" ] && set -- "$@" -e "s/$(literal "$host_short")/redacted-host/g"
  redact_text() {
    # $1: a file; the sed program is in "$@" of the caller, passed on.
    file=$1
    shift
    [ $# -gt 0 ] || return 0
    sed "$@" "$file" > "$file.redacted" && mv "$file.redacted" "$file"
  }
  binary_kept=0
  find "$bundle" -type f ! -name manifest.json | while IFS= read -r f; do
    if [ "$(head -c 8 "$f")" = bplist00 ]; then continue; fi
    redact_text "$f" "$@"
  done
  binary_kept=$(find "$bundle/fs" -type f -print 2>/dev/null | while IFS= read -r f; do [ "$(head -c 8 "$f")" = bplist00 ] && echo x; done | wc -l | tr -d ' ')
  # The user's files move to the placeholder home, where the redacted texts now point.
  if [ -d "$bundle/fs$user_home" ] && [ "$user_home" != "$redacted_home" ]; then
    mkdir -p "$bundle/fs/Users" && mv "$bundle/fs$user_home" "$bundle/fs$redacted_home"
  fi
  host_name=redacted-host
  user_name=user
  user_home=$redacted_home
  serial=
  console_user=
  [ "$binary_kept" -eq 0 ] || echo "note: --redact: $binary_kept binary property lists are kept as they are and may still name the user" >&2
fi

cat > "$bundle/manifest.json" <<EOF
{
  "format": "launchwatch-capture",
  "version": 1,
  "createdAt": "$(now_iso)",
  "host": { "hostname": "$(json_string "$host_name")", "os": "macOS", "osVersion": "$(json_string "$os_version")", "arch": "$(json_string "$arch")", "cpuCount": $cpu_count,
    "machine": { "model": "$(json_string "$hw_model")", "osBuild": "$(json_string "$os_build")", "cpuModel": "$(json_string "$cpu_model")", "memoryBytes": $memory_bytes, "bootedAt": $booted_at, "loggedInUser": "$(json_string "$console_user")", "serial": "$(json_string "$serial")", "timeZone": "$(json_string "$time_zone")", "utcOffset": "$(json_string "$utc_offset")" } },
  "user": { "name": "$(json_string "$user_name")", "uid": $user_id, "home": "$(json_string "$user_home")" },
  "privileged": $privileged,
  "redacted": $redact,
  "samples": [$samples_json
  ]
}
EOF

# One archive is the result: written beside, then renamed, so no partial archive ever has the final name.
if ! tar -czf "$bundle.tar.gz.partial" -C "$output" "$name" || ! mv "$bundle.tar.gz.partial" "$bundle.tar.gz"; then
  echo "collect.sh: could not write $bundle.tar.gz (is the disk full, or the folder read-only?)" >&2
  cleanup
  exit 1
fi
rm -rf "$bundle" "$bundle.no-answers"
trap - INT TERM HUP
# Under sudo, give the user what was made for them.
if [ "$privileged" = true ] && [ -n "${SUDO_USER:-}" ]; then
  chown "$SUDO_USER" "$bundle.tar.gz" 2>/dev/null || true
fi
echo "Collected $count_plists launch item property lists, $total samples of ps and lsof, signatures and names." >&2
if [ "$privileged" = false ]; then
  echo "Not run with sudo: sockets of root processes (Launch Daemons) are not in this capture." >&2
fi
echo "Capture: $bundle.tar.gz" >&2
echo "Send that file to whoever helps you. To read every file in it first: tar -xzf '$bundle.tar.gz'" >&2
printf '%s\n' "$bundle.tar.gz"
