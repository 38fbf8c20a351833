import Foundation

/// The identity of a built image: a SHA-256 over the recipe's canonical serialization and the builder
/// version, so any change to a recipe, or to how images are built, gets a new cache entry.
enum Fingerprint {
    /// Bump when the builder's output changes for an unchanged recipe (layout code, mkfs options, stand-ins…).
    static let builderVersion = 3

    /// The hex SHA-256 of `canonical(recipe)`, computed by sha256sum (no crypto package is available).
    static func of(_ recipe: GuestRecipe) throws -> String {
        let output = try HostCommand.run(["sha256sum"], stdin: try canonical(recipe))
        let hex = String(decoding: output.prefix(64), as: UTF8.self)
        guard hex.count == 64, hex.allSatisfy(\.isHexDigit) else {
            throw TestImageError(command: ["sha256sum"], status: 0, stderr: "unexpected output: \(hex)")
        }
        return hex
    }

    /// Every field length-prefixed (so no content can imitate a separator), entries sorted by path.
    /// Host files are identified by path, size and modification time rather than their bytes.
    static func canonical(_ recipe: GuestRecipe) throws -> Data {
        var out = Data()
        func field(_ value: String) {
            out += Data("\(value.utf8.count):".utf8) + Data(value.utf8) + Data("\n".utf8)
        }
        field("kdumpbake test image builder v\(builderVersion)")
        field(recipe.name)
        field(recipe.flavor.rawValue)
        let layout = recipe.layout
        for value in [String(layout.totalMiB), String(layout.bootMiB), layout.bootFS.rawValue, layout.rootFS.rawValue,
                      layout.bootUUID, layout.rootUUID, layout.diskID] {
            field(value)
        }
        for (path, entry) in recipe.entries.sorted(by: { $0.key < $1.key }) {
            field(path)
            switch entry {
            case .directory(let mode):
                field("dir"); field(String(mode, radix: 8))
            case .file(let contents, let mode):
                field("file"); field(String(mode, radix: 8)); field(contents)
            case .hostCopy(let source, let mode):
                let attributes = try FileManager.default.attributesOfItem(atPath: source)
                let size = (attributes[.size] as? Int) ?? -1
                let mtime = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
                field("host"); field(String(mode, radix: 8)); field(source); field("\(size) \(mtime)")
            case .initramfs(let kernel, let mode):
                field("initramfs"); field(String(mode, radix: 8)); field(kernel)
            case .kdumpInitrd(let kernel, let modules, let extra, let compression, let early):
                field("kdump-initrd"); field(kernel); field(modules.joined(separator: " ")); field(compression); field(early ? "early" : "-")
                for (name, text) in extra.sorted(by: { $0.key < $1.key }) { field(name); field(text) }
            case .symlink(let target):
                field("symlink"); field(target)
            }
        }
        return out
    }
}

extension Fingerprint {
    /// Bump when the real-guest builder's output changes for an unchanged recipe (finishing touches,
    /// grub.cfg shape, disk layout).
    static let realGuestBuilderVersion = 1

    /// The hex SHA-256 of a real guest recipe's settings. What the mirror serves is not part of it: a
    /// cached real guest keeps the packages of the day it was built (see `RealGuestRecipe`).
    static func of(_ recipe: RealGuestRecipe) throws -> String {
        var out = Data()
        func field(_ value: String) {
            out += Data("\(value.utf8.count):".utf8) + Data(value.utf8) + Data("\n".utf8)
        }
        field("kdumpbake real guest builder v\(realGuestBuilderVersion)")
        for value in [recipe.name, recipe.suite, recipe.mirror, String(recipe.diskMiB), recipe.rootUUID,
                      recipe.diskID, recipe.hostname, recipe.kernelArguments] {
            field(value)
        }
        field(String(recipe.packages.count))
        recipe.packages.forEach(field)
        let output = try HostCommand.run(["sha256sum"], stdin: out)
        let hex = String(decoding: output.prefix(64), as: UTF8.self)
        guard hex.count == 64, hex.allSatisfy(\.isHexDigit) else {
            throw TestImageError(command: ["sha256sum"], status: 0, stderr: "unexpected output: \(hex)")
        }
        return hex
    }
}

extension Fingerprint {
    /// Bump when the derived-guest builder's output changes for an unchanged recipe.
    static let derivedGuestBuilderVersion = 1

    /// The hex SHA-256 of a derived guest: its base's fingerprint and its edits, and the base's cached raw image
    /// by size and modification time — a real guest rebuilt with an unchanged recipe holds what the mirror
    /// served that day, and the derived image must follow it.
    static func of(_ recipe: DerivedGuestRecipe, baseImage: String) throws -> String {
        var out = Data()
        func field(_ value: String) {
            out += Data("\(value.utf8.count):".utf8) + Data(value.utf8) + Data("\n".utf8)
        }
        field("kdumpbake derived guest builder v\(derivedGuestBuilderVersion)")
        field(recipe.name)
        field(try of(recipe.base))
        let attributes = try FileManager.default.attributesOfItem(atPath: baseImage)
        field("\((attributes[.size] as? Int) ?? -1) \((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)")
        field(String(recipe.edits.count))
        for edit in recipe.edits {
            switch edit {
            case .replace(let path, let old, let new):
                field("replace"); field(path); field(old); field(new)
            case .create(let path, let text, let mode):
                field("create"); field(path); field(text); field(String(mode, radix: 8))
            }
        }
        let output = try HostCommand.run(["sha256sum"], stdin: out)
        let hex = String(decoding: output.prefix(64), as: UTF8.self)
        guard hex.count == 64, hex.allSatisfy(\.isHexDigit) else {
            throw TestImageError(command: ["sha256sum"], status: 0, stderr: "unexpected output: \(hex)")
        }
        return hex
    }
}
