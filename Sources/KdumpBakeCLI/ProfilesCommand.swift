import ArgumentParser
import KdumpBakeCore
import KdumpBakeAppliance

extension KdumpBakeCommand {
    /// `kdumpbake profiles`: what each profile matches and expects.
    struct Profiles: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the manifest's profiles and what each expects.")

        @OptionGroup var options: ManifestOptions

        func run() throws {
            let manifest = try options.loadManifest()
            print("Profiles in \(manifest.source) (unmatched images: \(manifest.unmatched.rawValue)):\n")
            for profile in manifest.profiles {
                print(ProfileDescription.render(profile))
            }
        }
    }
}
