/// The trigger's POSIX sh script (`DrillTrigger.scriptPath`). Fixed text: the wait, an integer,
/// is the only value rendered into it. It removes every start link the drill may have installed
/// (systemd's wants link, el6's rc links), so one script serves every family and the second boot
/// does not fire again.
enum DrillTriggerScript {
    static func text(mode: DrillTrigger.Mode) -> String {
        let links = ([DrillTrigger.wantsLinkPath] + DrillTrigger.sysVStartLinks).joined(separator: " ")
        let wait: String
        switch mode {
        case .afterKdumpArms(let seconds):
            wait = """
                # What the guest shows about why kdump is not armed, most basic cause first.
                not_armed_reason() {
                    if ! grep -q 'crashkernel=' /proc/cmdline; then
                        echo "no crashkernel= on the kernel command line (/proc/cmdline): no memory is reserved for a capture kernel"
                    elif [ "$(cat /sys/kernel/kexec_crash_size 2>/dev/null)" = 0 ] || ! grep -q 'Crash kernel' /proc/iomem; then
                        # kexec_crash_size is missing before 2.6.37; /proc/iomem lists the range on every kernel.
                        echo "crashkernel= is on the command line but the kernel reserved nothing (/sys/kernel/kexec_crash_size is 0, no Crash kernel range in /proc/iomem)"
                    else
                        echo "memory is reserved but no capture kernel was loaded within $wait_seconds s (/sys/kernel/kexec_crash_loaded is not 1)"
                    fi
                }

                # Wait for kdump to load its capture kernel; if it never does, say why and power off
                # instead of crashing (a crash would only show what kdump's absence already says).
                # Without reserved memory kdump can never arm (the reservation is made at boot and
                # never later): say so at once instead of waiting out the bound.
                can_arm() {
                    grep -q 'crashkernel=' /proc/cmdline && [ "$(cat /sys/kernel/kexec_crash_size 2>/dev/null || echo 1)" != 0 ] \\
                        && grep -q 'Crash kernel' /proc/iomem
                }
                wait_seconds=\(max(seconds, 0))
                waited=0
                while ! armed; do
                    if [ "$waited" -ge "$wait_seconds" ] || ! can_arm; then
                        say "not-armed: $(not_armed_reason)"
                        disarm
                        poweroff -f || echo o > /proc/sysrq-trigger
                        exit 1
                    fi
                    sleep 1
                    waited=$((waited + 1))
                done
                say armed

                """
        case .immediately:
            wait = """
                # The image does not enable kdump: crash at once, only to see what the panic does.
                if armed; then say armed; fi

                """
        }
        return """
            #!/bin/sh
            # Installed by kdumpbake drill in a throw-away overlay, never in the image itself.
            # Crashes the kernel once so the drill can watch kdump write the dump and the VM reboot.
            PATH=/usr/sbin:/usr/bin:/sbin:/bin
            export PATH

            # Markers go to the kernel log at KERN_CRIT (<2>): the serial console shows them in order
            # with the kernel's own messages, even when the kernel runs quiet.
            say() {
                echo "<2>kdumpbake-drill: $*" > /dev/kmsg 2>/dev/null || echo "kdumpbake-drill: $*" > /dev/console
            }

            # One shot: remove every start link the drill installs, so the next boot does not fire.
            disarm() {
                rm -f \(links)
                sync
            }

            armed() {
                [ "$(cat /sys/kernel/kexec_crash_loaded 2>/dev/null)" = 1 ]
            }

            \(wait)disarm
            echo 1 > /proc/sys/kernel/sysrq
            say crashing now
            sync
            echo c > /proc/sysrq-trigger

            """
    }
}
