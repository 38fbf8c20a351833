/// The `/usr/bin/kdumpctl` the el7 test guests carry: a busybox-sh TEST STAND-IN imitating RHEL 7.7's
/// kdumpctl where kdumpbake depends on it (check_config, check_rebuild, the mkdumprd call), written from the
/// reference notes on the real tools (`kexec-tools-real.md`, "el7 kdumpctl"). It never loads a kernel.
///
/// Commands start, restart (= reload), rebuild, stop, status. `check_config` is fatal (exit 1) with the
/// real messages; `check_rebuild` prints one `kdump initrd needs a rebuild: REASON` line per reason, then
/// `Rebuilding INITRD` and runs `/sbin/mkdumprd -f INITRD KVER`. Test hooks: env `KDUMP_STANDIN_UNAME_R`
/// stands in for `uname -r`; lsmod is looked up in PATH.
enum StandInEl7Kdumpctl {
    static func script(_ release: StandInRelease = .rhel77) -> String {
        template
            .replacingOccurrences(of: "@PACKAGE@", with: release.packageName)
            .replacingOccurrences(of: "@PATH_LOOKUP@", with: StandInShell.pathLookup)
    }

    private static let template = #"""
        #!/bin/sh
        # TEST STAND-IN -- this is NOT Red Hat's kdumpctl. No Red Hat code is in it.
        #
        # kdumpbake's el7 test images carry this script instead of the real /usr/bin/kdumpctl. It imitates
        # the rules of kexec-tools-2.0.15-33.el7 (RHEL 7.7), the newest el7 whose source kdumpbake's reference
        # notes verified; the CentOS 7.9 look-alike carries it too -- this is the @PACKAGE@ variant. Each rule
        # comes from the notes (kexec-tools-real.md, section "el7 kdumpctl"); the fact is quoted in [brackets].
        #
        #   check_config (start, restart, rebuild; any failure is fatal, exit 1) ["check_config runs before
        #   anything else and is fatal"]:
        #     - a directive indented with blanks: "No whitespaces are allowed before a kdump option name in
        #       /etc/kdump.conf" ["from 7.5 (2.0.15-8): any directive indented with blanks"]
        #     - net options link_delay disk_timeout debug_mem_level blacklist: "Deprecated kdump config
        #       option: X. Refer to kdump.conf manpage for alternatives." ["on every el7 release"]
        #     - any other unknown word: "Invalid kdump config option X"; a known option with an empty value:
        #       "Invalid kdump config value for option X."
        #     - more than one dump target (raw nfs ssh ext2 ext3 ext4 minix btrfs xfs), a default other than
        #       reboot halt poweroff shell dump_to_rootfs: fatal (the wording here is the stand-in's own).
        #     - comments (7.7): a line whose first non-blank is '#' is dropped, a value is cut at its first
        #       '#'.
        #   check_rebuild (start, restart): kernel = KDUMP_KERNELVER or `uname -r`; initrd
        #   ${KDUMP_BOOTDIR:-/boot}/initramfs-${kver}kdump.img. force_no_rebuild 1: never rebuild
        #   ["force_no_rebuild 1 (~7.4+) disables it"]. Otherwise rebuild when force_rebuild 1; the initrd is
        #   missing; /etc/kdump.conf, the kdump kernel, kdump_pre, kdump_post, an extra_bins file, the
        #   core_collector binary (its first word, looked up in PATH) ["(7.6+)"] or /etc/fstab is newer; at
        #   every start when extra_modules is set ["7.5, 7.6, 7.7"]; hardware check (7.7): a loaded storage
        #   driver of the dump target (the lsmod modules among hv_storvsc virtio_scsi virtio_blk ata_piix nvme
        #   sd_mod) that the initrd's usr/lib/dracut/loaded-kernel-modules.txt does not list ["7.7 when a
        #   loaded driver of the dump-target disk (on Azure: hv_storvsc) is not listed there"].
        #   /etc/sysconfig/kdump is never a trigger. One line per reason, then `/sbin/mkdumprd -f INITRD KVER`.
        #   rebuild: check_config, then always mkdumprd.
        #   The stand-in never loads the kdump kernel with kexec; stop and status are stubs.
        #   The initrd is read with zcat, xzcat or as a plain cpio; one it cannot read (zstd, early microcode
        #   in front) counts as listing no loaded modules.
        #
        # Test hooks: a non-empty environment variable KDUMP_STANDIN_UNAME_R is used instead of `uname -r`
        # (inside the libguestfs appliance uname -r is the appliance's kernel); lsmod is looked up in PATH
        # (see in_path), so a test may put its own lsmod first, e.g. one listing Azure's loaded modules.

        set -f

        CONF=/etc/kdump.conf
        SYSCONFIG=/etc/sysconfig/kdump
        MKDUMPRD=/sbin/mkdumprd
        DEPRECATED='net options link_delay disk_timeout debug_mem_level blacklist'
        KNOWN='raw ext2 ext3 ext4 minix btrfs xfs nfs ssh sshkey path core_collector kdump_post kdump_pre
               extra_bins extra_modules default force_rebuild force_no_rebuild dracut_args fence_kdump_args
               fence_kdump_nodes'
        TARGETS='raw nfs ssh ext2 ext3 ext4 minix btrfs xfs'
        DEFAULT_ACTIONS='reboot halt poweroff shell dump_to_rootfs'
        STORAGE_DRIVERS='hv_storvsc virtio_scsi virtio_blk ata_piix nvme sd_mod'
        tab=$(printf '\t')
        nl='
        '

        @PATH_LOOKUP@

        # in_words WORD LIST...: is WORD one of LIST?
        in_words() {
            in_words_needle=$1
            shift
            for in_words_candidate in "$@"; do
                [ "$in_words_candidate" = "$in_words_needle" ] && return 0
            done
            return 1
        }

        # conf_lines: /etc/kdump.conf by the 7.7 comment rule: lines whose first non-blank is '#' and blank
        # lines dropped, values cut at the first '#', leading blanks removed.
        conf_lines() {
            [ -f "$CONF" ] || return 0
            while IFS= read -r conf_line || [ -n "$conf_line" ]; do
                conf_line=${conf_line#"${conf_line%%[! $tab]*}"}
                case "$conf_line" in ''|'#'*) continue ;; esac
                case "$conf_line" in *'#'*) conf_line=${conf_line%%'#'*} ;; esac
                printf '%s\n' "$conf_line"
            done < "$CONF"
        }

        running_kernel() {
            if [ -n "${KDUMP_STANDIN_UNAME_R:-}" ]; then
                printf '%s\n' "$KDUMP_STANDIN_UNAME_R"
            else
                uname -r
            fi
        }

        # check_config: 0 when /etc/kdump.conf is acceptable; else the reason on stderr and 1.
        check_config() {
            if [ ! -f "$CONF" ]; then
                echo "kdumpctl (TEST STAND-IN): $CONF not found" >&2
                return 1
            fi
            while IFS= read -r line || [ -n "$line" ]; do
                case "$line" in
                    " "*|"$tab"*)
                        stripped=${line#"${line%%[! $tab]*}"}
                        case "$stripped" in
                            ''|'#'*) ;;
                            *)
                                echo "No whitespaces are allowed before a kdump option name in /etc/kdump.conf" >&2
                                return 1 ;;
                        esac ;;
                esac
            done < "$CONF"

            targets=''
            while read -r opt val; do
                [ -n "$opt" ] || continue
                if in_words "$opt" $DEPRECATED; then
                    echo "Deprecated kdump config option: $opt. Refer to kdump.conf manpage for alternatives." >&2
                    return 1
                fi
                if ! in_words "$opt" $KNOWN; then
                    echo "Invalid kdump config option $opt" >&2
                    return 1
                fi
                if [ -z "$val" ]; then
                    echo "Invalid kdump config value for option $opt." >&2
                    return 1
                fi
                in_words "$opt" $TARGETS && targets="$targets $opt"
                if [ "$opt" = default ] && ! in_words "$val" $DEFAULT_ACTIONS; then
                    echo "Invalid default action in /etc/kdump.conf: '$val' (use one of: $DEFAULT_ACTIONS)" >&2
                    return 1
                fi
            done <<EOF
        $(conf_lines)
        EOF
            set -- $targets
            if [ $# -gt 1 ]; then
                echo "More than one dump target configured in /etc/kdump.conf:$targets" >&2
                return 1
            fi
            return 0
        }

        # setup_paths: kver, initrd and kernel from /etc/sysconfig/kdump and the running kernel.
        setup_paths() {
            [ ! -f "$SYSCONFIG" ] || . "$SYSCONFIG"
            kver=${KDUMP_KERNELVER:-}
            [ -n "$kver" ] || kver=$(running_kernel)
            bootdir=${KDUMP_BOOTDIR:-/boot}
            initrd="$bootdir/initramfs-${kver}kdump.img"
            kernel="$bootdir/${KDUMP_IMG:-vmlinuz}-${kver}${KDUMP_IMG_EXT:-}"
        }

        # initrd_loaded_modules: usr/lib/dracut/loaded-kernel-modules.txt of $initrd (empty if unreadable).
        initrd_loaded_modules() {
            scratch=$(mktemp -d /tmp/kdumpctl.XXXXXX) || return 0
            if zcat "$initrd" > "$scratch/cpio" 2>/dev/null || xzcat "$initrd" > "$scratch/cpio" 2>/dev/null ||
                cp "$initrd" "$scratch/cpio"; then
                (cd "$scratch" && cpio -i -d usr/lib/dracut/loaded-kernel-modules.txt < "$scratch/cpio") 2>/dev/null
                cat "$scratch/usr/lib/dracut/loaded-kernel-modules.txt" 2>/dev/null
            fi
            rm -rf "$scratch"
        }

        # check_rebuild: prints one line per reason; 0 when the initrd must be rebuilt.
        check_rebuild() {
            force_rebuild=''
            force_no_rebuild=''
            has_extra_modules=''
            core_collector=''
            watched=''      # "what<TAB>file" lines
            while read -r opt val; do
                set -- $val
                case "$opt" in
                    force_rebuild) force_rebuild=$val ;;
                    force_no_rebuild) force_no_rebuild=$val ;;
                    extra_modules) has_extra_modules=1 ;;
                    core_collector) core_collector=${1-} ;;
                    kdump_pre|kdump_post) [ $# -eq 0 ] || watched="$watched$opt$tab$1$nl" ;;
                    extra_bins) for file in "$@"; do watched="${watched}extra_bins$tab$file$nl"; done ;;
                esac
            done <<EOF
        $(conf_lines)
        EOF
            if [ "$force_no_rebuild" = 1 ]; then
                echo "kdumpctl (TEST STAND-IN): force_no_rebuild is set: $initrd is not rebuilt"
                return 1
            fi
            if [ -n "$core_collector" ]; then
                case "$core_collector" in
                    */*) [ ! -f "$core_collector" ] || watched="${watched}core_collector$tab$core_collector$nl" ;;
                    *) collector_path=$(in_path "$core_collector") &&
                           watched="${watched}core_collector$tab$collector_path$nl" ;;
                esac
            fi

            rebuild=1
            reason() { echo "kdump initrd needs a rebuild: $1"; rebuild=0; }
            [ "$force_rebuild" != 1 ] || reason "force_rebuild is set"
            if [ ! -f "$initrd" ]; then
                reason "$initrd does not exist"
            else
                [ ! "$CONF" -nt "$initrd" ] || reason "$CONF is newer than the initrd"
                [ ! "$kernel" -nt "$initrd" ] || reason "the kdump kernel $kernel is newer than the initrd"
                while IFS="$tab" read -r what file; do
                    [ -n "$file" ] || continue
                    [ ! "$file" -nt "$initrd" ] || reason "$what $file is newer than the initrd"
                done <<EOF
        $watched
        EOF
                [ ! /etc/fstab -nt "$initrd" ] || reason "/etc/fstab is newer than the initrd"
            fi
            [ -z "$has_extra_modules" ] || reason "$CONF has extra_modules (rebuilt at every start)"
            if [ -f "$initrd" ]; then
                storage=''
                for module in $(lsmod_names); do
                    in_words "$module" $STORAGE_DRIVERS && storage="$storage $module"
                done
                if [ -n "$storage" ]; then
                    listed=$(initrd_loaded_modules)
                    for module in $storage; do
                        in_words "$module" $listed ||
                            reason "the loaded storage driver $module is not in the initrd's loaded-kernel-modules.txt"
                    done
                fi
            fi
            return $rebuild
        }

        # build: runs mkdumprd for $initrd; 1 on failure.
        build() {
            echo "Rebuilding $initrd"
            if ! "$MKDUMPRD" -f "$initrd" "$kver"; then
                echo "kdumpctl (TEST STAND-IN): mkdumprd failed to make $initrd" >&2
                return 1
            fi
            return 0
        }

        start() {
            if ! check_config; then
                echo "Starting kdump: [FAILED]"
                exit 1
            fi
            setup_paths
            if check_rebuild; then
                if ! build; then
                    echo "Starting kdump: [FAILED]"
                    exit 1
                fi
            else
                [ -f "$initrd" ] && echo "kdumpctl (TEST STAND-IN): $initrd is up to date, no rebuild needed"
            fi
            if [ ! -f "$initrd" ]; then
                echo "kdumpctl (TEST STAND-IN): $initrd does not exist" >&2
                echo "Starting kdump: [FAILED]"
                exit 1
            fi
            echo "kdumpctl (TEST STAND-IN): the kdump kernel is not loaded with kexec"
            echo "Starting kdump: [OK]"
        }

        case "$1" in
            start)
                start ;;
            restart|reload)
                echo "kdumpctl (TEST STAND-IN): stop: nothing is loaded"
                start ;;
            rebuild)
                check_config || exit 1
                setup_paths
                build || exit 1
                echo "kdumpctl (TEST STAND-IN): the kdump kernel is not loaded with kexec" ;;
            stop)
                echo "kdumpctl (TEST STAND-IN): stop: nothing is loaded" ;;
            status)
                echo "Kdump is not operational (TEST STAND-IN)"
                exit 3 ;;
            *)
                echo "Usage: $0 {start|stop|status|restart|reload|rebuild}"
                exit 1 ;;
        esac
        exit 0

        """#
}
