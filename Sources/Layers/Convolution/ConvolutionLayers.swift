import TensorCore

// The Keras convolution classes: each is a name over the one `Convolution`.

public struct Conv1D: SharedLayer {
    public static let className = "Conv1D"
    public var base: Convolution
    public init(base: Convolution) { self.base = base }
    public static let type = layerType(aliases: ["Convolution1D", "convolution1d"], positional: 2, summary: "1-D convolution: filters sliding along one axis (padding valid/same/causal)",
                                       Convolution.parameters(.standard, rank: 1)) { a, seeds in
        try Convolution(.standard, rank: 1, className: className, a, seeds: &seeds)
    }
}

public struct Conv2D: SharedLayer {
    public static let className = "Conv2D"
    public var base: Convolution
    public init(base: Convolution) { self.base = base }
    public static let type = layerType(aliases: ["Convolution2D", "convolution2d"], positional: 2, summary: "2-D convolution: filters of kh×kw sliding over rows and columns",
                                       Convolution.parameters(.standard, rank: 2)) { a, seeds in
        try Convolution(.standard, rank: 2, className: className, a, seeds: &seeds)
    }
}

public struct Conv3D: SharedLayer {
    public static let className = "Conv3D"
    public var base: Convolution
    public init(base: Convolution) { self.base = base }
    public static let type = layerType(aliases: ["Convolution3D", "convolution3d"], positional: 2, summary: "3-D convolution over three spatial axes",
                                       Convolution.parameters(.standard, rank: 3)) { a, seeds in
        try Convolution(.standard, rank: 3, className: className, a, seeds: &seeds)
    }
}

public struct Conv1DTranspose: SharedLayer {
    public static let className = "Conv1DTranspose"
    public var base: Convolution
    public init(base: Convolution) { self.base = base }
    public static let type = layerType(aliases: ["Convolution1DTranspose", "convolution1d_transpose"], positional: 2, summary: "transposed 1-D convolution (upsampling), output_padding",
                                       Convolution.parameters(.transpose, rank: 1)) { a, seeds in
        try Convolution(.transpose, rank: 1, className: className, a, seeds: &seeds)
    }
}

public struct Conv2DTranspose: SharedLayer {
    public static let className = "Conv2DTranspose"
    public var base: Convolution
    public init(base: Convolution) { self.base = base }
    public static let type = layerType(aliases: ["Convolution2DTranspose", "convolution2d_transpose"], positional: 2, summary: "transposed 2-D convolution (upsampling), output_padding",
                                       Convolution.parameters(.transpose, rank: 2)) { a, seeds in
        try Convolution(.transpose, rank: 2, className: className, a, seeds: &seeds)
    }
}

public struct Conv3DTranspose: SharedLayer {
    public static let className = "Conv3DTranspose"
    public var base: Convolution
    public init(base: Convolution) { self.base = base }
    public static let type = layerType(aliases: ["Convolution3DTranspose", "convolution3d_transpose"], positional: 2, summary: "transposed 3-D convolution (upsampling), output_padding",
                                       Convolution.parameters(.transpose, rank: 3)) { a, seeds in
        try Convolution(.transpose, rank: 3, className: className, a, seeds: &seeds)
    }
}

public struct SeparableConv1D: SharedLayer {
    public static let className = "SeparableConv1D"
    public var base: Convolution
    public init(base: Convolution) { self.base = base }
    public static let type = layerType(aliases: ["SeparableConvolution1D", "separable_convolution1d"], positional: 2, summary: "depthwise 1-D convolution then a pointwise (1×1) convolution",
                                       Convolution.parameters(.separable, rank: 1)) { a, seeds in
        try Convolution(.separable, rank: 1, className: className, a, seeds: &seeds)
    }
}

public struct SeparableConv2D: SharedLayer {
    public static let className = "SeparableConv2D"
    public var base: Convolution
    public init(base: Convolution) { self.base = base }
    public static let type = layerType(aliases: ["SeparableConvolution2D", "separable_convolution2d"], positional: 2, summary: "depthwise 2-D convolution then a pointwise (1×1) convolution",
                                       Convolution.parameters(.separable, rank: 2)) { a, seeds in
        try Convolution(.separable, rank: 2, className: className, a, seeds: &seeds)
    }
}

public struct DepthwiseConv1D: SharedLayer {
    public static let className = "DepthwiseConv1D"
    public var base: Convolution
    public init(base: Convolution) { self.base = base }
    public static let type = layerType(aliases: [], positional: 1, summary: "one 1-D filter per input channel (depth_multiplier outputs each)",
                                       Convolution.parameters(.depthwise, rank: 1)) { a, seeds in
        try Convolution(.depthwise, rank: 1, className: className, a, seeds: &seeds)
    }
}

public struct DepthwiseConv2D: SharedLayer {
    public static let className = "DepthwiseConv2D"
    public var base: Convolution
    public init(base: Convolution) { self.base = base }
    public static let type = layerType(aliases: [], positional: 1, summary: "one 2-D filter per input channel (depth_multiplier outputs each)",
                                       Convolution.parameters(.depthwise, rank: 2)) { a, seeds in
        try Convolution(.depthwise, rank: 2, className: className, a, seeds: &seeds)
    }
}
