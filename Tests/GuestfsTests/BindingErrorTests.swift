import Foundation
import Guestfs
import SystemPackage
import Testing

/// Binding behaviour that needs a handle but no appliance launch.
@Suite struct BindingErrorTests {
    @Test func missingImageThrowsGuestfsErrorNamingThePath() throws {
        let handle = try GuestfsHandle()
        let path = "/nonexistent/kdumpbake-\(UUID().uuidString).vhd"
        let error = #expect(throws: GuestfsError.self) {
            try handle.addDrive(path, DriveOptions(format: "vpc", readonly: true))
        }
        #expect(error?.call == "add_drive_opts")
        #expect(error?.message.contains(path) == true)
        #expect(error?.errno == .noSuchFileOrDirectory)
    }

    @Test func callsThatNeedTheApplianceFailCleanlyBeforeLaunch() throws {
        let handle = try GuestfsHandle()
        let error = #expect(throws: GuestfsError.self) { try handle.inspectOS() }
        #expect(error?.call == "inspect_os")
        #expect(error?.message.isEmpty == false)
    }

    @Test func settingsRoundTrip() throws {
        let handle = try GuestfsHandle()
        try handle.setBackendSettings(["force_tcg"])
        #expect(try handle.backendSettings == ["force_tcg"])
        try handle.setMemsize(512)
        #expect(try handle.memsize == 512)
        #expect(throws: GuestfsError.self) { try handle.setMemsize(100) }  // below libguestfs's minimum
        try handle.setAppend("quiet kdumpbake.test=1")
        #expect(handle.append == "quiet kdumpbake.test=1")
        try handle.setAppend(nil)
        #expect(handle.append == nil)
    }
}
