extension GuestFacts {
    /// The entry the guest's boot loader boots by default, and the file it was read from: what
    /// `drill` boots directly (kernel, initrd, command line) when it cannot run the boot loader itself.
    public func defaultBootEntry(family: KdumpFamily) -> (entry: BootEntry, source: String)? {
        let configuration = BootConfiguration(facts: self, family: family)
        guard let entry = configuration.defaultEntry, let source = configuration.source else { return nil }
        return (entry, source)
    }
}
