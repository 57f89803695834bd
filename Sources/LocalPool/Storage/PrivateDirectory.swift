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

/// Why the data directory cannot be used, in words an operator can act on (the path named,
/// no framework internals).
public struct DataDirectoryError: Error, Equatable, CustomStringConvertible {
    /// The path at fault.
    public let path: String
    /// What is wrong with it.
    public let problem: String

    /// An error about `path`.
    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(path) \(problem)" }

    /// The reason the last system call failed.
    static func reason() -> String { String(cString: strerror(errno)).lowercased() }
}

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
            do {
                try FileManager.default.createDirectory(
                    at: directory,
                    withIntermediateDirectories: true,
                    attributes: [.posixPermissions: 0o700]
                )
            } catch {
                throw DataDirectoryError(path: path, problem: "cannot be created: \(Self.creationProblem(at: directory))")
            }
            guard lstat(path, &status) == 0 else {
                throw DataDirectoryError(path: path, problem: "cannot be created: \(DataDirectoryError.reason())")
            }
        }
        guard status.st_mode & S_IFMT == S_IFDIR else { throw DataDirectoryError(path: path, problem: "is not a directory") }
        if status.st_mode & 0o7777 != 0o700 {
            guard chmod(path, 0o700) == 0 else {
                throw DataDirectoryError(path: path, problem: "cannot be made private (chmod 0700): \(DataDirectoryError.reason())")
            }
            narrowed.append(path)
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw DataDirectoryError(path: path, problem: "cannot be read")
        }
        for name in names {
            let file = path + "/" + name
            guard lstat(file, &status) == 0, status.st_mode & S_IFMT == S_IFREG, status.st_mode & 0o077 != 0 else { continue }
            guard chmod(file, mode_t(status.st_mode & 0o600)) == 0 else {
                throw DataDirectoryError(path: file, problem: "cannot be made private (chmod 0600): \(DataDirectoryError.reason())")
            }
            narrowed.append(file)
        }
        return narrowed
    }

    /// Why `directory` could not be made: the first ancestor that exists and is no directory,
    /// or one that is not writable.
    private static func creationProblem(at directory: URL) -> String {
        var ancestor = directory.deletingLastPathComponent()
        var status = stat()
        while ancestor.path != "/" && lstat(ancestor.path, &status) != 0 { ancestor = ancestor.deletingLastPathComponent() }
        if status.st_mode & S_IFMT != S_IFDIR { return "\(ancestor.path) is not a directory" }
        if access(ancestor.path, W_OK) != 0 { return "\(ancestor.path) is not writable" }
        return "permission denied or no space"
    }

    /// Creates the empty file `url` with mode 0600 unless it exists, so that whatever writes it
    /// next (SQLite, which gives its `-wal` and `-shm` files the database's mode) keeps it private.
    public static func createPrivateFile(_ url: URL) throws {
        let descriptor = open(url.path, O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw DataDirectoryError(path: url.path, problem: "cannot be created: \(DataDirectoryError.reason())") }
        close(descriptor)
    }
}
