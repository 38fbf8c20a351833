import ArgumentParser
import KdumpBakeCore

extension KdumpBakeCommand {
    /// `kdumpbake profiles`: what each profile matches and expects.
    struct Profiles: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the manifest's profiles and what each expects.")

        @OptionGroup var manifest: ManifestOptions

        func run() throws {
            let loaded = try manifest.loadManifest()
            print("Profiles in \(loaded.source) (unmatched images: \(loaded.unmatched.rawValue)):\n")
            for profile in loaded.profiles {
                print(ProfileDescription.render(profile))
            }
        }
    }
}
