/// The `/etc/rc.d/init.d/kdump` the el6 test guests carry: a TEST STAND-IN imitating the `start` of RHEL 6's
/// SysV kdump script (when it rebuilds the kdump initrd and how it calls mkdumprd), written from the reference
/// notes on the real tools (`kexec-tools-real.md`, "el6 /etc/rc.d/init.d/kdump"). It never loads a kernel.
///
/// `start`: rebuild reasons → one `Rebuilding INITRD: REASON; REASON` line, `/sbin/mkdumprd -d -f
/// $MKDUMPRD_ARGS INITRD KVER`; `Starting kdump: [FAILED]` + exit 1 when that fails, else `Starting kdump:
/// [  OK  ]`. Test hook: env `KDUMP_STANDIN_UNAME_R` stands in for `uname -r`.
enum StandInEl6KdumpInit {
    static func script(_ release: StandInRelease = .rhel64) -> String {
        let cutsComments = release.el6Release >= 269
        return template
            .replacingOccurrences(of: "@PACKAGE@", with: release.packageName)
            .replacingOccurrences(of: "@RHEL@", with: release.rhelName)
            .replacingOccurrences(of: "@CUT_COMMENTS@", with: cutsComments ? "1" : "0")
    }

    private static let template = #"""
        #! /bin/sh
        ### BEGIN INIT INFO
        # Provides: kdump
        # Default-Start:  2 3 4 5
        # Default-Stop: 0 1 6
        # Required-Start: $local_fs $syslog
        # Required-Stop: $local_fs $syslog
        # Short-Description: start and stop kdump crash recovery service
        # Description:  The kdump init script provides the support necessary for
        #               loading a kdump kernel into memory at system bootup time,
        #               and for copying away a vmcore at system panic time.
        ### END INIT INFO
        # chkconfig: 2345 26 46
        #
        # TEST STAND-IN -- this is NOT Red Hat's init script. No Red Hat code is in it.
        #
        # kdumpbake's el6 test images carry this script. It imitates the "start" of the kdump init script of
        # @PACKAGE@ (@RHEL@): when the kdump initrd is rebuilt and how mkdumprd is called. Each rule
        # comes from kdumpbake's reference notes on the real tools (kexec-tools-real.md, section
        # "el6 /etc/rc.d/init.d/kdump"); the fact is quoted in [brackets].
        #
        #   start    sources /etc/sysconfig/kdump; kernel = KDUMP_KERNELVER or `uname -r`;
        #            initrd ${KDUMP_BOOTDIR:-/boot}/initrd-${kver}kdump.img ["The initrd is
        #            ${KDUMP_BOOTDIR}/initrd-KVERkdump.img"]; kdump kernel
        #            ${KDUMP_BOOTDIR:-/boot}/${KDUMP_IMG:-vmlinuz}-${kver}${KDUMP_IMG_EXT}.
        #            Rebuilds when force_rebuild is set and not 0; the initrd is missing; /etc/kdump.conf, the
        #            kdump kernel, a kdump_pre / kdump_post file or an extra_bins file is newer than it; and
        #            WHENEVER kdump.conf has an extra_modules line (every start). /etc/sysconfig/kdump and
        #            /etc/fstab are not triggers. ["Rebuilds when: ..."]
        #            The rebuild runs `/sbin/mkdumprd -d -f $MKDUMPRD_ARGS INITRD KVER` (MKDUMPRD_ARGS
        #            word-split; not glob-expanded here) ["Runs /sbin/mkdumprd -d -f $MKDUMPRD_ARGS"]; if it
        #            fails: "Starting kdump: [FAILED]", exit 1 ["A failed rebuild: Starting kdump: [FAILED]"].
        #            kdump.conf is read like the mkdumprd of the same release reads it (a line whose first
        #            word starts with '#' is skipped; from -269 values are cut at the last '#').
        #            The stand-in never checks kdump.conf directives ["the init script never checks the
        #            file"] and never loads the kdump kernel with kexec.
        #   stop, status, restart: stand-in stubs (status: "not operational", exit 3).
        #
        # Test hook: a non-empty environment variable KDUMP_STANDIN_UNAME_R is used instead of `uname -r`
        # (inside the libguestfs appliance uname -r is the appliance's kernel).

        set -f

        CONF=/etc/kdump.conf
        SYSCONFIG=/etc/sysconfig/kdump
        MKDUMPRD=/sbin/mkdumprd
        CUT_COMMENTS=@CUT_COMMENTS@
        tab=$(printf '\t')

        running_kernel() {
            if [ -n "${KDUMP_STANDIN_UNAME_R:-}" ]; then
                printf '%s\n' "$KDUMP_STANDIN_UNAME_R"
            else
                uname -r
            fi
        }

        start() {
            [ ! -f "$SYSCONFIG" ] || . "$SYSCONFIG"
            kver=${KDUMP_KERNELVER:-}
            [ -n "$kver" ] || kver=$(running_kernel)
            bootdir=${KDUMP_BOOTDIR:-/boot}
            initrd="$bootdir/initrd-${kver}kdump.img"
            kernel="$bootdir/${KDUMP_IMG:-vmlinuz}-${kver}${KDUMP_IMG_EXT:-}"

            force_rebuild=''
            has_extra_modules=''
            watched=''      # "what<TAB>file" lines: files whose being newer than the initrd forces a rebuild
            if [ -f "$CONF" ]; then
                while IFS= read -r line || [ -n "$line" ]; do
                    set -- $line
                    [ $# -gt 0 ] || continue
                    case "$1" in '#'*) continue ;; esac
                    directive=$1
                    rest=${line#"${line%%[! $tab]*}"}
                    rest=${rest#"$directive"}
                    if [ "$CUT_COMMENTS" = 1 ]; then
                        case "$rest" in *'#'*) rest=${rest%'#'*} ;; esac
                    fi
                    set -- $rest
                    case "$directive" in
                        force_rebuild) force_rebuild=${1-} ;;
                        extra_modules) has_extra_modules=1 ;;
                        kdump_pre|kdump_post)
                            [ $# -eq 0 ] || watched="$watched$directive$tab$1
        " ;;
                        extra_bins)
                            for file in "$@"; do watched="${watched}extra_bins$tab$file
        "; done ;;
                    esac
                done < "$CONF"
            fi

            reasons=''
            add_reason() { reasons="${reasons:+$reasons; }$1"; }
            [ -z "$force_rebuild" ] || [ "$force_rebuild" = 0 ] || add_reason "force_rebuild is set"
            if [ ! -f "$initrd" ]; then
                add_reason "$initrd does not exist"
            else
                [ ! "$CONF" -nt "$initrd" ] || add_reason "$CONF is newer than the initrd"
                [ ! "$kernel" -nt "$initrd" ] || add_reason "the kdump kernel $kernel is newer than the initrd"
                while IFS="$tab" read -r what file; do
                    [ -n "$file" ] || continue
                    [ ! "$file" -nt "$initrd" ] || add_reason "$what $file is newer than the initrd"
                done <<EOF
        $watched
        EOF
            fi
            [ -z "$has_extra_modules" ] || add_reason "$CONF has extra_modules (rebuilt at every start)"

            if [ -z "$reasons" ]; then
                echo "kdump (TEST STAND-IN): $initrd is up to date, no rebuild needed"
            else
                echo "Rebuilding $initrd: $reasons"
                if ! "$MKDUMPRD" -d -f $MKDUMPRD_ARGS "$initrd" "$kver"; then
                    echo "Starting kdump: [FAILED]"
                    exit 1
                fi
            fi
            echo "Starting kdump: [  OK  ]"
            echo "kdump (TEST STAND-IN): the kdump kernel is not loaded with kexec"
        }

        case "$1" in
            start)
                start ;;
            restart)
                echo "kdump (TEST STAND-IN): stop: nothing is loaded"
                start ;;
            stop|reload|condrestart|propagate)
                echo "kdump (TEST STAND-IN): $1: nothing to do"; exit 0 ;;
            status)
                echo "Kdump is not operational (TEST STAND-IN)"; exit 3 ;;
            *)
                echo "Usage: $0 {start|stop|status|restart|propagate}"; exit 1 ;;
        esac
        exit 0

        """#
}
