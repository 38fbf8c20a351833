/// The `/usr/sbin/mkdumprd` the RHEL 8/9 test guests carry: a busybox-sh TEST STAND-IN built on the el7 one
/// (`StandInEl7Mkdumprd`), with what changed in RHEL 8 and 9 as kdump-other-families.md describes it:
/// the fatal dump-path pre-check (L105–106), the initrd's record of the build machine's modules
/// (8: `loaded-kernel-modules.txt`, 9.3: `hostonly-kernel-modules.txt`, L117–119) and 9.3's automatic
/// `nvme` when /sys/module/nvme exists (L101–102). No Red Hat code is in it.
enum StandInEl8Mkdumprd {
    static func script(_ release: StandInRelease) -> String {
        guard case .el8Family(let major, let minor) = release else { preconditionFailure("\(release.packageName) is not an el8+ build") }
        let is93 = major > 9 || (major == 9 && minor >= 3)
        return template
            .replacingOccurrences(of: "@PACKAGE@", with: release.packageName)
            .replacingOccurrences(of: "@RHEL@", with: release.rhelName)
            .replacingOccurrences(of: "@RECORD@", with: is93 ? "usr/lib/dracut/hostonly-kernel-modules.txt" : "usr/lib/dracut/loaded-kernel-modules.txt")
            .replacingOccurrences(of: "@NVME_RULE@", with: is93 ? "added when /sys/module/nvme exists" : "never added by itself (before 9.3)")
            .replacingOccurrences(of: "@ADDS_NVME@", with: is93 ? "yes" : "no")
            .replacingOccurrences(of: "@PATH_LOOKUP@", with: StandInShell.pathLookup)
            .replacingOccurrences(of: "@RESOLVER@", with: StandInShell.resolver)
            .replacingOccurrences(of: "@KERNEL_AND_FAILURES@", with: StandInShell.kernelCheckAndFailureInjection)
            .replacingOccurrences(of: "@WORK_AREA@", with: StandInShell.workArea)
    }

    private static let template = #"""
        #!/bin/sh
        # TEST STAND-IN -- this is NOT Red Hat's mkdumprd, and there is no dracut behind it. No Red Hat code
        # is in it.
        #
        # kdumpbake's RHEL 8/9 test images carry this script instead of the real /usr/sbin/mkdumprd (a
        # dracut wrapper). It imitates @RHEL@ (@PACKAGE@) where kdumpbake depends on it, written from the
        # reference notes (kdump-other-families.md, "RHEL family 8 / 9 / 10", section 3); the fact is quoted
        # in [brackets] with its line there. What differs from the el7 stand-in:
        #   pre-check the dump path must exist: 'Dump path "P" does not exist in dump target "T"', exit 1
        #            [L105-106: fatal pre-checks]. The "neither mounted nor configured as noauto" check is
        #            not imitated (inside the appliance's chroot nothing can tell).
        #   record   @RECORD@ = the build machine's loaded modules [L117-119: 8.9 loaded-kernel-modules.txt,
        #            9.3 hostonly-kernel-modules.txt].
        #   nvme     @NVME_RULE@ [L101-102: 9.3 adds --add-drivers nvme only if /sys/module/nvme exists].
        # The rest as el7's [L96-99: extra_modules -> --add-drivers, dracut_args appended, hostonly]:
        #
        #   usage    mkdumprd [-f] IMAGE KVER; the kernel version comes from argv only.
        #   config   /etc/kdump.conf: leading blanks stripped, cut at the first '#' [L50-51]; unknown
        #            directives are ignored (only kdumpctl's check_config rejects them, L39).
        #   drivers  extra_modules words and the words of every --add-drivers "..." / '...' / WORD in
        #            dracut_args ["extra_modules -> --add-drivers"; "dracut_args words are appended (quotes
        #            grouped)"], split on blanks ONLY: --add-drivers "a,b" asks for a module named 'a,b'
        #            ["dracut splits --add-drivers on blanks only"]. One the kernel lacks fails like dracut:
        #            "dracut-install: Failed to find module 'X'", a "dracut: FAILED: ..." line, exit 1.
        #   hostonly the modules the build machine has loaded (lsmod) that the guest kernel has ('-' and '_'
        #            alike), others skipped silently (dracut --hostonly); dependencies from modules.dep.
        #            Nothing is blacklisted at build time.
        #   image    modules under usr/lib/modules/KVER/<their path> (and lib -> usr/lib, as dracut's usrmerge
        #            layout), the record above, etc/kdump.conf; a gzip newc cpio written to IMAGE.tmp and
        #            renamed (the real one compresses with xz on 8, zstd on 9 [L97-100]; kdumpbake reads all).
        #   Not imitated: every other dracut module, the dump target, the capture environment; /init is a stub.
        #
        # Test hooks: /etc/kdump-standin/fail or fail-KVER (its content goes to stderr, exit 1); hang or hang-KVER
        # (never returns); lsmod is looked up in PATH (see in_path), so a test may put its own lsmod first.

        set -f          # words are split on purpose below; never expand them as globs
        umask 077

        CONF=/etc/kdump.conf
        tab=$(printf '\t')

        die() { printf '%s\n' "$*" >&2; exit 1; }
        usage() { die "usage: mkdumprd [-f] <initrd-image> <kernel-version>"; }

        @PATH_LOOKUP@

        # add_drivers TEXT: the module names of every --add-drivers in dracut_args TEXT, one a line:
        # "a b" or 'a b' (the quotes group, blanks separate) or one unquoted word. Commas do NOT separate.
        add_drivers() {
            printf '%s\n' "$1" | awk -v sq="'" '{
                s = " " $0
                while (match(s, /[ \t]--add-drivers([ \t]+|=)/)) {
                    s = substr(s, RSTART + RLENGTH)
                    sub(/^[ \t]+/, "", s)
                    q = substr(s, 1, 1)
                    if (q == "\"" || q == sq) {
                        s = substr(s, 2); end = index(s, q)
                        if (end == 0) end = length(s) + 1
                    } else {
                        end = match(s, /[ \t]/)
                        if (end == 0) end = length(s) + 1
                    }
                    list = substr(s, 1, end - 1)
                    s = " " substr(s, end + 1)
                    n = split(list, words, /[ \t]+/)
                    for (i = 1; i <= n; i++) if (words[i] != "") print words[i]
                }
            }'
        }

        force=''
        while [ $# -gt 0 ]; do
            case "$1" in
                -f|--force) force=1 ;;
                --) shift; break ;;
                -?*) usage ;;
                *) break ;;
            esac
            shift
        done
        @KERNEL_AND_FAILURES@

        moddir="/lib/modules/$kver"
        [ -d "$moddir" ] || die "dracut: Cannot find module directory $moddir/"
        [ -z "$force" ] && [ -e "$image" ] && die "dracut: Will not override existing initramfs ($image) without --force"
        [ -d "$(dirname -- "$image")" ] || die "Directory of $image does not exist"

        [ -f "$CONF" ] || die "$CONF not found"
        @WORK_AREA@
        mkdir -p "$root/etc" "$root/usr/lib/modules/$kver" "$root/usr/lib/dracut" || die "cannot populate $root"

        # ---- pre-check: the dump path exists [L105-106] ---------------------------------------------------
        dump_path=/var/crash
        while IFS= read -r line || [ -n "$line" ]; do
            line=${line#"${line%%[! $tab]*}"}
            case "$line" in ''|'#'*) continue ;; esac
            case "$line" in *'#'*) line=${line%%'#'*} ;; esac
            set -- $line
            [ "${1-}" = path ] && [ $# -ge 2 ] && dump_path=$2
        done < "$CONF"
        [ -d "$dump_path" ] || die "Dump path \"$dump_path\" does not exist in dump target \"/\""

        # ---- /etc/kdump.conf: the drivers to add ----------------------------------------------------------
        : > "$workdir/added"
        if [ @ADDS_NVME@ = yes ] && [ -d /sys/module/nvme ]; then echo nvme >> "$workdir/added"; fi
        while IFS= read -r line || [ -n "$line" ]; do
            line=${line#"${line%%[! $tab]*}"}
            case "$line" in ''|'#'*) continue ;; esac
            case "$line" in *'#'*) line=${line%%'#'*} ;; esac
            set -- $line
            [ $# -gt 0 ] || continue
            directive=$1
            shift
            case "$directive" in
                extra_modules) for name in "$@"; do printf '%s\n' "$name"; done >> "$workdir/added" ;;
                dracut_args) add_drivers "${line#"$directive"}" >> "$workdir/added" ;;
            esac
        done < "$CONF"

        # ---- modules: hostonly (lsmod) + added drivers -------------------------------------------------
        lsmod_names > "$workdir/loaded"
        sort "$workdir/loaded" > "$root/@RECORD@"
        : > "$workdir/requests"
        while IFS= read -r name; do printf 'L\t%s\n' "$name"; done < "$workdir/loaded" >> "$workdir/requests"
        while IFS= read -r name; do printf 'E\t%s\n' "$name"; done < "$workdir/added" >> "$workdir/requests"
        (cd "$moddir" && find . -type f \( -name '*.ko' -o -name '*.ko.xz' \)) > "$workdir/index" ||
            die "cannot list $moddir"
        MODDIR=$moddir INDEX="$workdir/index" DEP="$moddir/modules.dep" REQ="$workdir/requests" \
            awk '@RESOLVER@' > "$workdir/resolved" || die "cannot resolve modules"

        missing=''
        while IFS="$tab" read -r kind value name; do
            case "$kind" in
                M)
                    mkdir -p "$root/usr/lib/modules/$kver/$(dirname -- "$value")" &&
                        cp -- "$moddir/$value" "$root/usr/lib/modules/$kver/$value" || die "cannot copy $moddir/$value" ;;
                X)
                    # hostonly modules the kernel lacks are skipped, as dracut --hostonly does
                    if [ "$value" = E ]; then
                        printf "dracut-install: Failed to find module '%s'\n" "$name" >&2
                        missing="$missing $name"
                    fi ;;
            esac
        done < "$workdir/resolved"
        if [ -n "$missing" ]; then
            die "dracut: FAILED: dracut-install --kerneldir $moddir/ -m$missing"
        fi

        # ---- the image -----------------------------------------------------------------------------
        ln -s usr/lib "$root/lib" || die "cannot link $root/lib"
        printf '#!/bin/sh\n# TEST STAND-IN kdump initramfs for %s built by the stand-in el8+ mkdumprd; it does not boot.\n' \
            "$kver" > "$root/init"
        chmod 755 "$root/init"
        cp -- "$CONF" "$root/etc/kdump.conf" || die "cannot copy $CONF"

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
