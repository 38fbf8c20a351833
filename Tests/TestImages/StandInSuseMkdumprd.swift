/// Which SUSE `kdump` package a SLES test stand-in imitates (kdump-other-families.md L273–277).
enum StandInSuseRelease: Sendable, Hashable {
    /// kdump 1.0.2 (branch SLE-15-SP5): one initrd per kernel, /boot/initrd-KVER-kdump.
    case sle15sp5
    /// kdump 2.0.x (branch SLE-15-SP6): one initrd, /var/lib/kdump/initrd.
    case sle15sp6

    var packageName: String { self == .sle15sp5 ? "kdump-1.0.2" : "kdump-2.0.1" }
    var slesName: String { self == .sle15sp5 ? "SLES 15 SP5" : "SLES 15 SP6" }
}

/// The `/usr/sbin/mkdumprd` the SLES 15 test guests carry: a busybox-sh TEST STAND-IN for SUSE's
/// (a bash script over kdumptool and dracut). Written from kdump-other-families.md (SLES section,
/// "L<n>") and from reading openSUSE/kdump's branches SLE-15-SP5 and SLE-15-SP6 (`init/mkdumprd`,
/// `kdumptool/findkernel.cc`, `kdumptool/kernelpath.cc`, cited as file L<n>); no SUSE code is in it.
enum StandInSuseMkdumprd {
    static func script(_ release: StandInSuseRelease) -> String {
        template
            .replacingOccurrences(of: "@PACKAGE@", with: release.packageName)
            .replacingOccurrences(of: "@SLES@", with: release.slesName)
            .replacingOccurrences(of: "@V2@", with: release == .sle15sp6 ? "yes" : "no")
            .replacingOccurrences(of: "@PATH_LOOKUP@", with: StandInShell.pathLookup)
            .replacingOccurrences(of: "@RESOLVER@", with: StandInShell.resolver(compressions: ["xz", "zst"]))
    }

    private static let template = #"""
        #!/bin/sh
        # TEST STAND-IN -- this is NOT SUSE's mkdumprd; there is no kdumptool and no dracut behind it, and no
        # SUSE code is in it.
        #
        # kdumpbake's SLES test images carry this script instead of the real /usr/sbin/mkdumprd. It imitates
        # @SLES@ (@PACKAGE@) where kdumpbake depends on it. Facts in [brackets]: "L<n>" is a line of the
        # reference notes (kdump-other-families.md), the others are lines of openSUSE/kdump's init/mkdumprd,
        # kdumptool/findkernel.cc and kdumptool/kernelpath.cc on the release's SLE-15-SPx branch.
        #
        #   usage    mkdumprd [-k KVER] [-K KERNEL] [-I INITRD] [-f] [-q] [-d] [-h] [L309; getopts "hfqk:K:I:d"].
        #   kernel   1.0: -K names the image; -k KVER means /boot/vmlinuz-KVER (else image-, Image-, vmlinux-KVER)
        #            [SP5 mkdumprd L138-143]. With neither, kdumptool find_kernel chooses from `uname -r`: BASE-kdump,
        #            kdump, $(uname -r), BASE-default, then the plain /boot/vmlinuz link (BASE = uname -r without its
        #            last -FLAVOUR) [findkernel.cc L236-305; L334-336]. In an appliance `uname -r` is the appliance's
        #            kernel, so a real guest gets its /boot/vmlinuz kernel -- the default one only. The relocatable /
        #            NR_CPUS / PREEMPT_RT checks are not imitated (the stand-in images are filler); none found:
        #            "No suitable kdump kernel found." on stderr.
        #            2.0: -k and -K both set KDUMP_KERNELVER, a version or an absolute path; empty means the
        #            /boot/vmlinuz link [L316; SP6 mkdumprd L255-275].
        #            A missing image: "Kernel X does not exist." on STDOUT, exit 1 [SP5 mkdumprd L151-154].
        #   version  the real one reads it from the image (get_kernel_version) [SP5 mkdumprd L65]; the stand-in
        #            takes it from the name behind links (vmlinuz-KVER), the images being filler.
        #   initrd   1.0: find_kernel's when it chose the kernel, even over -I (initrd-KVER-kdump beside the
        #            link, KVER from the link's target) [kernelpath.cc L57, L96-104; SP5 mkdumprd L144-148];
        #            else -I; else /boot/initrd-KVER, plus -kdump unless KVER contains "kdump" [L309; SP5 mkdumprd
        #            L158-164] -- so -K without -k writes /boot/initrd--kdump, as the real one does.
        #            2.0: -I, else /var/lib/kdump/initrd; building that one points /var/lib/kdump/kernel at the
        #            kernel's real path [L315-318; SP6 mkdumprd L351].
        #   current  without -f nothing is built when the initrd exists and /etc/sysconfig/kdump, /etc/hosts,
        #            /etc/nsswitch.conf, /root/.ssh/id_dsa{,.pub} (and on 1.0 the kernel) are older -- a missing
        #            one counts as older -- and on 2.0 /var/lib/kdump/kernel already names this kernel [L310-311,
        #            L317; SP5 mkdumprd L168-179]: "[>>> ]Not regenerating kdump initrd. Use mkdumprd -f to force
        #            regeneration." (">>> " on 1.0; -q: silent), exit 0.
        #   dracut   [L312-313: --hostonly --add kdump ...] "Regenerating kdump initrd ..." on stderr, then:
        #            no /lib/modules/KVER: "dracut: Cannot find module directory /lib/modules/KVER/", exit 1.
        #            Modules: the build machine's loaded ones (lsmod) that the kernel has, skipped silently when it
        #            has not (hostonly), plus add_drivers from /etc/dracut.conf then /etc/dracut.conf.d/*.conf in
        #            name order (`add_drivers+="..."` adds, `add_drivers="..."` replaces; dracut sources these
        #            files, the stand-in parses those two forms), which are installed with hostonly off and fail
        #            when the kernel lacks one [L110-111, instmods -c]: "dracut-install: Failed to find module
        #            'X'", "dracut: FAILED: ...", exit 1. modules.dep dependencies come along.
        #   image    lib/modules/KVER/<path> (SLE 15 is not usr-merged) and an /init stub in a newc cpio. The real
        #            one compresses with `xz -0 --check=crc32` [L312]; busybox's xz only decompresses, so the
        #            stand-in writes gzip. Written to INITRD.tmp, then renamed.
        #   Not imitated: kdumptool's configuration parse, every dracut module (kdump's own included), the
        #   dump target (--mount on 2.0), fadump, /usr/lib/dracut/dracut.conf.d.
        #
        # Test hooks: /etc/kdump-standin/fail (its content goes to stderr, exit 1); lsmod is looked up in PATH
        # (see in_path), so a test may put its own lsmod first.

        set -f          # words are split on purpose below; never expand them as globs
        umask 077

        V2=@V2@
        CONF=/etc/sysconfig/kdump
        tab=$(printf '\t')

        die() { printf '%s\n' "$*" >&2; exit 1; }
        usage() {
            echo "mkdumprd - Create an initrd for kdump (TEST STAND-IN)"
            echo "   -k <version>  -K <kernel>  -I <initrd>  -f  -q  -d  -h"
        }

        @PATH_LOOKUP@

        # ---- options ---------------------------------------------------------------------------------
        kver_opt='' kernel='' initrd='' force='' quiet=''
        while getopts "hfqk:K:I:d" name; do
            case $name in
                k) kver_opt=$OPTARG ;;
                K) if [ $V2 = yes ]; then kver_opt=$OPTARG; else kernel=$OPTARG; fi ;;
                I) initrd=$OPTARG ;;
                f) force=1 ;;
                q) quiet=1 ;;
                d) ;;
                h) usage; exit 0 ;;
                *) usage; exit 1 ;;
            esac
        done
        shift $((OPTIND - 1))

        if [ -e /etc/kdump-standin/fail ]; then
            cat /etc/kdump-standin/fail >&2
            exit 1
        fi

        # version_of IMAGE: KVER of the vmlinuz-KVER behind IMAGE's links ('' for a bare vmlinuz).
        version_of() {
            version_of_real=$(readlink -f -- "$1") || version_of_real=$1
            version_of_name=${version_of_real##*/}
            case "$version_of_name" in
                vmlinuz-*|vmlinux-*|image-*|Image-*) printf '%s\n' "${version_of_name#*-}" ;;
                *) printf '\n' ;;
            esac
        }

        # image_for VERSION: the first /boot/{vmlinuz,vmlinux}[-VERSION] that exists (find_kernel's lookup).
        image_for() {
            for image_for_name in vmlinuz vmlinux; do
                image_for_path=/boot/$image_for_name${1:+-$1}
                if [ -e "$image_for_path" ]; then printf '%s\n' "$image_for_path"; return 0; fi
            done
            return 1
        }

        # ---- which kernel ------------------------------------------------------------------------------
        if [ $V2 = yes ]; then
            case "$kver_opt" in
                /*) kernel=$kver_opt ;;
                *)
                    for name in vmlinuz image Image vmlinux; do
                        kernel=/boot/$name${kver_opt:+-$kver_opt}
                        [ -f "$kernel" ] && break
                    done ;;
            esac
            [ -n "$initrd" ] || initrd=/var/lib/kdump/initrd
        elif [ -z "$kernel" ]; then
            if [ -n "$kver_opt" ]; then
                for name in vmlinuz image Image vmlinux; do
                    kernel=/boot/$name-$kver_opt
                    [ -f "$kernel" ] && break
                done
            else
                # kdumptool find_kernel
                running=$(uname -r)
                case "$running" in *-*) base=${running%-*}- ;; *) base='' ;; esac
                kernel=''
                for candidate in "${base}kdump" kdump "$running" "${base}default" ''; do
                    if kernel=$(image_for "$candidate"); then break; fi
                    kernel=''
                done
                # find_kernel's Initrd: line replaces any -I, as in the real script.
                initrd=''
                if [ -z "$kernel" ]; then
                    echo "No suitable kdump kernel found." >&2
                else
                    found=$(version_of "$kernel")
                    initrd=$(dirname -- "$kernel")/initrd${found:+-$found}
                    case "$found" in *kdump) ;; *) initrd=$initrd-kdump ;; esac
                fi
            fi
        fi
        if [ ! -f "$kernel" ]; then
            echo "Kernel $kernel does not exist."
            exit 1
        fi
        if [ $V2 = no ] && [ -z "$initrd" ]; then
            initrd=/boot/initrd-$kver_opt
            case "$kver_opt" in *kdump*) ;; *) initrd=$initrd-kdump ;; esac
        fi
        kver=$(version_of "$kernel")
        case "$kver" in
            ''|.|..|*/*|*'
        '*) die "dracut: cannot tell the kernel version of $kernel" ;;
        esac

        # ---- is the initrd current? -----------------------------------------------------------------------
        older() { [ ! -e "$1" ] || [ "$1" -ot "$2" ]; }
        if [ -z "$force" ] && [ -f "$initrd" ]; then
            current=yes
            for input in "$CONF" /root/.ssh/id_dsa.pub /root/.ssh/id_dsa /etc/hosts /etc/nsswitch.conf; do
                older "$input" "$initrd" || current=no
            done
            if [ $V2 = yes ]; then
                [ "$(readlink -f /var/lib/kdump/kernel 2>/dev/null)" = "$(readlink -f -- "$kernel")" ] || current=no
            else
                older "$kernel" "$initrd" || current=no
            fi
            if [ $current = yes ]; then
                [ $V2 = yes ] || prefix='>>> '
                [ -n "$quiet" ] || echo "${prefix-}Not regenerating kdump initrd. Use mkdumprd -f to force regeneration."
                exit 0
            fi
        fi

        # ---- dracut --hostonly --add kdump INITRD KVER --------------------------------------------------------
        echo "Regenerating kdump initrd ..." >&2
        moddir=/lib/modules/$kver
        [ -d "$moddir" ] || die "dracut: Cannot find module directory $moddir/"
        [ -d "$(dirname -- "$initrd")" ] || die "dracut: Directory of $initrd does not exist"

        tmpimage=''
        workdir=$(mktemp -d /tmp/mkdumprd.XXXXXX) || die "cannot create a temporary directory"
        trap 'rm -rf "$workdir"; [ -z "$tmpimage" ] || rm -f "$tmpimage"' EXIT
        trap 'exit 1' INT TERM HUP
        root="$workdir/root"
        mkdir -p "$root/lib/modules/$kver" || die "cannot populate $root"

        # add_drivers as dracut's configuration leaves it: the files in the order dracut sources them.
        : > "$workdir/conf"
        [ ! -f /etc/dracut.conf ] || cat /etc/dracut.conf >> "$workdir/conf"
        if [ -d /etc/dracut.conf.d ]; then
            find /etc/dracut.conf.d -maxdepth 1 -name '*.conf' -type f | sort > "$workdir/conffiles"
            while IFS= read -r file; do cat -- "$file" >> "$workdir/conf"; echo >> "$workdir/conf"; done < "$workdir/conffiles"
        fi
        awk -v sq="'" '
            {
                line = $0
                sub(/^[ \t]+/, "", line)
                if (line !~ /^add_drivers\+?=/) next
                append = (line ~ /^add_drivers\+=/)
                value = line
                sub(/^add_drivers\+?=/, "", value)
                q = substr(value, 1, 1)
                if (q == "\"" || q == sq) {
                    value = substr(value, 2)
                    end = index(value, q)
                    if (end > 0) value = substr(value, 1, end - 1)
                } else {
                    sub(/[ \t;#].*$/, "", value)
                }
                drivers = (append ? drivers : "") " " value
            }
            END {
                n = split(drivers, words, /[ \t]+/)
                for (i = 1; i <= n; i++) if (words[i] != "") print words[i]
            }' "$workdir/conf" > "$workdir/added" || die "cannot read the dracut configuration"

        # ---- modules: hostonly (lsmod) + add_drivers ---------------------------------------------------
        lsmod_names > "$workdir/loaded"
        : > "$workdir/requests"
        while IFS= read -r name; do printf 'L\t%s\n' "$name"; done < "$workdir/loaded" >> "$workdir/requests"
        while IFS= read -r name; do printf 'E\t%s\n' "$name"; done < "$workdir/added" >> "$workdir/requests"
        (cd "$moddir" && find . -type f \( -name '*.ko' -o -name '*.ko.xz' -o -name '*.ko.zst' \)) > "$workdir/index" ||
            die "cannot list $moddir"
        MODDIR=$moddir INDEX="$workdir/index" DEP="$moddir/modules.dep" REQ="$workdir/requests" \
            awk '@RESOLVER@' > "$workdir/resolved" || die "cannot resolve modules"

        missing=''
        while IFS="$tab" read -r kind value name; do
            case "$kind" in
                M)
                    mkdir -p "$root/lib/modules/$kver/$(dirname -- "$value")" &&
                        cp -- "$moddir/$value" "$root/lib/modules/$kver/$value" || die "cannot copy $moddir/$value" ;;
                X)
                    # hostonly modules the kernel lacks are skipped, as dracut --hostonly does
                    if [ "$value" = E ]; then
                        printf "dracut-install: Failed to find module '%s'\n" "$name" >&2
                        missing="$missing $name"
                    fi ;;
            esac
        done < "$workdir/resolved"
        [ -z "$missing" ] || die "dracut: FAILED: /usr/lib/dracut/dracut-install --kerneldir $moddir/ -m$missing"

        # ---- the image -----------------------------------------------------------------------------
        printf '#!/bin/sh\n# TEST STAND-IN kdump initrd for %s built by the stand-in SUSE mkdumprd; it does not boot.\n' \
            "$kver" > "$root/init"
        chmod 755 "$root/init"
        tmpimage="$initrd.tmp"
        (cd "$root" && find . | cpio -o -H newc > "$workdir/initrd.cpio") 2> "$workdir/cpio.log" ||
            die "cpio failed: $(cat "$workdir/cpio.log")"
        gzip -9 -c "$workdir/initrd.cpio" > "$tmpimage" || die "cannot write $tmpimage"
        chmod 600 "$tmpimage"
        mv -f -- "$tmpimage" "$initrd" || die "cannot rename $tmpimage to $initrd"
        tmpimage=''
        if [ $V2 = yes ] && [ "$initrd" = /var/lib/kdump/initrd ]; then
            ln -sf "$(readlink -f -- "$kernel")" /var/lib/kdump/kernel || die "cannot link /var/lib/kdump/kernel"
        fi
        exit 0

        """#
}
