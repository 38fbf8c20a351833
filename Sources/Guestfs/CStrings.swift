import CGuestfs
import Foundation

// Conversions at the C boundary. Every string or list that libguestfs returns is owned by the
// caller and must be freed exactly once; these helpers take ownership, copy into Swift values,
// and free — so no other file in the binding calls free().

/// Takes ownership of a C string returned by libguestfs: copies it, then frees it.
func takeString(_ pointer: UnsafeMutablePointer<CChar>) -> String {
    defer { free(pointer) }
    return String(cString: pointer)
}

/// Takes ownership of a buffer plus length returned by libguestfs (`read_file`, `getxattr`):
/// copies the bytes exactly (they may contain NULs or invalid UTF-8), then frees the buffer.
func takeBytes(_ pointer: UnsafeMutablePointer<CChar>, count: Int) -> [UInt8] {
    defer { free(pointer) }
    return pointer.withMemoryRebound(to: UInt8.self, capacity: count) {
        Array(UnsafeBufferPointer(start: $0, count: count))
    }
}

/// Takes ownership of a NULL-terminated string list: copies each string, then frees them all.
func takeStringList(_ list: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> [String] {
    defer { kdb_free_string_list(list) }
    var result: [String] = []
    var index = 0
    while let element = list[index] {
        result.append(String(cString: element))
        index += 1
    }
    return result
}

/// Calls `body` with a NULL-terminated `char *const *` built from `strings`; the C copies live
/// only for the duration of the call (libguestfs copies what it keeps).
@discardableResult
func withCStringArray<R>(
    _ strings: [String],
    _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) throws -> R
) rethrows -> R {
    let copies: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) } + [nil]
    defer { for case let copy? in copies { free(copy) } }
    return try copies.withUnsafeBufferPointer { try body($0.baseAddress!) }
}

/// Calls `body` with an optional C string: NULL when `string` is nil.
@discardableResult
func withOptionalCString<R>(_ string: String?, _ body: (UnsafePointer<CChar>?) throws -> R) rethrows -> R {
    guard let string else { return try body(nil) }
    return try string.withCString { try body($0) }
}

/// Calls `body` with a pointer to `bytes` and their count. The pointer is never NULL, even for an
/// empty array: libguestfs rejects NULL buffers, and Swift gives no base address for empty arrays.
@discardableResult
func withCBuffer<R>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>, Int) throws -> R) rethrows -> R {
    var padded = bytes
    padded.append(0)  // one spare byte so the buffer is non-empty; it is not counted
    return try padded.withUnsafeBufferPointer { buffer in
        try buffer.withMemoryRebound(to: CChar.self) { try body($0.baseAddress!, bytes.count) }
    }
}
