import Foundation
import Shell

#if FUZZING
/// Read once: the environment does not change during a run.
let fuzzTarget = ProcessInfo.processInfo.environment["LAYERLAB_FUZZ_TARGET"] ?? "commands"

/// libFuzzer's entry point; the target comes from LAYERLAB_FUZZ_TARGET.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    Fuzzing.run(fuzzTarget, Data(bytes: start, count: count))
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                   _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

/// SwiftPM names an executable's entry point after its module; hand it to libFuzzer's driver.
@_cdecl("layerlab_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var vector = argv
    return runFuzzDriver(&count, &vector, fuzzOne)
}
#endif
