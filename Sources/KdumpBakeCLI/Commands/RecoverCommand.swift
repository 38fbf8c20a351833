import ArgumentParser
import Foundation
import KdumpBakeCommandSupport
import KdumpBakeCore

extension KdumpBakeCommand {
    /// `kdumpbake recover`: undoes an `--in-place` commit that a crash or SIGKILL interrupted.
    struct Recover: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Restore images whose --in-place commit was interrupted to their exact original bytes.",
            discussion: """
                `patch --in-place` keeps the original bytes of everything it overwrites in an undo journal \
                beside the image (.NAME.kdumpbake-undo) until the image is fully written and synced. If the \
                process or the machine died meanwhile, the journal remains: `audit` then refuses the image, \
                the next `patch` rolls it back by itself, and `recover` rolls it back explicitly. Images \
                without a journal are left alone. Exit status: 0 done (or nothing to do), 2 a journal that \
                is damaged or belongs to another file, or an image that cannot be opened or locked.
                """
        )

        @Argument(help: ArgumentHelp("Disk images to check and, if needed, roll back.", valueName: "image"),
                  completion: .file())
        var images: [String]

        func run() throws {
            try ManifestOptions.refuseURLs(images)
            var failed = false
            for image in images {
                do {
                    print(TerminalText.escape(try InPlaceCommit.recover(image: image)))
                } catch {
                    // Said at once, beside the image it is about; the others are still recovered.
                    say("\(error)")
                    failed = true
                }
            }
            if failed { throw CommandFailure(.input) }
        }
    }
}
