/// The `/usr/sbin/mkdumprd` the el7 test guests carry: a busybox-sh TEST STAND-IN imitating RHEL 7's dracut
/// wrapper where kdumpbake depends on it, written from the reference notes on the real tools
/// (`kexec-tools-real.md`, "el7 mkdumprd"), rules of 2.0.15-33 (RHEL 7.7; the CentOS 7.9 look-alike uses them).
///
/// - `mkdumprd [-f] IMAGE KVER`; KVER only from argv. Unknown kdump.conf directives are ignored.
/// - Drivers to add: `extra_modules` words and the words of every `--add-drivers` in `dracut_args`, split on
///   blanks only (`"a,b"` is one module `a,b`); one not found → `dracut-install: Failed to find module 'X'`
///   and `dracut: FAILED: …`, exit 1.
/// - Hostonly: the `lsmod` modules the guest kernel has ('-' and '_' alike), missing ones skipped silently;
///   dependencies from modules.dep. No blacklisting at build time.
/// - Layout: `usr/lib/modules/KVER/<path>` (and `lib -> usr/lib`), `usr/lib/dracut/loaded-kernel-modules.txt`
///   (lsmod names, sorted), `etc/kdump.conf`; gzip newc cpio via IMAGE.tmp; /etc/kdump-standin/fail, /hang.
enum StandInEl7Mkdumprd {
    static func script(_ release: StandInRelease = .rhel77) -> String {
        template
            .replacingOccurrences(of: "@PACKAGE@", with: release.packageName)
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
        # kdumpbake's el7 test images carry this script instead of the real /usr/sbin/mkdumprd (a dracut
        # wrapper). It imitates the rules of kexec-tools-2.0.15-33.el7 (RHEL 7.7), the newest el7 whose
        # source kdumpbake's reference notes verified; the CentOS 7.9 look-alike carries it too (7.9's own
        # source was not available) -- this is the @PACKAGE@ variant. Each rule comes from the notes
        # (kexec-tools-real.md, section "el7 mkdumprd"); the fact is quoted in [brackets].
        #
        #   usage    mkdumprd [-f] IMAGE KVER; the kernel version comes from argv only.
        #   config   /etc/kdump.conf: a line whose first non-blank is '#' is dropped, a value is cut at its
        #            first '#' (7.7 rule) ["7.7 drops lines whose first non-blank is # and cuts at the first
        #            #"]; unknown directives are ignored ["mkdumprd ignores unknown directives: only kdumpctl
        #            rejects them"].
        #   drivers  extra_modules words and the words of every --add-drivers "..." / '...' / WORD in
        #            dracut_args ["extra_modules -> --add-drivers"; "dracut_args words are appended (quotes
        #            grouped)"], split on blanks ONLY: --add-drivers "a,b" asks for a module named 'a,b'
        #            ["dracut splits --add-drivers on blanks only"]. One the kernel lacks fails like dracut:
        #            "dracut-install: Failed to find module 'X'", a "dracut: FAILED: ..." line, exit 1.
        #   hostonly the modules the build machine has loaded (lsmod) that the guest kernel has ('-' and '_'
        #            alike), others skipped silently (dracut --hostonly); dependencies from modules.dep.
        #            Nothing is blacklisted at build time: on el7 that is rd.driver.blacklist= at boot and
        #            "the module may still be inside the initramfs".
        #   image    modules under usr/lib/modules/KVER/<their path> (and lib -> usr/lib, as dracut's usrmerge
        #            layout), usr/lib/dracut/loaded-kernel-modules.txt = the build machine's lsmod names, one a
        #            line, sorted ["lsmod ... the initrd's usr/lib/dracut/loaded-kernel-modules.txt"],
        #            etc/kdump.conf; a gzip newc cpio (dracut's default compression) written to IMAGE.tmp
        #            and renamed.
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

        @WORK_AREA@
        mkdir -p "$root/etc" "$root/usr/lib/modules/$kver" "$root/usr/lib/dracut" || die "cannot populate $root"

        # ---- /etc/kdump.conf: the drivers to add ----------------------------------------------------------
        [ -f "$CONF" ] || die "$CONF not found"
        : > "$workdir/added"
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
        sort "$workdir/loaded" > "$root/usr/lib/dracut/loaded-kernel-modules.txt"
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
        printf '#!/bin/sh\n# TEST STAND-IN kdump initramfs for %s built by the stand-in el7 mkdumprd; it does not boot.\n' \
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
