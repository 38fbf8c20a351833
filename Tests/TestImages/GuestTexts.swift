/// Texts of guest files that several test targets need word for word: the test images, the
/// check and parser tests and the fuzz seeds all build on these, so a fact fixed here (say a
/// directive of KB2858695) is fixed everywhere at once.
public enum GuestTexts {
    /// The kdump.conf directives Microsoft's KB2858695 gives for RHEL/CentOS 6.4, one per line,
    /// without a trailing newline (the module is spelled `hid-hyperv`, the file name el6 matches).
    public static let kb2858695El6 = """
        path /var/crash
        core_collector makedumpfile -c --message-level 1 -d 31
        extra_modules ata_piix sr_mod sd_mod
        blacklist hv_vmbus hv_storvsc hv_utils hv_netvsc hid-hyperv
        options ata_piix prefer_ms_hyperv=0
        disk_timeout 100
        """

    /// How el7's grub2-mkconfig (00_header) picks the default entry: grubenv's `saved_entry`,
    /// unless `next_entry` is set for one boot. No trailing newline.
    public static let grub2DefaultFromGrubenv = """
        set pager=1

        if [ -s $prefix/grubenv ]; then
          load_env
        fi
        if [ "${next_entry}" ] ; then
           set default="${next_entry}"
           set next_entry=
           save_env next_entry
           set boot_once=true
        else
           set default="${saved_entry}"
        fi
        """

    /// A grubenv block as grub2-editenv writes it: these lines after its header, padded with
    /// `#` to exactly 1024 bytes.
    public static func grubenv(_ lines: [String]) -> String {
        let body = "# GRUB Environment Block\n" + lines.map { $0 + "\n" }.joined()
        return body + String(repeating: "#", count: max(0, 1024 - body.utf8.count))
    }
}
