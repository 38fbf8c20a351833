/// The default manifest and templates, embedded into the binary at build time (SwiftPM's
/// `embedInCode` resources), so kdumpbake works from any directory with no files beside it.
/// The files in this folder are the single source; edit them, not generated code.
public enum DefaultTemplates {
    /// Templates/manifest.yaml
    public static let manifest: [UInt8] = PackageResources.manifest_yaml
}
