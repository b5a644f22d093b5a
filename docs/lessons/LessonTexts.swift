// The lessons' Markdown files, embedded in the binary by SwiftPM (`.embedInCode` in
// Package.swift). The .md files next to this one are the single source of the texts:
// NAME.md in English, NAME.vi.md in Vietnamese.

/// The lesson names, in the order `lesson` lists them.
public let lessonOrder = ["layers", "shapes", "permute", "repeatvector", "dense", "activations",
                          "initializers", "regularizers", "constraints", "dropout", "merge", "lambda",
                          "embedding", "conv", "locallyconnected", "pooling", "playground", "symmetry",
                          "vanishing", "he-vs-glorot", "l2", "max-norm", "dropout-fit"]

/// Each lesson's Markdown in each language, as bytes.
public let lessonFiles: [(name: String, language: String, bytes: [UInt8])] = [
    ("layers", "en", PackageResources.layers_md), ("layers", "vi", PackageResources.layers_vi_md),
    ("shapes", "en", PackageResources.shapes_md), ("shapes", "vi", PackageResources.shapes_vi_md),
    ("permute", "en", PackageResources.permute_md), ("permute", "vi", PackageResources.permute_vi_md),
    ("repeatvector", "en", PackageResources.repeatvector_md), ("repeatvector", "vi", PackageResources.repeatvector_vi_md),
    ("dense", "en", PackageResources.dense_md), ("dense", "vi", PackageResources.dense_vi_md),
    ("activations", "en", PackageResources.activations_md), ("activations", "vi", PackageResources.activations_vi_md),
    ("initializers", "en", PackageResources.initializers_md), ("initializers", "vi", PackageResources.initializers_vi_md),
    ("regularizers", "en", PackageResources.regularizers_md), ("regularizers", "vi", PackageResources.regularizers_vi_md),
    ("constraints", "en", PackageResources.constraints_md), ("constraints", "vi", PackageResources.constraints_vi_md),
    ("dropout", "en", PackageResources.dropout_md), ("dropout", "vi", PackageResources.dropout_vi_md),
    ("merge", "en", PackageResources.merge_md), ("merge", "vi", PackageResources.merge_vi_md),
    ("lambda", "en", PackageResources.lambda_md), ("lambda", "vi", PackageResources.lambda_vi_md),
    ("embedding", "en", PackageResources.embedding_md), ("embedding", "vi", PackageResources.embedding_vi_md),
    ("conv", "en", PackageResources.conv_md), ("conv", "vi", PackageResources.conv_vi_md),
    ("locallyconnected", "en", PackageResources.locallyconnected_md), ("locallyconnected", "vi", PackageResources.locallyconnected_vi_md),
    ("pooling", "en", PackageResources.pooling_md), ("pooling", "vi", PackageResources.pooling_vi_md),
    ("playground", "en", PackageResources.playground_md), ("playground", "vi", PackageResources.playground_vi_md),
    ("symmetry", "en", PackageResources.symmetry_md), ("symmetry", "vi", PackageResources.symmetry_vi_md),
    ("vanishing", "en", PackageResources.vanishing_md), ("vanishing", "vi", PackageResources.vanishing_vi_md),
    ("he-vs-glorot", "en", PackageResources.he_vs_glorot_md), ("he-vs-glorot", "vi", PackageResources.he_vs_glorot_vi_md),
    ("l2", "en", PackageResources.l2_md), ("l2", "vi", PackageResources.l2_vi_md),
    ("max-norm", "en", PackageResources.max_norm_md), ("max-norm", "vi", PackageResources.max_norm_vi_md),
    ("dropout-fit", "en", PackageResources.dropout_fit_md), ("dropout-fit", "vi", PackageResources.dropout_fit_vi_md),
]
