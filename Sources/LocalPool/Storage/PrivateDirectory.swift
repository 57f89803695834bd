public import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
// In whole-module (release) builds `struct stat` can be claimed by Dispatch's C module, whose
// import MemberImportVisibility then asks for.
#if canImport(CDispatch)
import CDispatch
#endif

/// The data directory holds both pools' private signing keys and client secrets: it is made
/// readable by its owner only (0700), and so is every file in it (0600).
public enum PrivateDirectory {
    /// Creates `directory` with mode 0700, or narrows an existing one to it, and narrows the
    /// regular files in it to 0600 (symbolic links are left alone, never followed). Returns the
    /// paths whose permissions were narrowed, for the caller to report.
    @discardableResult
    public static func secure(_ directory: URL) throws -> [String] {
        let path = directory.path
        var narrowed: [String] = []
        var status = stat()
        if lstat(path, &status) != 0 {
            try FileManager.default.createDirectory(
                at: directory,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
            guard lstat(path, &status) == 0 else { throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: path]) }
        }
        guard status.st_mode & S_IFMT == S_IFDIR else { throw CocoaError(.fileWriteInvalidFileName, userInfo: [NSFilePathErrorKey: path]) }
        if status.st_mode & 0o7777 != 0o700 {
            guard chmod(path, 0o700) == 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path]) }
            narrowed.append(path)
        }
        for name in try FileManager.default.contentsOfDirectory(atPath: path) {
            let file = path + "/" + name
            guard lstat(file, &status) == 0, status.st_mode & S_IFMT == S_IFREG, status.st_mode & 0o077 != 0 else { continue }
            guard chmod(file, mode_t(status.st_mode & 0o600)) == 0 else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: file])
            }
            narrowed.append(file)
        }
        return narrowed
    }

    /// Creates the empty file `url` with mode 0600 unless it exists, so that whatever writes it
    /// next (SQLite, which gives its `-wal` and `-shm` files the database's mode) keeps it private.
    public static func createPrivateFile(_ url: URL) throws {
        let descriptor = open(url.path, O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: url.path]) }
        close(descriptor)
    }
}
