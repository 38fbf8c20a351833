/// The `mkdumprd` the test guests carry: a busybox-sh script that imitates the parts of Red Hat's el6
/// mkdumprd / el7 kdumpctl+dracut that kdumpbake relies on, so offline rebuilds can be tested for real in
/// the appliance without shipping Red Hat's tools.
///
/// Behaviour that tests depend on (keep in sync with the script's header):
/// - `mkdumprd [-d] -f <image> <kver>`; the kernel version comes only from argv (never `uname -r`).
/// - /etc/kdump.conf is validated like the flavour's tools do: unknown directives and el7's deprecated ones are fatal.
/// - Modules = the running machine's "hostonly" set (virtio_blk virtio_scsi sd_mod, i.e. what the appliance
///   has) + `extra_modules` (+ el7 `dracut_args --add-drivers`) − blacklist. el6 compares blacklist entries
///   with module *file* basenames exactly (`hid_hyperv` does not match `hid-hyperv.ko`); el7 treats `-` and `_`
///   alike and takes its blacklist from `rd.driver.blacklist=` in KDUMP_COMMANDLINE_APPEND.
/// - Output: a gzip newc cpio, written to `<image>.tmp` and renamed, so a failure leaves no partial image.
/// - /etc/kdump-standin/fail (content → stderr, exit 1) and /etc/kdump-standin/hang inject failures.
enum StandInMkdumprd {
    /// The script with its flavour baked in.
    static func script(_ flavor: Flavor) -> String {
        template.replacingOccurrences(of: "@FLAVOR@", with: flavor.rawValue)
    }

    private static let template = #"""
        #!/bin/sh
        # TEST STAND-IN -- this is NOT Red Hat's mkdumprd.
        #
        # kdumpbake's test images carry this script instead of the real mkdumprd (el6) or the real
        # dracut wrapper (el7). It imitates only what kdumpbake depends on:
        #   usage      mkdumprd [-d] -f <image> <kernel-version>; the kernel version is taken from argv
        #              only, never from uname -r (inside the libguestfs appliance that is the wrong kernel).
        #   config     /etc/kdump.conf directives are checked the way the flavour's tools check them.
        #   modules    the running machine's "hostonly" drivers (in the appliance: virtio, not Hyper-V,
        #              which is the trap of offline rebuilds) + extra_modules (+ el7 dracut_args
        #              --add-drivers) - blacklist (el6: exact module file basename; el7: rd.driver.blacklist=
        #              from /etc/sysconfig/kdump, '-' and '_' equal).
        #   output     a gzip-compressed newc cpio, written to <image>.tmp and renamed into place.
        # Failure injection: /etc/kdump-standin/fail (its content goes to stderr, exit 1),
        #                    /etc/kdump-standin/hang (never returns).

        FLAVOR=@FLAVOR@

        set -f          # words are split on purpose below; never expand them as globs
        umask 077

        die() { printf 'mkdumprd: %s\n' "$*" >&2; exit 1; }
        usage() { die "usage: mkdumprd [-d] -f <initrd-image> <kernel-version>"; }

        image=''
        kver=''
        force=''
        while [ $# -gt 0 ]; do
            case "$1" in
                -d) ;;
                -f) force=1 ;;
                --) shift; break ;;
                -*) usage ;;
                *) break ;;
            esac
            shift
        done
        [ $# -eq 2 ] || usage
        image=$1
        kver=$2
        [ -n "$image" ] || usage
        case "$kver" in
            ''|.|..|*/*|*'
        '*) die "Invalid kernel version: $kver" ;;
        esac

        if [ -e /etc/kdump-standin/fail ]; then
            cat /etc/kdump-standin/fail >&2
            exit 1
        fi
        if [ -e /etc/kdump-standin/hang ]; then
            while :; do sleep 3600; done
        fi

        moddir="/lib/modules/$kver"
        [ -d "$moddir" ] || die "Kernel modules directory $moddir not found: no kernel $kver installed"
        [ -z "$force" ] && [ -e "$image" ] && die "$image already exists (use -f to overwrite)"
        [ -d "$(dirname -- "$image")" ] || die "Directory of $image does not exist"

        case "$FLAVOR" in
            el6)
                known="raw nfs nfs4 ssh net ext2 ext3 ext4 xfs btrfs minix path core_collector link_delay
                       kdump_post kdump_pre extra_bins extra_modules blacklist options default disk_timeout
                       sshkey debug_mem_level force_rebuild fence_kdump_args fence_kdump_nodes"
                deprecated="" ;;
            *)
                known="raw nfs ssh ext2 ext3 ext4 xfs btrfs minix path core_collector kdump_post kdump_pre
                       extra_bins extra_modules default force_rebuild force_no_rebuild dracut_args
                       fence_kdump_args fence_kdump_nodes sshkey"
                deprecated="blacklist options disk_timeout net link_delay debug_mem_level" ;;
        esac

        tmpimage=''
        workdir=$(mktemp -d /tmp/mkdumprd.XXXXXX) || die "cannot create a temporary directory"
        trap 'rm -rf "$workdir"; [ -z "$tmpimage" ] || rm -f "$tmpimage"' EXIT
        trap 'exit 1' INT TERM HUP
        root="$workdir/root"
        mkdir -p "$root/etc/modprobe.d" "$root/lib/modules/$kver" || die "cannot populate $root"

        # in_list WORD LIST...: is WORD one of LIST?
        in_list() {
            needle=$1
            shift
            for candidate in "$@"; do
                [ "$candidate" = "$needle" ] && return 0
            done
            return 1
        }

        # add_drivers TEXT: the driver names of every --add-drivers in dracut_args TEXT
        # (quoted "a b", 'a b', or a single unquoted word; commas separate too).
        add_drivers() {
            printf '%s\n' "$1" | awk -v sq="'" '{
                s = $0
                while (match(s, /--add-drivers[= ]*/)) {
                    s = substr(s, RSTART + RLENGTH)
                    q = substr(s, 1, 1)
                    if (q == "\"" || q == sq) {
                        s = substr(s, 2); end = index(s, q)
                        if (end == 0) end = length(s) + 1
                    } else {
                        end = index(s, " ")
                        if (end == 0) end = length(s) + 1
                    }
                    list = substr(s, 1, end - 1)
                    s = substr(s, end + 1)
                    gsub(/,/, " ", list)
                    print list
                }
            }'
        }

        # ---- /etc/kdump.conf ---------------------------------------------------------------------
        wanted=''
        blacklisted=''
        [ -f /etc/kdump.conf ] || die "/etc/kdump.conf not found"
        while IFS= read -r line || [ -n "$line" ]; do
            set -- $line
            [ $# -gt 0 ] || continue
            case "$1" in '#'*) continue ;; esac
            directive=$1
            shift
            # Drop a trailing comment, as kdumpctl's strip_comments does.
            words=''
            for word in "$@"; do
                case "$word" in '#'*) break ;; esac
                words="$words $word"
            done
            set -- $words
            if in_list "$directive" $deprecated; then
                die "Deprecated kdump config option: $directive. Refer to kdump.conf manpage for alternatives."
            fi
            in_list "$directive" $known || die "Bad kdump.conf directive: $directive"
            case "$directive" in
                extra_modules) wanted="$wanted $*" ;;
                blacklist) blacklisted="$blacklisted $*" ;;
                options)
                    [ $# -ge 1 ] || die "options needs a module name"
                    printf 'options %s\n' "$*" >> "$root/etc/modprobe.d/kdump-options.conf" ;;
                dracut_args) wanted="$wanted $(add_drivers "$*")" ;;
            esac
        done < /etc/kdump.conf

        # el7: the capture kernel's blacklist lives on its command line (rd.driver.blacklist=a,b).
        if [ "$FLAVOR" = el7 ] && [ -f /etc/sysconfig/kdump ]; then
            append=$(. /etc/sysconfig/kdump >/dev/null 2>&1; printf '%s' "$KDUMP_COMMANDLINE_APPEND")
            for arg in $append; do
                case "$arg" in
                    rd.driver.blacklist=*)
                        blacklisted="$blacklisted $(printf '%s' "${arg#rd.driver.blacklist=}" | tr ',' ' ')" ;;
                esac
            done
        fi

        # ---- module selection ----------------------------------------------------------------------
        # norm NAME: the spelling two module names are compared in.
        norm() {
            if [ "$FLAVOR" = el6 ]; then printf '%s' "$1"; else printf '%s' "$1" | tr - _; fi
        }
        # modname PATH: the module name of a module file (basename without .ko / .ko.xz).
        modname() {
            base=${1##*/}
            base=${base%.xz}
            printf '%s' "${base%.ko}"
        }

        find "$moddir" -type f \( -name '*.ko' -o -name '*.ko.xz' \) > "$workdir/index" ||
            die "cannot list $moddir"
        : > "$workdir/chosen"

        # add NAME REQUIRED: put module NAME into the image unless blacklisted.
        add() {
            want=$(norm "$1")
            path=''
            while IFS= read -r file; do
                if [ "$(norm "$(modname "$file")")" = "$want" ]; then path=$file; break; fi
            done < "$workdir/index"
            if [ -z "$path" ]; then
                [ "$2" = required ] && die "No module $1 found for kernel $kver"
                return 0
            fi
            name=$(modname "$path")
            for entry in $blacklisted; do
                [ "$(norm "$entry")" = "$(norm "$name")" ] && return 0
            done
            grep -Fqx -- "$path" "$workdir/chosen" && return 0
            printf '%s\n' "$path" >> "$workdir/chosen"
            relative=${path#"$moddir"/}
            mkdir -p "$root/lib/modules/$kver/$(dirname -- "$relative")" &&
                cp -- "$path" "$root/lib/modules/$kver/$relative" || die "cannot copy $path"
            printf 'Adding module %s (%s)\n' "$name" "$relative"
        }

        for module in virtio_blk virtio_scsi sd_mod; do add "$module" optional; done
        for module in $wanted; do add "$module" required; done

        # ---- the image -----------------------------------------------------------------------------
        if [ -n "$blacklisted" ]; then
            for entry in $blacklisted; do printf 'blacklist %s\n' "$entry"; done \
                > "$root/etc/modprobe.d/kdump-blacklist.conf"
        fi
        cp /etc/kdump.conf "$root/etc/kdump.conf" || die "cannot copy /etc/kdump.conf"
        [ ! -f "$moddir/modules.dep" ] || cp "$moddir/modules.dep" "$root/lib/modules/$kver/modules.dep"
        printf '#!/bin/sh\n# TEST STAND-IN kdump initrd for %s (%s); it does not boot.\n' "$kver" "$FLAVOR" > "$root/init"
        chmod 755 "$root/init"

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
