import Testing

/// The suites that boot the distribution guests of issue 13 — the real Debian 12 guest (a real
/// mkinitramfs for minutes), its Ubuntu look-alikes, and the RHEL 8/9 and SLES 15 look-alikes —
/// each starting several appliances. They run one after another, beside the other suites: on a
/// two-core machine under TCG, running them side by side only made every appliance slower, until
/// one launch exceeded the launcher's 600 s bound (a clean-clone CI run, session 6).
@Suite(.serialized) enum DistroGuestSuites {}
