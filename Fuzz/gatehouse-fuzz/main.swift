// gatehouse-fuzz TARGET [ARGS…]: the fuzz targets of every parser that takes bytes from outside.
//
// Built with `-sanitize=fuzzer,address -DFUZZING` (scripts/fuzz.sh), it hands ARGS to libFuzzer
// (corpus folders, -max_total_time=…). Built normally, it runs each file in ARGS through the
// target once: the committed corpora and crash regressions replay in every test run.

import Foundation

#if FUZZING
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt
#endif

var arguments = CommandLine.arguments
if arguments.count >= 2, arguments[1] == "--list" {
    print(FuzzTargets.all.keys.sorted().joined(separator: "\n"))
    exit(0)
}
guard arguments.count >= 2, let target = FuzzTargets.all[arguments[1]] else {
    FileHandle.standardError.write(Data("usage: gatehouse-fuzz TARGET [ARGS…] (gatehouse-fuzz --list names the targets)\n".utf8))
    exit(2)
}
FuzzTargets.selected = target

#if FUZZING
arguments.remove(at: 1)
var argc = CInt(arguments.count)
var cStrings: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
let status = cStrings.withUnsafeMutableBufferPointer { buffer -> CInt in
    var argv = buffer.baseAddress
    return LLVMFuzzerRunDriver(&argc, &argv) { data, count in
        FuzzTargets.selected(UnsafeRawBufferPointer(start: data, count: count))
        return 0
    }
}
exit(status)
#else
var replayed = 0
for path in arguments.dropFirst(2) {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
    let files = isDirectory.boolValue ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { path + "/" + $0 } : [path]
    for file in files {
        guard let data = FileManager.default.contents(atPath: file) else { continue }
        data.withUnsafeBytes { target($0) }
        replayed += 1
    }
}
print("\(arguments[1]): \(replayed) inputs replayed, no crash")
#endif
