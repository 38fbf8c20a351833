/// Every kdump initrd build of an image as one guest command that runs them side by side.
///
/// libguestfs serves one call at a time per handle, so concurrent `command` calls are not an
/// option; and a real dracut or mkinitramfs run takes minutes under TCG, so running the kernels
/// one after another leaves the appliance's other vCPUs idle. One call therefore starts a fixed
/// driver script (`/bin/sh -c SCRIPT …`, the text below, never guest-derived) that runs up to
/// `slots` builds at once, each with its own time limit, and leaves per build an exit status,
/// its duration and its output in a work directory the caller reads back.
///
/// Guest text (kernel versions, module names) reaches the driver only as positional parameters:
/// each build is encoded as its word count followed by its words, and the driver only ever
/// passes them on as `"$@"`. The only guest programs the driver itself needs are `sleep` and
/// the shell; it reads `/proc` for durations and for the process tree of a build to kill.
public struct InitrdRebuildBatch: Sendable, Equatable {
    public var rebuilds: [InitrdRebuild]
    /// How many builds run at once: the appliance's vCPUs (see `PatchRunner`).
    public var slots: Int
    /// Whole seconds one build may take before its whole process tree is killed.
    public var limitSeconds: Int
    /// The guest directory (created by the caller, removed after) the results are written to.
    public var workDirectory: String
    /// Where the driver writes its progress markers: the kernel log, so the appliance console
    /// carries them to the host (a test running the driver elsewhere names a file).
    public var markerDevice: String

    public init(rebuilds: [InitrdRebuild], slots: Int, limitSeconds: Int, workDirectory: String, markerDevice: String = "/dev/kmsg") {
        self.rebuilds = rebuilds
        self.slots = max(1, slots)
        self.limitSeconds = max(1, limitSeconds)
        self.workDirectory = workDirectory
        self.markerDevice = markerDevice
    }

    /// The argv for `guestfs_command`.
    public var arguments: [String] {
        var words = ["/bin/sh", "-c", Self.driver, "kdumpbake-rebuilds", workDirectory, String(limitSeconds), String(slots), markerDevice]
        for rebuild in rebuilds { words += [String(rebuild.arguments.count)] + rebuild.arguments }
        return words
    }

    /// Where build `index` leaves its status line (`exit CODE CENTISECONDS` or `timeout CENTISECONDS`).
    public func statusPath(_ index: Int) -> String { "\(workDirectory)/\(index).status" }
    /// Where build `index`'s standard output and error go.
    public func logPath(_ index: Int) -> String { "\(workDirectory)/\(index).log" }

    /// How a build ended, in the words the driver writes both to its status files and after a
    /// marker's index: `exit CODE CENTISECONDS` or `timeout CENTISECONDS`. `seconds` is nil when
    /// the duration word is not a number; anything else is not an end.
    enum BuildEnd: Equatable {
        case exited(code: Int, seconds: Double?)
        case timedOut(seconds: Double?)

        static func parse(_ words: ArraySlice<String>) -> BuildEnd? {
            let seconds: (String) -> Double? = { Int($0).map { Double($0) / 100 } }
            let words = Array(words)
            switch words.first {
            case "exit" where words.count == 3: return Int(words[1]).map { .exited(code: $0, seconds: seconds(words[2])) }
            case "timeout" where words.count == 2: return .timedOut(seconds: seconds(words[1]))
            default: return nil
            }
        }
    }

    /// The line prefix of the driver's console markers (see `InitrdRebuildMarker`).
    public static let markerPrefix = "kdumpbake-rebuild:"

    /// The driver. Markers go to /dev/kmsg at KERN_CRIT so they reach the appliance console
    /// (quiet appliances print levels below 4) and the host sees them as they happen; they only
    /// drive progress messages, the status files are what decide.
    static let driver = #"""
        set -u
        work=$1 limit=$2 slots=$3 marks=$4
        shift 4

        # Hundredths of a second since boot, without leading zeros (sh reads 0NN as octal).
        now() {
            read -r up idle < /proc/uptime
            up=${up%.*}${up#*.}
            while :; do case $up in 0?*) up=${up#0} ;; *) break ;; esac; done
            echo "$up"
        }
        mark() { printf '<2>kdumpbake-rebuild: %s\n' "$*" >> "$marks" 2>/dev/null || :; }

        # run_build INDEX BUILDS...: becomes build INDEX (skips the builds before it, keeps its words).
        run_build() {
            skip=$1; shift
            while [ "$skip" -gt 0 ]; do n=$1; shift; shift "$n" || exit 2; skip=$((skip - 1)); done
            n=$1; shift
            c=0
            for word in "$@"; do
                if [ "$c" -lt "$n" ]; then set -- "$@" "$word"; fi
                shift
                c=$((c + 1))
            done
            exec "$@"
        }

        # The direct children of process $1, from /proc/PID/status (Pid: comes before PPid:).
        children() {
            for f in /proc/[0-9]*/status; do
                pid= ppid=
                { while read -r key value rest; do
                      case $key in Pid:) pid=$value ;; PPid:) ppid=$value; break ;; esac
                  done; } 2>/dev/null < "$f" || continue
                if [ "$ppid" = "$1" ]; then echo "$pid"; fi
            done
        }
        # Stops a process before listing its children, so none is forked behind the walk; then kills.
        kill_tree() {
            kill -STOP "$1" 2>/dev/null
            for child in $(children "$1"); do kill_tree "$child"; done
            kill -KILL "$1" 2>/dev/null
        }

        count=0
        # (bash's shift past the end fails without shifting: stop rather than loop.)
        for_count() { while [ $# -gt 0 ]; do n=$1; shift; shift "$n" || exit 2; count=$((count + 1)); done; }
        for_count "$@"

        launch() {
            i=$1
            : > "$work/$i.status"
            (
                began=$(now)
                ( run_build "$@" ) < /dev/null > "$work/$i.log" 2>&1
                code=$?
                took=$(( $(now) - began ))
                echo "exit $code $took" > "$work/$i.status"
                mark "$i exit $code $took"
            ) &
            eval "pid_$i=\$! began_$i=\$(now) state_$i=running"
            mark "$i started"
        }

        next=0 running=0 finished=0
        while [ "$finished" -lt "$count" ]; do
            while [ "$running" -lt "$slots" ] && [ "$next" -lt "$count" ]; do
                launch "$next" "$@"
                next=$((next + 1)) running=$((running + 1))
            done
            sleep 1
            i=0
            while [ "$i" -lt "$next" ]; do
                eval "state=\$state_$i pid=\$pid_$i began=\$began_$i"
                if [ "$state" = running ]; then
                    if [ -s "$work/$i.status" ]; then
                        eval "state_$i=done"
                        finished=$((finished + 1)) running=$((running - 1))
                    elif [ $(( $(now) - began )) -ge $((limit * 100)) ]; then
                        kill_tree "$pid"
                        took=$(( $(now) - began ))
                        echo "timeout $took" > "$work/$i.status"
                        mark "$i timeout $took"
                        eval "state_$i=done"
                        finished=$((finished + 1)) running=$((running - 1))
                    fi
                fi
                i=$((i + 1))
            done
        done
        # No final `wait`: every build has left its status by now, and dash and ash sleep in
        # `wait` until a SIGCHLD that a caller's blocked signal mask can keep from ever coming.
        """#
}
