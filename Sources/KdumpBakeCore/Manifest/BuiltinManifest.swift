import DefaultTemplates

extension Manifest {
    /// The manifest compiled into kdumpbake (source: Templates/manifest.yaml). Validated by the
    /// same parser as user manifests; a test keeps it valid, so a failure here is a build defect.
    public static func builtin() -> Manifest {
        do {
            return try parse(String(decoding: DefaultTemplates.manifest, as: UTF8.self), file: "<built-in manifest>")
        } catch {
            fatalError("the built-in manifest is invalid: \(error)")
        }
    }
}
