/// The default manifest and templates, embedded into the binary at build time (SwiftPM's
/// `embedInCode` resources), so kdumpbake works from any directory with no files beside it.
/// The files in this folder are the single source; edit them, not generated code. A new
/// template needs a line in Package.swift and in `templates` below (a test checks both).
public enum DefaultTemplates {
    /// Templates/manifest.yaml
    public static let manifest: [UInt8] = PackageResources.manifest_yaml

    /// Every template by file name.
    public static let templates: [String: [UInt8]] = [
        "kdump-el6.conf.mustache": PackageResources.kdump_el6_conf_mustache,
        "kdump-el7.conf.mustache": PackageResources.kdump_el7_conf_mustache,
        "sysctl-panic.conf.mustache": PackageResources.sysctl_panic_conf_mustache,
        "sysconfig-kdump.mustache": PackageResources.sysconfig_kdump_mustache,
        "kdump-tools-defaults.mustache": PackageResources.kdump_tools_defaults_mustache,
        "grub-kdumpbake.cfg.mustache": PackageResources.grub_kdumpbake_cfg_mustache,
    ]
}
