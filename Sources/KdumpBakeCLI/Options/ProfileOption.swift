import ArgumentParser

/// `--profile`: a profile chosen by name instead of by matching (the only way to use opt-in ones).
struct ProfileOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Use this profile for every image instead of matching (opt-in profiles need it).", valueName: "name"))
    var profile: String?
}
