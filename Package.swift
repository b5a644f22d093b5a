// swift-tools-version:6.0
import PackageDescription

/// The built-in lessons, docs/lessons/NAME.md, in the order `lesson` lists them
/// (docs/lessons/LessonTexts.swift lists the same names; a test checks both against the folder).
let lessons = ["layers", "shapes", "dense", "activations", "initializers", "regularizers", "constraints",
               "merge", "embedding", "conv", "pooling"]

let package = Package(
    name: "LayerLab",
    products: [
        .executable(name: "layerlab", targets: ["layerlab"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // C libraries: each has exactly one Swift module that imports it.
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CReadline", path: "Sources/CReadline",
                       providers: [.apt(["libreadline-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib",
                       providers: [.apt(["zlib1g-dev"])]),

        .target(name: "TensorCore", dependencies: ["CBLAS"]),
        .target(name: "Layers", dependencies: ["TensorCore"]),
        .target(name: "Models", dependencies: ["Layers", "TensorCore"]),
        .target(name: "Formats", dependencies: ["Models", "Layers", "TensorCore", "CZlib"]),
        // The lessons' Markdown, embedded from docs/lessons/ (the single source teachers edit).
        .target(name: "LessonTexts", path: "docs/lessons", sources: ["LessonTexts.swift"],
                resources: lessons.map { .embedInCode($0 + ".md") }),
        .target(name: "Shell", dependencies: ["Models", "Layers", "Formats", "TensorCore", "LessonTexts"]),
        // readline's C globals (rl_line_buffer, the completion hooks) are shared mutable
        // state that Swift 6 mode rejects: this one small module uses Swift 5 mode.
        .target(name: "Terminal", dependencies: ["Shell", "CReadline"],
                swiftSettings: [.swiftLanguageMode(.v5)]),
        .executableTarget(name: "layerlab", dependencies: [
            "Shell", "Terminal",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .target(name: "TestSupport", dependencies: ["Shell", "Models", "Layers", "Formats", "TensorCore"],
                path: "Tests/TestSupport"),
        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore", "TestSupport"]),
        .testTarget(name: "LayersTests", dependencies: ["Layers", "TestSupport"]),
        .testTarget(name: "ModelsTests", dependencies: ["Models", "TestSupport"]),
        .testTarget(name: "FormatsTests", dependencies: ["Formats", "TestSupport"]),
        .testTarget(name: "ShellTests", dependencies: ["Shell", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["layerlab", "TestSupport"]),
    ]
)
