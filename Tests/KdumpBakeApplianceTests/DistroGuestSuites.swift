import Testing

/// The suites that boot the distribution guests — the real Debian 12 guest (a real mkinitramfs for minutes, and
/// its drills in qemu), its Ubuntu look-alikes, and the RHEL 8/9 and SLES 15 look-alikes — each starting several
/// appliances or a whole VM. They run in two lanes, each lane one suite after another, beside the other suites.
///
/// Why lanes: on a two-core machine under TCG, running all of them side by side made every appliance slower until
/// one launch exceeded the launcher's 600 s bound (a clean-clone CI run, session 6); running all of them in one
/// chain made that chain the run's critical path, the second core idle for its last twenty minutes (session 7's
/// profile). Two lanes of about equal length keep both cores busy without the overload.
@Suite(.serialized) enum DebianGuestLane {}

/// The second lane: the drills of the derived Debian guests, then the SLES and RHEL look-alikes.
@Suite(.serialized) enum BootAndLookalikeLane {}
