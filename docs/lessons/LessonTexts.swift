// The lessons' Markdown files, embedded in the binary by SwiftPM (`.embedInCode` in
// Package.swift). The .md files next to this one are the single source of the texts.

/// The lesson names, in the order `lesson` lists them.
public let lessonOrder = ["layers", "shapes", "dense", "activations", "initializers", "regularizers", "constraints",
                          "merge", "embedding", "conv", "pooling"]

/// Each lesson's Markdown, as bytes.
public let lessonFiles: [(name: String, bytes: [UInt8])] = [
    ("layers", PackageResources.layers_md),
    ("shapes", PackageResources.shapes_md),
    ("dense", PackageResources.dense_md),
    ("activations", PackageResources.activations_md),
    ("initializers", PackageResources.initializers_md),
    ("regularizers", PackageResources.regularizers_md),
    ("constraints", PackageResources.constraints_md),
    ("merge", PackageResources.merge_md),
    ("embedding", PackageResources.embedding_md),
    ("conv", PackageResources.conv_md),
    ("pooling", PackageResources.pooling_md),
]
