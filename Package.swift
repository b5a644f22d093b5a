// swift-tools-version:6.0
import Foundation
import PackageDescription

/// `make fuzz` sets this: the fuzz target then leaves libFuzzer its main function.
let fuzzing = ProcessInfo.processInfo.environment["LAYERLAB_FUZZ_BUILD"] != nil

/// The built-in lessons, docs/lessons/NAME.md (English) and NAME.vi.md (Vietnamese), in the
/// order `lesson` lists them (docs/lessons/LessonTexts.swift lists the same names; a test
/// checks both against the folder).
let lessons = ["layers", "shapes", "permute", "repeatvector", "dense", "activations", "initializers",
               "regularizers", "constraints", "dropout", "merge", "lambda", "embedding", "conv",
               "locallyconnected", "pooling", "playground", "symmetry", "vanishing", "he-vs-glorot", "l2",
               "max-norm", "dropout-fit"]

let package = Package(
    name: "LayerLab",
    products: [
        .executable(name: "layerlab", targets: ["layerlab"]),
        .executable(name: "layerlab-bench", targets: ["layerlab-bench"]),
        .executable(name: "layerlab-fuzz", targets: ["layerlab-fuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // C libraries: each has exactly one Swift module that imports it.
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CReadline", path: "Sources/CReadline",
                       providers: [.apt(["libreadline-dev"])]),

        // HDF5 behind a C shim: its headers and macros stay in chdf5.c.
        .target(name: "CHDF5", path: "Sources/CHDF5",
                cSettings: [.unsafeFlags(["-I/usr/include/hdf5/serial"])],
                linkerSettings: [.linkedLibrary("hdf5_serial")]),
        // oneDNN (libdnnl-dev 2.6) behind a C shim: convolutions, transposed convolutions and
        // pooling as primitives made once per geometry (TensorCore/DNNL.swift is its only user).
        .target(name: "CDNNL", path: "Sources/CDNNL", linkerSettings: [.linkedLibrary("dnnl"), .linkedLibrary("gomp")]),
        // Graphviz (cgraph + gvc of libgraphviz-dev) behind a C shim: DOT text in, a picture out.
        .target(name: "CGraphviz", path: "Sources/CGraphviz",
                linkerSettings: [.linkedLibrary("gvc"), .linkedLibrary("cgraph"), .linkedLibrary("cdt")]),

        // The numeric core is optimised in every configuration, so debug builds (and the
        // tests) run its loops at real speed.
        // Text for people: typo suggestions, numbers as read, display width. No dependencies.
        .target(name: "Text"),
        .target(name: "TensorCore", dependencies: ["CBLAS", "CDNNL", "Text"],
                swiftSettings: [.unsafeFlags(["-O"])]),
        .target(name: "Layers", dependencies: ["TensorCore", "Text"]),
        .target(name: "Models", dependencies: ["Layers", "TensorCore", "Text"]),
        .target(name: "Formats", dependencies: ["Models", "Layers", "TensorCore", "Text", "CHDF5",
                                                .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        // keras.utils.plot_model: a model as DOT text, laid out and rendered by Graphviz.
        .target(name: "Plotting", dependencies: ["Models", "Layers", "TensorCore", "CGraphviz"]),
        // The lessons' Markdown, embedded from docs/lessons/ (the single source teachers edit).
        .target(name: "LessonTexts", path: "docs/lessons", sources: ["LessonTexts.swift"],
                resources: lessons.flatMap { [.embedInCode($0 + ".md"), .embedInCode($0 + ".vi.md")] }),
        // The Keras-Python subset interpreter, Keras's exact model.summary() and the Keras
        // code generator; it reaches the shell only through `PythonHost`.
        .target(name: "KerasPython", dependencies: ["Models", "Layers", "Formats", "TensorCore", "Text"]),
        .target(name: "Shell", dependencies: ["KerasPython", "Models", "Layers", "Formats", "Plotting", "TensorCore", "Text", "LessonTexts"]),
        // readline's C globals (rl_line_buffer, the completion hooks) are shared mutable
        // state that Swift 6 mode rejects: this one small module uses Swift 5 mode.
        .target(name: "Terminal", dependencies: ["Shell", "TensorCore", "Text", "CReadline"],
                swiftSettings: [.swiftLanguageMode(.v5)]),
        .executableTarget(name: "layerlab", dependencies: [
            "Shell", "Terminal", "Formats", "TensorCore",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Fuzz targets (make fuzz); built normally it replays a corpus (docs/reliability.md).
        .executableTarget(name: "layerlab-fuzz", dependencies: ["Shell", "KerasPython", "Models", "Layers", "Formats", "TensorCore"],
                          swiftSettings: fuzzing ? [.define("FUZZING"), .unsafeFlags(["-parse-as-library"])] : []),
        // The benchmark of docs/performance.md (bench/conv.py runs it next to Keras).
        .executableTarget(name: "layerlab-bench", dependencies: [
            "Shell", "Models", "Layers", "TensorCore",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .target(name: "TestSupport", dependencies: ["Shell", "Models", "Layers", "Formats", "TensorCore"],
                path: "Tests/TestSupport"),
        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore", "TestSupport"]),
        .testTarget(name: "LayersTests", dependencies: ["Layers", "TestSupport"]),
        .testTarget(name: "ModelsTests", dependencies: ["Models", "TestSupport"]),
        .testTarget(name: "FormatsTests", dependencies: ["Formats", "TestSupport", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .testTarget(name: "ShellTests", dependencies: ["Shell", "KerasPython", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["layerlab", "TestSupport", "TensorCore", "Formats"]),
        .testTarget(name: "FuzzTests", dependencies: ["layerlab-fuzz", "TestSupport"]),
    ]
)
