import Foundation
import TestImages

// Prints the path of a (cached) test image, building it on first use, for scripts such as
// ci/bench-audit: `swift run kdumpbake-testimage centos64 vhd [--copy]`.
// With --copy, a fresh writable copy in a new temporary directory is made and printed instead.

let arguments = Array(CommandLine.arguments.dropFirst())
let recipes: [String: GuestRecipe] = ["centos64": .centos64, "centos79": .centos79]
guard arguments.count >= 2, let recipe = recipes[arguments[0]], let format = DiskFormat(rawValue: arguments[1]) else {
    FileHandle.standardError.write(Data("usage: kdumpbake-testimage centos64|centos79 raw|vhd [--copy]\n".utf8))
    exit(2)
}
do {
    let image = arguments.contains("--copy")
        ? try TestImageBuilder.scratchCopy(recipe, format: format)
        : try TestImageBuilder.image(recipe, format: format)
    print(image.path)
} catch {
    FileHandle.standardError.write(Data("kdumpbake-testimage: \(error)\n".utf8))
    exit(1)
}
