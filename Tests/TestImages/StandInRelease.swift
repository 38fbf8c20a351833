/// Which Red Hat kexec-tools build a test stand-in imitates.
///
/// The stand-ins (StandInEl6Mkdumprd, StandInEl6KdumpInit, StandInEl7Mkdumprd, StandInEl7Kdumpctl) are
/// shell scripts written from the facts in the project's reference notes on the real tools
/// (`kexec-tools-real.md`, read from Red Hat's sources as published in public mirrors); no Red Hat code is
/// in them. Where the notes give a behaviour per release, the el6 scripts take it from the release number
/// baked in here, so 6.0 / 6.4 / 6.5+ / 6.8+ variants can be generated.
enum StandInRelease: Sendable, Hashable {
    /// kexec-tools-2.0.0-N.el6.
    case el6(Int)
    /// kexec-tools-2.0.15-N.el7. Only 33 (RHEL 7.7) is modelled: it is the newest el7 whose source the
    /// notes verified, and the CentOS 7.9 look-alike uses its rules.
    case el7(Int)
    /// RHEL 8/9 (kexec-tools-2.0.26-8.el8 = 8.9, -8.el9 = 9.3; kdump-other-families.md L7–9): the el8+
    /// stand-ins key their rules on the distro major/minor, as the real scripts' differences do.
    case el8Family(major: Int, minor: Int)

    /// A 6.0-era build (release < 200 is all the el6 rules look at).
    static let rhel60 = StandInRelease.el6(145)
    /// The CentOS 6.4 look-alike's build.
    static let rhel64 = StandInRelease.el6(258)
    static let rhel65 = StandInRelease.el6(273)
    static let rhel68 = StandInRelease.el6(300)
    static let rhel610 = StandInRelease.el6(310)
    /// The rules the CentOS 7.9 look-alike's stand-ins follow.
    static let rhel77 = StandInRelease.el7(33)
    /// The RHEL 8.9 and 9.3 look-alikes' builds (the two el8+ releases whose sources the notes read).
    static let rhel89 = StandInRelease.el8Family(major: 8, minor: 9)
    static let rhel93 = StandInRelease.el8Family(major: 9, minor: 3)

    /// `kexec-tools-2.0.0-258.el6`.
    var packageName: String {
        switch self {
        case .el6(let release): "kexec-tools-2.0.0-\(release).el6"
        case .el7(let release): "kexec-tools-2.0.15-\(release).el7"
        case .el8Family(let major, let minor): "kexec-tools-\(major == 8 && minor < 9 ? "2.0.25-5" : major == 9 && minor < 3 ? "2.0.25-13" : "2.0.26-8").el\(major)"
        }
    }

    /// The RHEL minor release the build belongs to, as far as the notes date it.
    var rhelName: String {
        switch self {
        case .el6(let release):
            switch release {
            case ..<200: "RHEL 6.0"
            case ..<258: "RHEL 6.1-6.3"
            case ..<269: "RHEL 6.4"
            case ..<282: "RHEL 6.5"
            case ..<288: "RHEL 6.6-6.7"
            case ..<310: "RHEL 6.8-6.9"
            default: "RHEL 6.10"
            }
        case .el7(let release): release == 33 ? "RHEL 7.7" : "RHEL 7 (rules of 7.7)"
        case .el8Family(let major, let minor): "RHEL \(major).\(minor)"
        }
    }

    /// The el6 release number; el6 stand-ins are only generated for el6 builds.
    var el6Release: Int {
        guard case .el6(let release) = self else { preconditionFailure("\(packageName) is not an el6 build") }
        return release
    }
}

/// Shell text the stand-ins share.
enum StandInShell {
    /// `in_path NAME` (the first executable NAME in $PATH, as a path) and `lsmod_names` (the names `lsmod`
    /// lists, header skipped). Static busybox sh (FEATURE_SH_STANDALONE) runs its own applet for a bare
    /// `lsmod` before looking at PATH, so lsmod is looked up here and run by its path: a test can put its own
    /// `lsmod` first in PATH. Needs `set -f` (PATH is split on ':').
    /// Both mkdumprds: exactly IMAGE and KVER remain after the options; refuse a kernel version that is
    /// not one path component, then the failure injection tests use (/etc/kdump-standin/fail, or fail-KVER
    /// for one kernel only: its content to stderr, exit 1; .../hang or hang-KVER: never returns). Expects `die` and `usage`; sets `image` and `kver`.
    static let kernelCheckAndFailureInjection = #"""
        [ $# -eq 2 ] || usage
        image=$1
        kver=$2
        [ -n "$image" ] || usage
        case "$kver" in
            ''|.|..|*/*|*'
        '*) die "Invalid kernel version: $kver" ;;
        esac

        for hook in fail "fail-$kver"; do
            if [ -e "/etc/kdump-standin/$hook" ]; then
                cat "/etc/kdump-standin/$hook" >&2
                exit 1
            fi
        done
        if [ -e /etc/kdump-standin/hang ] || [ -e "/etc/kdump-standin/hang-$kver" ]; then
            while :; do sleep 3600; done
        fi
        """#

    /// Both mkdumprds: a private work directory (`$workdir`, the image tree in `$root`) removed on any
    /// exit, with the half-written `$tmpimage`, so a failure leaves no partial image behind.
    static let workArea = #"""
        tmpimage=''
        workdir=$(mktemp -d /tmp/mkdumprd.XXXXXX) || die "cannot create a temporary directory"
        trap 'rm -rf "$workdir"; [ -z "$tmpimage" ] || rm -f "$tmpimage"' EXIT
        trap 'exit 1' INT TERM HUP
        root="$workdir/root"
        """#

    static let pathLookup = #"""
        # in_path NAME: the first executable NAME in $PATH. Static busybox sh runs its own applets before
        # searching PATH, so commands a test may replace (lsmod) are looked up here and run by path.
        in_path() {
            in_path_ifs=$IFS
            IFS=:
            for in_path_dir in $PATH; do
                IFS=$in_path_ifs
                [ -n "$in_path_dir" ] || in_path_dir=.
                if [ -f "$in_path_dir/$1" ] && [ -x "$in_path_dir/$1" ]; then
                    printf '%s\n' "$in_path_dir/$1"
                    return 0
                fi
            done
            IFS=$in_path_ifs
            return 1
        }

        # lsmod_names: the modules the running kernel has loaded, as lsmod lists them (header line skipped).
        lsmod_names() {
            lsmod_path=$(in_path lsmod) || lsmod_path=lsmod
            "$lsmod_path" | sed 1d | awk 'NF { print $1 }'
        }
        """#

    /// An awk program resolving module names in a kernel's module tree, dependencies first.
    ///
    /// Environment: MODDIR (/lib/modules/KVER), INDEX (a file listing the module files under MODDIR, one
    /// relative path a line, as `find .` prints them), DEP (modules.dep; may be absent), REQ (requests, one a
    /// line: a kind letter, a tab, a module name). A name matches a file whose basename without `.ko` /
    /// `.ko.xz` is the same with `-` and `_` treated alike (as a kernel module lookup does).
    /// Output, in order: `M<TAB>relative path` for each module to include (each once, its modules.dep
    /// dependencies before it) and `X<TAB>kind<TAB>name` for a name not found (kind `D`: a dependency).
    static let resolver = resolver(compressions: ["xz"])

    /// `resolver` for kernels whose module files end in `.ko` or `.ko.<one of compressions>` (SLES: `zst`).
    static func resolver(compressions: [String]) -> String {
        resolverTemplate.replacingOccurrences(of: "@KO_SUFFIX@", with: #"\.ko("# + compressions.map { #"\."# + $0 }.joined(separator: "|") + ")?$")
    }

    private static let resolverTemplate = #"""
        function norm(s) { gsub(/-/, "_", s); return s }
        function modname(p,  b) { b = p; sub(/^.*\//, "", b); sub(/@KO_SUFFIX@/, "", b); return b }
        function rel(p,  m) {
            m = ENVIRON["MODDIR"] "/"
            if (substr(p, 1, length(m)) == m) p = substr(p, length(m) + 1)
            sub(/^\.\//, "", p)
            return p
        }
        function visit(p,  n, d, i, q) {
            if (p in seen) return
            seen[p] = 1
            n = split(deps[p], d, /[ \t]+/)
            for (i = 1; i <= n; i++) {
                if (d[i] == "") continue
                q = rel(d[i])
                if (q in exists) visit(q)
                else print "X\tD\t" modname(q)
            }
            print "M\t" p
        }
        BEGIN {
            while ((getline line < ENVIRON["INDEX"]) > 0) {
                p = rel(line)
                exists[p] = 1
                k = norm(modname(p))
                if (!(k in byname)) byname[k] = p
            }
            while ((getline line < ENVIRON["DEP"]) > 0) {
                i = index(line, ":")
                if (i > 0) deps[rel(substr(line, 1, i - 1))] = substr(line, i + 1)
            }
            while ((getline line < ENVIRON["REQ"]) > 0) {
                t = index(line, "\t")
                kind = substr(line, 1, t - 1)
                name = substr(line, t + 1)
                if (name == "") continue
                k = norm(name)
                if (k in byname) visit(byname[k])
                else print "X\t" kind "\t" name
            }
        }
        """#
}
