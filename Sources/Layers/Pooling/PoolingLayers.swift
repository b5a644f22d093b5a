import TensorCore

// The Keras pooling classes: each is a name over `Pooling` or `GlobalPooling`.

public struct MaxPooling1D: SharedLayer {
    public static let className = "MaxPooling1D"
    public var base: Pooling
    public init(base: Pooling) { self.base = base }
    public static let type = layerType(aliases: ["MaxPool1D", "max_pool1d"], positional: 1, summary: "1-D pooling: the maximum of each window (pool_size, default 2)",
                                       Pooling.parameters(.max, rank: 1)) { a, _ in
        try Pooling(.max, rank: 1, className: className, a)
    }
}

public struct AveragePooling1D: SharedLayer {
    public static let className = "AveragePooling1D"
    public var base: Pooling
    public init(base: Pooling) { self.base = base }
    public static let type = layerType(aliases: ["AvgPool1D", "avg_pool1d"], positional: 1, summary: "1-D pooling: the mean of each window (pool_size is required)",
                                       Pooling.parameters(.average, rank: 1)) { a, _ in
        try Pooling(.average, rank: 1, className: className, a)
    }
}

public struct MaxPooling2D: SharedLayer {
    public static let className = "MaxPooling2D"
    public var base: Pooling
    public init(base: Pooling) { self.base = base }
    public static let type = layerType(aliases: ["MaxPool2D", "max_pool2d"], positional: 1, summary: "2-D pooling: the maximum of each window (pool_size, default 2)",
                                       Pooling.parameters(.max, rank: 2)) { a, _ in
        try Pooling(.max, rank: 2, className: className, a)
    }
}

public struct AveragePooling2D: SharedLayer {
    public static let className = "AveragePooling2D"
    public var base: Pooling
    public init(base: Pooling) { self.base = base }
    public static let type = layerType(aliases: ["AvgPool2D", "avg_pool2d"], positional: 1, summary: "2-D pooling: the mean of each window (pool_size is required)",
                                       Pooling.parameters(.average, rank: 2)) { a, _ in
        try Pooling(.average, rank: 2, className: className, a)
    }
}

public struct MaxPooling3D: SharedLayer {
    public static let className = "MaxPooling3D"
    public var base: Pooling
    public init(base: Pooling) { self.base = base }
    public static let type = layerType(aliases: ["MaxPool3D", "max_pool3d"], positional: 1, summary: "3-D pooling: the maximum of each window (pool_size, default 2)",
                                       Pooling.parameters(.max, rank: 3)) { a, _ in
        try Pooling(.max, rank: 3, className: className, a)
    }
}

public struct AveragePooling3D: SharedLayer {
    public static let className = "AveragePooling3D"
    public var base: Pooling
    public init(base: Pooling) { self.base = base }
    public static let type = layerType(aliases: ["AvgPool3D", "avg_pool3d"], positional: 1, summary: "3-D pooling: the mean of each window (pool_size is required)",
                                       Pooling.parameters(.average, rank: 3)) { a, _ in
        try Pooling(.average, rank: 3, className: className, a)
    }
}

public struct GlobalMaxPooling1D: SharedLayer {
    public static let className = "GlobalMaxPooling1D"
    public var base: GlobalPooling
    public init(base: GlobalPooling) { self.base = base }
    public static let type = layerType(aliases: ["GlobalMaxPool1D", "global_max_pool1d"], positional: 0, summary: "1-D global pooling: the maximum over all positions, per channel",
                                       GlobalPooling.parameters) { a, _ in
        try GlobalPooling(.max, rank: 1, className: className, a)
    }
}

public struct GlobalAveragePooling1D: SharedLayer {
    public static let className = "GlobalAveragePooling1D"
    public var base: GlobalPooling
    public init(base: GlobalPooling) { self.base = base }
    public static let type = layerType(aliases: ["GlobalAvgPool1D", "global_avg_pool1d"], positional: 0, summary: "1-D global pooling: the mean over all positions, per channel",
                                       GlobalPooling.parameters) { a, _ in
        try GlobalPooling(.average, rank: 1, className: className, a)
    }
}

public struct GlobalMaxPooling2D: SharedLayer {
    public static let className = "GlobalMaxPooling2D"
    public var base: GlobalPooling
    public init(base: GlobalPooling) { self.base = base }
    public static let type = layerType(aliases: ["GlobalMaxPool2D", "global_max_pool2d"], positional: 0, summary: "2-D global pooling: the maximum over all positions, per channel",
                                       GlobalPooling.parameters) { a, _ in
        try GlobalPooling(.max, rank: 2, className: className, a)
    }
}

public struct GlobalAveragePooling2D: SharedLayer {
    public static let className = "GlobalAveragePooling2D"
    public var base: GlobalPooling
    public init(base: GlobalPooling) { self.base = base }
    public static let type = layerType(aliases: ["GlobalAvgPool2D", "global_avg_pool2d"], positional: 0, summary: "2-D global pooling: the mean over all positions, per channel",
                                       GlobalPooling.parameters) { a, _ in
        try GlobalPooling(.average, rank: 2, className: className, a)
    }
}

public struct GlobalMaxPooling3D: SharedLayer {
    public static let className = "GlobalMaxPooling3D"
    public var base: GlobalPooling
    public init(base: GlobalPooling) { self.base = base }
    public static let type = layerType(aliases: ["GlobalMaxPool3D", "global_max_pool3d"], positional: 0, summary: "3-D global pooling: the maximum over all positions, per channel",
                                       GlobalPooling.parameters) { a, _ in
        try GlobalPooling(.max, rank: 3, className: className, a)
    }
}

public struct GlobalAveragePooling3D: SharedLayer {
    public static let className = "GlobalAveragePooling3D"
    public var base: GlobalPooling
    public init(base: GlobalPooling) { self.base = base }
    public static let type = layerType(aliases: ["GlobalAvgPool3D", "global_avg_pool3d"], positional: 0, summary: "3-D global pooling: the mean over all positions, per channel",
                                       GlobalPooling.parameters) { a, _ in
        try GlobalPooling(.average, rank: 3, className: className, a)
    }
}
