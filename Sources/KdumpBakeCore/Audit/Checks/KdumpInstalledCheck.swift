/// `kdump.installed`: kexec-tools is installed (mkdumprd and /etc/kdump.conf are present).
enum KdumpInstalledCheck {
    static let id = CheckID.kdumpInstalled

    static func run(_ context: CheckContext) -> Finding {
        var problems = ProblemList()
        if context.facts.mkdumprdPath == nil {
            problems.fail("no mkdumprd in \(GuestPaths.mkdumprdCandidates.joined(separator: " or ")): kexec-tools is not installed")
        }
        if let problem = context.facts.files[GuestPaths.kdumpConf]?.problem ?? (context.facts.files[GuestPaths.kdumpConf] == nil ? "\(GuestPaths.kdumpConf) is missing" : nil) {
            problems.fail(problem)
        }
        return problems.finding(id, pass: "kexec-tools present (\(context.facts.mkdumprdPath ?? ""), \(GuestPaths.kdumpConf))",
                                path: context.facts.mkdumprdPath ?? GuestPaths.mkdumprdCandidates[0])
    }
}
