/// Merges the profile's capture-kernel parameters into the guest's KDUMP_COMMANDLINE_APPEND:
/// the guest's own parameters stay (irqpoll, nr_cpus=1 … matter to the capture kernel), the
/// profile's are added once, and `rd.driver.blacklist=` lists are united into one.
enum CommandLineMerge {
    static func merge(existing: String, parameters: [String], blacklist: [String]) -> String {
        let current = KernelCommandLine(existing)
        var words = current.parameters.map(\.raw).filter { !$0.hasPrefix("rd.driver.blacklist=") }
        for parameter in parameters where !words.contains(parameter) {
            // A different value for the same key is replaced, not duplicated.
            let key = parameter.split(separator: "=", maxSplits: 1).first.map(String.init) ?? parameter
            words.removeAll { $0.split(separator: "=", maxSplits: 1).first.map(String.init) == key && parameter.contains("=") }
            words.append(parameter)
        }
        var listed = current.values(of: "rd.driver.blacklist").flatMap { $0.split(separator: ",").map(String.init) }
        for module in blacklist where !listed.map(InitrdReader.normalizedModuleName).contains(InitrdReader.normalizedModuleName(module)) {
            listed.append(module)
        }
        if !listed.isEmpty { words.append("rd.driver.blacklist=" + listed.joined(separator: ",")) }
        return words.joined(separator: " ")
    }
}
