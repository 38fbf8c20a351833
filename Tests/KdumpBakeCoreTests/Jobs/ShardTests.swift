import Foundation
import KdumpBakeCore
import TestSupport
import Testing

@Suite struct ShardTests {
    let fleet = (1...50).map { "golden/image-\($0).vhd" }

    @Test func shardsPartitionTheFleetExactly() {
        for count in 1...7 {
            let shards = (1...count).map { Shard(index: $0, count: count).select(fleet) }
            let all = shards.flatMap { $0 }
            #expect(all.count == fleet.count, "N=\(count): an image twice or missing")
            #expect(Set(all) == Set(fleet))
            let sizes = shards.map(\.count)
            #expect(sizes.max()! - sizes.min()! <= 1, "N=\(count): unbalanced \(sizes)")
        }
    }

    @Test func shardsDoNotDependOnListingOrder() {
        let shuffled = fleet.reversed() + []
        for index in 1...3 {
            let shard = Shard(index: index, count: 3)
            #expect(Set(shard.select(fleet)) == Set(shard.select(Array(shuffled))))
        }
    }

    @Test func selectionKeepsInputOrderAndDropsDuplicates() {
        let selected = Shard(index: 1, count: 1).select(["b", "a", "b"])
        #expect(selected == ["b", "a"])
    }

    @Test(arguments: ["0/3", "4/3", "1/0", "a/b", "1", "1/2/3", "", "-1/2"])
    func rejectsBadSpecs(_ text: String) {
        #expect(Shard(parsing: text) == nil)
    }

    @Test func parsesGoodSpecs() {
        #expect(Shard(parsing: "2/4") == Shard(index: 2, count: 4))
    }
}

/// `--shard K/N --list` as CI matrices and Kubernetes Indexed Jobs use it: no image is opened.
@Suite struct ShardCommandTests {
    @Test func listedShardsPartitionTheManifestAndSurviveReordering() throws {
        let directory = try HostDirectory()
        try FileManager.default.createDirectory(atPath: directory.path + "/golden", withIntermediateDirectories: true)
        let names = (1...10).map { "img\($0).vhd" }
        for name in names { FileManager.default.createFile(atPath: directory.path + "/golden/" + name, contents: Data()) }
        func manifest(_ images: [String]) throws -> String {
            let path = directory.path + "/manifest-\(UUID().uuidString).yaml"
            let list = images.map { "\"golden/\($0)\"" }.joined(separator: ", ")
            try "version: 1\nimages: [\(list)]\nprofiles:\n  - {name: p, family: el6, match: {distro: centos, versions: \"6\"}}\n"
                .write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let forward = try manifest(names), backward = try manifest(names.reversed())
        var seen: [String] = []
        for k in 1...3 {
            let a = try CLIRun.run(["audit", "--manifest", forward, "--shard", "\(k)/3", "--list"])
            let b = try CLIRun.run(["patch", "--manifest", backward, "--shard", "\(k)/3", "--list"])
            #expect(a.status == 0 && b.status == 0, "\(a.stderr) \(b.stderr)")
            let listed = a.stdout.split(separator: "\n").map(String.init)
            #expect(Set(listed) == Set(b.stdout.split(separator: "\n").map(String.init)))
            seen += listed
        }
        #expect(seen.count == names.count)
        #expect(Set(seen) == Set(names.map { directory.path + "/golden/" + $0 }))
        let bad = try CLIRun.run(["audit", "--shard", "4/3", "--list", "x.vhd"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--shard 4/3"))
    }
}
