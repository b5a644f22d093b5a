#if !FUZZING
import Foundation
import Shell

/// Without libFuzzer this program replays inputs through a fuzz target, so the seed
/// corpus and every input that once crashed run as regression tests:
///   layerlab-fuzz TARGET FILE_OR_FOLDER…
@main
struct Replay {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        guard let target = arguments.first, Fuzzing.targets.contains(target) else {
            print("usage: layerlab-fuzz TARGET FILE_OR_FOLDER…   targets: " + Fuzzing.targets.joined(separator: ", "))
            exit(2)
        }
        var count = 0
        for path in arguments.dropFirst() {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { print("no such file: \(path)"); exit(2) }
            let files = isDir.boolValue
                ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { path + "/" + $0 }
                : [path]
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                Fuzzing.run(target, data)
                count += 1
            }
        }
        print("\(target): \(count) inputs replayed, no crash")
    }
}
#endif
