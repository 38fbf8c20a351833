import Foundation
import KdumpBakeCore
import TestImages
import TestSupport
import Testing

/// An image being patched cannot be audited or patched by a second kdumpbake: it says who holds it.
@Suite struct ImageLockTests {
    @Test func secondProcessIsRefusedAtOnceNamingTheHolder() throws {
        let directory = try HostDirectory()
        let image = directory.path + "/golden.raw"
        FileManager.default.createFile(atPath: image, contents: Data(count: 4096))
        let lock = try ImageLock(path: image, mode: .exclusive)
        defer { withExtendedLifetime(lock) {} }
        for arguments in [["audit", image], ["patch", "--in-place", image]] {
            let run = try CLIRun.run(arguments)
            #expect(run.status == 2)
            #expect(run.stdout.contains("\(image): locked by PID \(getpid())") || run.stderr.contains("\(image): locked by PID \(getpid())"),
                    "\(arguments): \(run.stdout) \(run.stderr)")
        }
    }

    @Test func sharedLocksCoexist() throws {
        let directory = try HostDirectory()
        let image = directory.path + "/golden.raw"
        FileManager.default.createFile(atPath: image, contents: Data(count: 4096))
        let first = try ImageLock(path: image, mode: .shared)
        let second = try ImageLock(path: image, mode: .shared)
        withExtendedLifetime((first, second)) {}
    }
}
