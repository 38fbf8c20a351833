import Foundation

/// Makes a child die with kdumpbake, however kdumpbake dies.
///
/// A SIGKILLed (or crashed) kdumpbake runs no cleanup, and its qemu-img went on: committing or
/// converting a 30 GB image for minutes, an orphan writing into a work directory or an `--output`
/// file that nobody owns any more, racing a `kdumpbake recover` or the next patch. Linux's answer
/// is PR_SET_PDEATHSIG, which must be set *in the child* between fork and exec: Foundation's
/// posix_spawn gives no such hook, so the child is started through util-linux's
/// `setpriv --pdeathsig KILL -- EXECUTABLE ARGS…`, which sets it and then execs the executable
/// itself (same pid, same argv, same exit status). setpriv is in util-linux, an essential
/// package on Debian (2.38 on Debian 12) and present on every distribution libguestfs runs on;
/// where it is missing, the child is spawned directly and can outlive us as before.
///
/// Two properties of PR_SET_PDEATHSIG shape where it is used:
/// - "parent" is the *thread* that spawned the child: when that thread ends, the child is
///   killed, even though the process lives on. `ChildProcess.run()` blocks its thread until
///   the child ends, so that can only happen when kdumpbake dies; a `start()`ed child must keep
///   its spawning thread alive as long as it should run.
/// - It is set by setpriv a few milliseconds after the spawn: a parent gone before that leaves
///   the child running (setpriv does not check getppid() afterwards). A kill in that window
///   is the one way left to orphan qemu-img.
/// - A child that forks its own children does not pass it on. qemu-img does not fork.
/// So it is used for kdumpbake's own long-lived children only (qemu-img); the decompressors
/// end by themselves within seconds (a time limit, stdin a finite file, stdout a pipe whose
/// reader died), and test helpers want nothing added to the command they run.
enum ParentDeath {
    static let setpriv: String? = ["/usr/bin/setpriv", "/bin/setpriv"].first { access($0, X_OK) == 0 }

    /// The executable and arguments that run `executable arguments` with the parent-death signal set.
    static func launch(_ executable: String, _ arguments: [String]) -> (String, [String]) {
        guard let setpriv else { return (executable, arguments) }
        return (setpriv, ["--pdeathsig", "KILL", "--", executable] + arguments)
    }
}
