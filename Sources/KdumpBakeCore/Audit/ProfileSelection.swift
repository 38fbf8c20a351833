/// Chooses the profile for a guest and says why, as the `os.supported` finding.
package struct ProfileSelection {
    package var profile: Profile?
    package var finding: Finding

    /// `profileName` is `--profile`: that profile for every guest instead of matching.
    package static func choose(for os: GuestOS, manifest: Manifest, profileName: String?) -> ProfileSelection {
        let identity = "\(os.distro) \(os.version) \(os.arch)" + (os.productName.isEmpty ? "" : " (\(os.productName))")
        if let name = profileName {
            guard let profile = manifest.profile(named: name) else {
                return ProfileSelection(profile: nil, finding: Finding(check: .osSupported, status: .error,
                    message: "\(identity): no profile named \(name) in \(manifest.source)"))
            }
            let fits = profile.match.matches(distro: os.distro, version: os.version, arch: os.arch)
            return ProfileSelection(profile: profile, finding: Finding(check: .osSupported, status: fits ? .pass : .warn,
                message: "\(identity): profile \(profile.name) (chosen with --profile\(fits ? "" : "; it does not match this guest"))",
                actual: identity))
        }
        if let profile = manifest.profile(forDistro: os.distro, version: os.version, arch: os.arch) {
            return ProfileSelection(profile: profile, finding: Finding(check: .osSupported, status: .pass,
                message: "\(identity): profile \(profile.name)", expected: profile.match.versions.text, actual: identity))
        }
        let status: FindingStatus = manifest.unmatched == .skip ? .skip : .error
        return ProfileSelection(profile: nil, finding: Finding(check: .osSupported, status: status,
            message: "\(identity): no profile in \(manifest.source) matches (unmatched: \(manifest.unmatched.rawValue))",
            actual: identity))
    }
}
