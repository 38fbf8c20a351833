/// The `/sbin/mkdumprd` the el6 test guests carry: a busybox-sh TEST STAND-IN that imitates RHEL 6's own
/// (non-dracut) mkdumprd where kdumpbake depends on it, written from the reference notes on the real tool
/// (`kexec-tools-real.md`, "el6 mkdumprd"), so offline rebuilds are tested for real in the appliance without
/// shipping Red Hat's tools.
///
/// Behaviour tests can rely on (the script's header says the same, with the facts it comes from):
/// - `mkdumprd [-d] [-f] [--allow-missing] [other options ignored] IMAGE KVER`; KVER only from argv.
/// - /etc/kdump.conf: a line whose first word starts with `#` is skipped; from release 269 a value is cut at
///   its last `#` (`options` lines never); an unknown first word → `Unknown parameter  X` (two spaces), exit 1.
/// - Modules: every `lsmod` name + every `extra_modules` word, looked up in /lib/modules/KVER (`-` and `_`
///   alike) with modules.dep dependencies. Not found → `No module X found for kernel KVER, aborting.`, exit 1;
///   with `--allow-missing` → `WARNING: No module X found for kernel KVER, continuing anyway` and go on.
///   Inside the appliance lsmod lists the appliance's modules, so the build fails without --allow-missing.
/// - The image: every resolved module flat at `lib/modules/KVER/NAME.ko` (blacklisted ones too), /init with
///   `insmod /lib/modules/KVER/NAME.ko[ OPTIONS]` per module, dependencies first, none for a module whose file
///   basename equals a `blacklist` word exactly; OPTIONS from `options NAME ...` lines at column 0 with
///   spaces only. etc/kdump.conf copied in; etc/blacklist-kdump.conf before release 282.
/// - gzip newc cpio written to IMAGE.tmp and renamed; /etc/kdump-standin/fail and /hang inject failures.
enum StandInEl6Mkdumprd {
    /// The script imitating `release` (an el6 build).
    static func script(_ release: StandInRelease = .rhel64) -> String {
        let number = release.el6Release
        var known = ["net", "raw", "core_collector", "path", "link_delay", "kdump_post", "kdump_pre", "extra_bins",
                     "extra_modules", "blacklist", "options", "default", "disk_timeout",
                     "Kdump_not_supported_on_Xen_domU_guest"]
        if number >= 200 { known += ["force_rebuild", "debug_mem_level"] }   // ≈6.2
        if number >= 245 { known += ["nfs", "nfs4", "ssh", "sshkey"] }        // ≈6.3 (6.3 is -245)
        if number >= 282 { known += ["fence_kdump_nodes", "fence_kdump_args"] }
        if number < 288 { known.append("minix") }
        let cutsComments = number >= 269
        let values: [(String, String)] = [
            ("@PACKAGE@", release.packageName),
            ("@RHEL@", release.rhelName),
            ("@KNOWN@", known.joined(separator: " ")),
            ("@KNOWN_WRAPPED@", wrap(known, prefix: "#              ")),
            ("@CUT_COMMENTS@", cutsComments ? "1" : "0"),
            ("@COMMENT_RULE@", cutsComments
                ? "from -269 (~6.5) a value is cut at its LAST '#' (options lines never are)"
                : "before -269 (~6.5) nothing else is stripped: 'extra_modules a # x' asks for modules '#' and 'x'"),
            ("@DEFAULT_DISK_TIMEOUT@", number >= 269 ? "180" : ""),
            ("@BLACKLIST_CONF@", number < 282 ? "1" : "0"),
            ("@PATH_LOOKUP@", StandInShell.pathLookup),
            ("@RESOLVER@", StandInShell.resolver),
            ("@KERNEL_AND_FAILURES@", StandInShell.kernelCheckAndFailureInjection),
            ("@WORK_AREA@", StandInShell.workArea),
        ]
        return values.reduce(template) { $0.replacingOccurrences(of: $1.0, with: $1.1) }
    }

    /// Words joined into comment lines of at most ~100 columns.
    static func wrap(_ words: [String], prefix: String) -> String {
        var lines: [String] = []
        var line = ""
        for word in words {
            if !line.isEmpty, prefix.count + line.count + 1 + word.count > 100 {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines.map { prefix + $0 }.joined(separator: "\n")
    }

    private static let template = #"""
        #!/bin/sh
        # TEST STAND-IN -- this is NOT Red Hat's mkdumprd. No Red Hat code is in it.
        #
        # kdumpbake's el6 test images carry this script instead of the real /sbin/mkdumprd. It imitates the
        # mkdumprd of @PACKAGE@ (@RHEL@) where kdumpbake depends on it. Every rule below comes
        # from kdumpbake's reference notes on the real tools (kexec-tools-real.md, section "el6 mkdumprd");
        # the fact each one rests on is quoted in [brackets].
        #
        #   usage    mkdumprd [-d] [-f] [--allow-missing] [other options ignored] IMAGE KVER. The kernel
        #            version comes from argv only (uname -r in the appliance is the appliance's kernel).
        #            [-d -f and --allow-missing: "mkdumprd -d -f --allow-missing IMG KVER gets past it"]
        #   config   /etc/kdump.conf: a line whose first word starts with '#' is skipped;
        #            @COMMENT_RULE@.
        #            Accepted first words:
        @KNOWN_WRAPPED@
        #            plus any word containing ext2/ext3/ext4/xfs/btrfs. Anything else prints
        #            "Unknown parameter  X" (two spaces) and exits 1. ["Directives."; "Comments."]
        #            Release thresholds used (the notes date these by minor release, so the numbers are
        #            proxies): < 200 = 6.0, without nfs nfs4 ssh sshkey force_rebuild debug_mem_level;
        #            >= 269 values cut at the last '#'; >= 282 fence_kdump_nodes/_args; >= 288 no minix.
        #   modules  EVERY module the build machine has loaded (lsmod, header skipped) plus extra_modules,
        #            each found in /lib/modules/KVER ('-' and '_' alike) with its modules.dep dependencies.
        #            A name not found: "No module X found for kernel KVER, aborting." and exit 1, unless
        #            --allow-missing (then a warning). Inside the libguestfs appliance lsmod lists the
        #            appliance's modules, so a build there fails without --allow-missing.
        #            ["It copies in every module the build machine has loaded"]
        #   image    every resolved module copied flat to lib/modules/KVER/NAME.ko -- blacklisted ones too.
        #            ["blacklist does not keep a module out of the initrd"; "modules flat under lib/modules/KVER/"]
        #   /init    one "insmod /lib/modules/KVER/NAME.ko[ OPTIONS]" line per module, dependencies first;
        #            none for a module whose file basename (without .ko) equals a blacklist word exactly
        #            (hid_hyperv does not match hid-hyperv.ko). OPTIONS: the rest of a kdump.conf line
        #            "options NAME ..." anchored at column 0 with spaces only; an indented or tab-separated
        #            options line is silently ignored. ["options MOD ARGS"; "exact compare of the module
        #            file basename"] With disk_timeout N, /init waits N seconds for the critical disks
        #            recorded at build time (here: the block devices in /sys/block). ["disk_timeout"]
        #   output   /etc/kdump.conf copied in; a gzip-compressed newc cpio written to IMAGE.tmp and renamed.
        #            ["gzip cpio"] Releases before -282 also write etc/blacklist-kdump.conf (dead code
        #            there too). ["6.0 also wrote etc/blacklist-kdump.conf ... removed in -282"]
        #   Not imitated: networking, dump targets, busybox, the capture environment; /init does not boot.
        #
        # Test hooks: /etc/kdump-standin/fail or fail-KVER (its content goes to stderr, exit 1); hang or hang-KVER
        # (never returns); lsmod is looked up in PATH (see in_path), so a test may put its own lsmod first.

        set -f          # words are split on purpose below; never expand them as globs
        umask 077

        KNOWN='@KNOWN@'
        CUT_COMMENTS=@CUT_COMMENTS@
        DEFAULT_DISK_TIMEOUT='@DEFAULT_DISK_TIMEOUT@'
        BLACKLIST_CONF=@BLACKLIST_CONF@
        CONF=/etc/kdump.conf
        tab=$(printf '\t')

        die() { printf '%s\n' "$*" >&2; exit 1; }
        usage() { die "usage: mkdumprd [-d] [-f] [--allow-missing] <initrd-image> <kernel-version>"; }

        @PATH_LOOKUP@

        # shquote TEXT: TEXT as one single-quoted shell word.
        shquote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

        force=''
        allow_missing=''
        while [ $# -gt 0 ]; do
            case "$1" in
                -d) ;;
                -f) force=1 ;;
                --allow-missing) allow_missing=1 ;;
                --) shift; break ;;
                -?*) ;;     # other options: ignored
                *) break ;;
            esac
            shift
        done
        @KERNEL_AND_FAILURES@

        moddir="/lib/modules/$kver"
        [ -d "$moddir" ] || die "No modules available for kernel $kver: $moddir not found"
        [ -z "$force" ] && [ -e "$image" ] && die "$image already exists."
        [ -d "$(dirname -- "$image")" ] || die "Directory of $image does not exist"

        @WORK_AREA@
        mkdir -p "$root/etc" "$root/lib/modules/$kver" || die "cannot populate $root"

        # ---- /etc/kdump.conf ---------------------------------------------------------------------
        [ -f "$CONF" ] || die "$CONF not found"
        extra=''
        blacklist=''
        disk_timeout=''
        while IFS= read -r line || [ -n "$line" ]; do
            set -- $line
            [ $# -gt 0 ] || continue
            case "$1" in '#'*) continue ;; esac
            directive=$1
            rest=${line#"${line%%[! $tab]*}"}
            rest=${rest#"$directive"}
            if [ "$CUT_COMMENTS" = 1 ] && [ "$directive" != options ]; then
                case "$rest" in *'#'*) rest=${rest%'#'*} ;; esac
            fi
            case " $KNOWN " in
                *" $directive "*) ;;
                *)
                    case "$directive" in
                        *ext2*|*ext3*|*ext4*|*xfs*|*btrfs*) ;;
                        *) printf 'Unknown parameter  %s\n' "$directive" >&2; exit 1 ;;
                    esac ;;
            esac
            set -- $rest
            case "$directive" in
                extra_modules) extra="$extra $*" ;;
                blacklist) blacklist="$blacklist $*" ;;
                disk_timeout) disk_timeout=${1-} ;;
            esac
        done < "$CONF"

        # ---- modules: lsmod + extra_modules, resolved in the guest kernel's tree ------------------------
        : > "$workdir/requests"
        for name in $(lsmod_names); do printf 'L\t%s\n' "$name" >> "$workdir/requests"; done
        for name in $extra; do printf 'E\t%s\n' "$name" >> "$workdir/requests"; done
        (cd "$moddir" && find . -type f \( -name '*.ko' -o -name '*.ko.xz' \)) > "$workdir/index" ||
            die "cannot list $moddir"
        MODDIR=$moddir INDEX="$workdir/index" DEP="$moddir/modules.dep" REQ="$workdir/requests" \
            awk '@RESOLVER@' > "$workdir/resolved" || die "cannot resolve modules"

        : > "$workdir/order"
        while IFS="$tab" read -r kind value name; do
            case "$kind" in
                M)
                    base=${value##*/}
                    cp -- "$moddir/$value" "$root/lib/modules/$kver/$base" || die "cannot copy $moddir/$value"
                    printf '%s\n' "${base%.ko}" >> "$workdir/order" ;;
                X)
                    if [ -n "$allow_missing" ]; then
                        printf 'WARNING: No module %s found for kernel %s, continuing anyway\n' "$name" "$kver" >&2
                    else
                        die "No module $name found for kernel $kver, aborting."
                    fi ;;
            esac
        done < "$workdir/resolved"

        # ---- /init ---------------------------------------------------------------------------------
        # module_options NAME: the rest of every "options NAME ..." line (column 0, spaces only).
        module_options() {
            MOD=$1 awk '
                BEGIN { m = ENVIRON["MOD"] }
                substr($0, 1, 8) == "options " {
                    s = substr($0, 9); sub(/^ +/, "", s)
                    if (substr(s, 1, length(m) + 1) != m " ") next
                    s = substr(s, length(m) + 2); sub(/^ +/, "", s)
                    opts = opts (found ? " " : "") s; found = 1
                }
                END { printf "%s", opts }' "$CONF"
        }

        {
            printf '#!/bin/sh\n'
            printf '# TEST STAND-IN kdump /init written by the stand-in mkdumprd (@PACKAGE@ rules); it does not boot.\n'
            while IFS= read -r name; do
                skip=''
                for word in $blacklist; do
                    [ "$word" = "$name" ] && skip=1
                done
                [ -z "$skip" ] || continue      # blacklisted: in the image, but no insmod line
                options=$(module_options "$name")
                printf 'insmod /lib/modules/%s/%s.ko%s\n' "$kver" "$name" "${options:+ $options}"
            done < "$workdir/order"
            disks=$(ls /sys/block 2>/dev/null | grep -v -e '^loop' -e '^ram' | tr '\n' ' ')
            printf '# critical disks recorded at build time: %s\n' "${disks:-none}"
            if [ -n "$disk_timeout" ]; then
                printf 'echo %s\n' "$(shquote "disk_timeout: waiting $disk_timeout seconds for the critical disks recorded at build time")"
            elif [ -n "$DEFAULT_DISK_TIMEOUT" ]; then
                printf 'echo %s\n' "$(shquote "no disk_timeout: waiting the default $DEFAULT_DISK_TIMEOUT seconds for the critical disks recorded at build time")"
            else
                printf 'echo %s\n' "$(shquote "no disk_timeout: waiting without a limit for the critical disks recorded at build time")"
            fi
        } > "$root/init" || die "cannot write $root/init"
        chmod 755 "$root/init"

        cp -- "$CONF" "$root/etc/kdump.conf" || die "cannot copy $CONF"
        if [ "$BLACKLIST_CONF" = 1 ]; then
            for word in $blacklist; do printf 'blacklist %s\n' "$word"; done > "$root/etc/blacklist-kdump.conf"
        fi

        # ---- the image -----------------------------------------------------------------------------
        tmpimage="$image.tmp"
        (cd "$root" && find . | cpio -o -H newc > "$workdir/initrd.cpio") 2> "$workdir/cpio.log" ||
            die "cpio failed: $(cat "$workdir/cpio.log")"
        gzip -9 -c "$workdir/initrd.cpio" > "$tmpimage" || die "cannot write $tmpimage"
        chmod 600 "$tmpimage"
        mv -f -- "$tmpimage" "$image" || die "cannot rename $tmpimage to $image"
        tmpimage=''
        exit 0

        """#
}
