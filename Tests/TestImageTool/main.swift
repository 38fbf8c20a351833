import Foundation
import KdumpBakeCore
import TestImages

// Test and benchmark helper.
// `kdumpbake-testimage centos64|centos79|debian12|… raw|vhd [--copy]` prints the path of a (cached) test
// image, building it on first use (debian12 is the real debootstrap guest: root and network; the Ubuntu
// look-alikes and the drill guests derive from it), for scripts such as ci/bench-audit and ci/test; with --copy, a fresh
// writable copy in a new temporary directory is made and printed instead.
// `kdumpbake-testimage land OVERLAY IMAGE raw|qcow2|vhd WORKDIR [--pace-ms N]` runs the in-place
// landing of `patch --in-place` alone (`InPlaceCommit.land`), printing `stage NAME` on stderr
// before each stage and pausing N ms there: the kill test SIGKILLs it at chosen instants
// without an appliance launch per kill.

let arguments = Array(CommandLine.arguments.dropFirst())

func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data("kdumpbake-testimage: \(message)\n".utf8))
    exit(status)
}

if arguments.first == "land" {
    guard arguments.count >= 5, let format = DiskImageFormat(rawValue: arguments[3]) else {
        fail("usage: kdumpbake-testimage land OVERLAY IMAGE raw|qcow2|vhd WORKDIR [--pace-ms N]", status: 2)
    }
    let pace = arguments.firstIndex(of: "--pace-ms").flatMap { arguments.indices.contains($0 + 1) ? UInt32(arguments[$0 + 1]) : nil } ?? 0
    do {
        try InPlaceCommit.land(overlay: arguments[1], image: arguments[2], format: format, work: arguments[4], observe: { stage in
            FileHandle.standardError.write(Data("stage \(stage)\n".utf8))
            if pace > 0 { usleep(pace * 1000) }
        })
    } catch {
        fail("\(error)", status: 1)
    }
    exit(0)
}

let recipes: [String: GuestRecipe] = ["centos64": .centos64, "centos79": .centos79, "rhel89": .rhel89, "rhel93": .rhel93]
let realGuests: [String: RealGuestRecipe] = ["debian12": RealGuest.debian12]
let derivedGuests: [String: DerivedGuestRecipe] = Dictionary(uniqueKeysWithValues: [
    RealGuest.ubuntu2204Like, RealGuest.ubuntu2404Like, RealGuest.debian12KdumpOff, RealGuest.debian12KdumpOffPanic5,
].map { ($0.name, $0) })
guard arguments.count >= 2, recipes[arguments[0]] != nil || realGuests[arguments[0]] != nil || derivedGuests[arguments[0]] != nil,
      let format = DiskFormat(rawValue: arguments[1]) else {
    fail("usage: kdumpbake-testimage centos64|centos79|rhel89|rhel93|debian12|\(derivedGuests.keys.sorted().joined(separator: "|")) raw|vhd [--copy]", status: 2)
}
do {
    let copy = arguments.contains("--copy")
    let image: TestImage
    if let recipe = recipes[arguments[0]] {
        image = copy ? try TestImageBuilder.scratchCopy(recipe, format: format) : try TestImageBuilder.image(recipe, format: format)
    } else if let recipe = derivedGuests[arguments[0]] {
        image = copy ? try TestImageBuilder.scratchCopy(recipe, format: format) : try TestImageBuilder.image(recipe, format: format)
    } else {
        let recipe = realGuests[arguments[0]]!
        image = copy ? try TestImageBuilder.scratchCopy(recipe, format: format) : try TestImageBuilder.image(recipe, format: format)
    }
    print(image.path)
} catch {
    fail("\(error)", status: 1)
}
