import Foundation
import KdumpBakeCore
import Testing

/// `--packer-manifest`: the files of the last run's builds, as Packer 1.6's manifest post-processor
/// writes them (the shape below is what `packer build` wrote here for the HCL2 example).
@Suite struct PackerManifestTests {
    static let twoRuns = """
        {
          "builds": [
            {"name": "golden", "builder_type": "file", "build_time": 1796187000,
             "files": [{"name": "output/old.vhd", "size": 1}], "artifact_id": "File",
             "packer_run_uuid": "run-1", "custom_data": null},
            {"name": "golden", "builder_type": "file", "build_time": 1796187532,
             "files": [{"name": "output/golden.vhd", "size": 268435968}], "artifact_id": "File",
             "packer_run_uuid": "run-2", "custom_data": null},
            {"name": "other", "builder_type": "qemu", "build_time": 1796187533,
             "files": [{"name": "/abs/disk.qcow2", "size": 5}], "artifact_id": "x",
             "packer_run_uuid": "run-2", "custom_data": null}
          ],
          "last_run_uuid": "run-2"
        }
        """

    func manifest(_ text: String) throws(PackerManifestError) -> PackerManifest {
        try PackerManifest(json: Data(text.utf8), path: "/p/packer-manifest.json")
    }

    @Test func theLastRunsFilesRelativeToTheManifest() throws {
        let manifest = try manifest(Self.twoRuns)
        #expect(try manifest.images(build: nil) == ["/p/output/golden.vhd", "/abs/disk.qcow2"])
        #expect(try manifest.images(build: "golden") == ["/p/output/golden.vhd"])
        // A manifest named without a directory: its files are relative to the working directory too.
        #expect(try PackerManifest(json: Data(Self.twoRuns.utf8), path: "packer-manifest.json").images(build: "golden") == ["output/golden.vhd"])
    }

    @Test func problemsAreOneLineNamingTheFile() {
        func problem(_ text: String, build: String? = nil) -> String? {
            do {
                _ = try manifest(text).images(build: build)
                return nil
            } catch {
                return error.description
            }
        }
        #expect(problem("[]") == "/p/packer-manifest.json: is not a Packer manifest (expected a JSON object)")
        #expect(problem("not json") == "/p/packer-manifest.json: is not a Packer manifest (expected a JSON object)")
        #expect(problem("{\"last_run_uuid\": \"x\"}") == "/p/packer-manifest.json: has no builds list (is it the manifest post-processor's output?)")
        #expect(problem(Self.twoRuns, build: "nope") == "/p/packer-manifest.json: has no build \"nope\" in its last run (builds: golden, other)")
        #expect(problem("{\"builds\": [{\"name\": \"a\", \"packer_run_uuid\": \"r\"}], \"last_run_uuid\": \"s\"}")
                == "/p/packer-manifest.json: lists no build of its last run (last_run_uuid s)")
        #expect(problem("{\"builds\": [{\"name\": \"a\", \"files\": [], \"packer_run_uuid\": \"r\"}], \"last_run_uuid\": \"r\"}")
                == "/p/packer-manifest.json: the last run's build lists no files (does the builder write a disk image?)")
        #expect(problem("{\"builds\": [{\"files\": []}], \"last_run_uuid\": \"r\"}") == "/p/packer-manifest.json: builds[0] has no name")
    }
}
