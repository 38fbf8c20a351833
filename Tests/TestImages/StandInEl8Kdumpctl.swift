/// The `/usr/bin/kdumpctl` the RHEL 8/9 test guests carry: a busybox-sh TEST STAND-IN built on the el7 one
/// (`StandInEl7Kdumpctl`), with RHEL 8/9's rules as kdump-other-families.md gives them: check_config's
/// fatal messages in the real wording (L39–47, `auto_reset_crashkernel` unknown on 8), no whitespace rule,
/// no rebuild at every start for extra_modules, and `check_drivers_modified` against the initrd's record
/// (8: loaded-kernel-modules.txt, 9.3: hostonly-kernel-modules.txt; L113–121). No Red Hat code is in it.
enum StandInEl8Kdumpctl {
    static func script(_ release: StandInRelease) -> String {
        guard case .el8Family(let major, let minor) = release else { preconditionFailure("\(release.packageName) is not an el8+ build") }
        let is93 = major > 9 || (major == 9 && minor >= 3)
        return template
            .replacingOccurrences(of: "@PACKAGE@", with: release.packageName)
            .replacingOccurrences(of: "@RHEL@", with: release.rhelName)
            .replacingOccurrences(of: "@MAJOR@", with: String(major))
            .replacingOccurrences(of: "@EL9_DIRECTIVES@", with: major >= 9 ? "auto_reset_crashkernel virtiofs" : "")
            .replacingOccurrences(of: "@EL9_TARGETS@", with: major >= 9 ? "virtiofs" : "")
            .replacingOccurrences(of: "@RECORD@", with: is93 ? "usr/lib/dracut/hostonly-kernel-modules.txt" : "usr/lib/dracut/loaded-kernel-modules.txt")
            .replacingOccurrences(of: "@PATH_LOOKUP@", with: StandInShell.pathLookup)
    }

    private static let template = #"""
        #!/bin/sh
        # TEST STAND-IN -- this is NOT Red Hat's kdumpctl. No Red Hat code is in it.
        #
        # kdumpbake's RHEL 8/9 test images carry this script instead of the real /usr/bin/kdumpctl. It
        # imitates @RHEL@ (@PACKAGE@) where kdumpbake depends on it, written from the reference notes
        # (kdump-other-families.md, "RHEL family 8 / 9 / 10"); the line there is given in [brackets].
        #
        #   check_config (start, restart, rebuild; any failure is fatal, exit 1) [L39-45]:
        #     - net options link_delay disk_timeout debug_mem_level blacklist: "Deprecated kdump config
        #       option: X. Refer to kdump.conf manpage for alternatives." [L40-42, unchanged on 8, 9, 10]
        #     - any other unknown word: "Invalid kdump config option X" [L43]; auto_reset_crashkernel and
        #       virtiofs are unknown before RHEL 9 [L46-48] (this is the @MAJOR@.x variant)
        #     - an empty value: "Invalid kdump config value for option 'X'"; a repeated directive (but
        #       extra_bins extra_modules dracut_args fence_kdump_nodes): "Duplicated kdump config value of
        #       option X"; two targets: "More than one dump targets specified" [L44-45]
        #     - a default/failure_action other than reboot halt poweroff shell dump_to_rootfs (the wording
        #       here is the stand-in's own)
        #     - comments: leading blanks stripped, a value cut at the first '#' [L50-51]; no whitespace rule [L52].
        #   check_rebuild (start, restart) [L113-121]: kernel = KDUMP_KERNELVER or `uname -r`; initrd
        #   ${KDUMP_BOOTDIR:-/boot}/initramfs-${kver}kdump.img. force_no_rebuild 1: never rebuild. Otherwise
        #   rebuild when force_rebuild 1; the initrd is missing; /etc/kdump.conf, the kdump kernel, kdump_pre,
        #   kdump_post, an extra_bins file, the core_collector binary or /etc/fstab is newer; extra_modules
        #   does NOT rebuild at every start [L115-116]; check_drivers_modified: a loaded storage driver (lsmod
        #   among hv_storvsc virtio_scsi virtio_blk ata_piix nvme sd_mod) not listed in the initrd's
        #   @RECORD@ -> "Detected change in block device driver, new loaded module: X" [L117-120].
        #   /etc/sysconfig/kdump is never a trigger [L121]. Then `/sbin/mkdumprd -f INITRD KVER`.
        #   rebuild: check_config, then always mkdumprd. Never loads a kernel; stop and status are stubs.
        #
        # Test hooks: a non-empty environment variable KDUMP_STANDIN_UNAME_R is used instead of `uname -r`;
        # lsmod is looked up in PATH (see in_path), so a test may put its own lsmod first.

        set -f

        CONF=/etc/kdump.conf
        SYSCONFIG=/etc/sysconfig/kdump
        MKDUMPRD=/sbin/mkdumprd
        DEPRECATED='net options link_delay disk_timeout debug_mem_level blacklist'
        KNOWN='raw ext2 ext3 ext4 minix btrfs xfs nfs ssh sshkey path core_collector kdump_post kdump_pre
               extra_bins extra_modules default failure_action final_action force_rebuild force_no_rebuild
               dracut_args fence_kdump_args fence_kdump_nodes @EL9_DIRECTIVES@'
        REPEATABLE='extra_bins extra_modules dracut_args fence_kdump_nodes'
        TARGETS='raw nfs ssh ext2 ext3 ext4 minix btrfs xfs @EL9_TARGETS@'
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

        # conf_lines: /etc/kdump.conf as kdumpctl reads it: blank and comment lines dropped, values cut at
        # the first '#', leading blanks removed.
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
            targets=''
            seen=''
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
                    echo "Invalid kdump config value for option '$opt'" >&2
                    return 1
                fi
                if in_words "$opt" $seen && ! in_words "$opt" $REPEATABLE; then
                    echo "Duplicated kdump config value of option $opt" >&2
                    return 1
                fi
                seen="$seen $opt"
                in_words "$opt" $TARGETS && targets="$targets $opt"
                if { [ "$opt" = default ] || [ "$opt" = failure_action ]; } && ! in_words "$val" $DEFAULT_ACTIONS; then
                    echo "Invalid default action in /etc/kdump.conf: '$val' (use one of: $DEFAULT_ACTIONS)" >&2
                    return 1
                fi
            done <<EOF
        $(conf_lines)
        EOF
            set -- $targets
            if [ $# -gt 1 ]; then
                echo "More than one dump targets specified" >&2
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

        # initrd_loaded_modules: @RECORD@ of $initrd (empty if unreadable).
        initrd_loaded_modules() {
            scratch=$(mktemp -d /tmp/kdumpctl.XXXXXX) || return 0
            if zcat "$initrd" > "$scratch/cpio" 2>/dev/null || xzcat "$initrd" > "$scratch/cpio" 2>/dev/null ||
                cp "$initrd" "$scratch/cpio"; then
                (cd "$scratch" && cpio -i -d @RECORD@ < "$scratch/cpio") 2>/dev/null
                cat "$scratch/@RECORD@" 2>/dev/null
            fi
            rm -rf "$scratch"
        }

        # check_rebuild: prints one line per reason; 0 when the initrd must be rebuilt.
        check_rebuild() {
            force_rebuild=''
            force_no_rebuild=''
            core_collector=''
            watched=''      # "what<TAB>file" lines
            while read -r opt val; do
                set -- $val
                case "$opt" in
                    force_rebuild) force_rebuild=$val ;;
                    force_no_rebuild) force_no_rebuild=$val ;;
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
            if [ -f "$initrd" ]; then
                storage=''
                for module in $(lsmod_names); do
                    in_words "$module" $STORAGE_DRIVERS && storage="$storage $module"
                done
                if [ -n "$storage" ]; then
                    listed=$(initrd_loaded_modules)
                    for module in $storage; do
                        in_words "$module" $listed ||
                            reason "Detected change in block device driver, new loaded module: $module"
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
