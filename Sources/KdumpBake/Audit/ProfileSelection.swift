/// Chooses the profile for a guest and says why, as the `os.supported` finding.
struct ProfileSelection {
    var profile: Profile?
    var finding: Finding

    static func choose(for os: GuestOS, options: AuditOptions) -> ProfileSelection {
        let identity = "\(os.distro) \(os.version) \(os.arch)" + (os.productName.isEmpty ? "" : " (\(os.productName))")
        if let name = options.profileName {
            guard let profile = options.manifest.profile(named: name) else {
                return ProfileSelection(profile: nil, finding: Finding(check: "os.supported", status: .error,
                    message: "\(identity): no profile named \(name) in \(options.manifest.source)"))
            }
            let fits = profile.match.matches(distro: os.distro, version: os.version, arch: os.arch)
            return ProfileSelection(profile: profile, finding: Finding(check: "os.supported", status: fits ? .pass : .warn,
                message: "\(identity): profile \(profile.name) (chosen with --profile\(fits ? "" : "; it does not match this guest"))",
                actual: identity))
        }
        if let profile = options.manifest.profile(forDistro: os.distro, version: os.version, arch: os.arch) {
            return ProfileSelection(profile: profile, finding: Finding(check: "os.supported", status: .pass,
                message: "\(identity): profile \(profile.name)", expected: profile.match.versions.text, actual: identity))
        }
        let status: FindingStatus = options.manifest.unmatched == .skip ? .skip : .error
        return ProfileSelection(profile: nil, finding: Finding(check: "os.supported", status: status,
            message: "\(identity): no profile in \(options.manifest.source) matches (unmatched: \(options.manifest.unmatched.rawValue))",
            actual: identity))
    }
}
