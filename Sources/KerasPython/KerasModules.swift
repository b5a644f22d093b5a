import Layers
import TensorCore
import Text

/// Keras 3's public module layout (Keras 3.15.1, from `dir(module)`; the fixture
/// `Tests/Fixtures/keras/python/modules.json` holds the same lists and a test compares them).
/// An import is checked against these lists: a Keras name LayerLab lacks gives
/// "LayerLab does not have X yet"; a name Keras lacks gives Python's ImportError with a suggestion.
enum KerasModules {
    static let keras: [String] = ["DTypePolicy", "FloatDTypePolicy", "Function", "Initializer", "Input", "InputSpec", "KerasTensor", "Layer", "Loss", "Metric", "Model", "Operation", "Optimizer", "Quantizer", "Regularizer", "RematScope", "Sequential", "StatelessScope", "SymbolicScope", "Variable", "activations", "applications", "backend", "callbacks", "config", "constraints", "datasets", "device", "distillation", "distribution", "dtype_policies", "export", "initializers", "layers", "legacy", "losses", "metrics", "mixed_precision", "models", "name_scope", "ops", "optimizers", "preprocessing", "quantizers", "random", "regularizers", "remat", "saving", "src", "tree", "utils", "version", "visualization", "wrappers"]
    static let layers: [String] = ["Activation", "ActivityRegularization", "AdaptiveAveragePooling1D", "AdaptiveAveragePooling2D", "AdaptiveAveragePooling3D", "AdaptiveMaxPooling1D", "AdaptiveMaxPooling2D", "AdaptiveMaxPooling3D", "Add", "AdditiveAttention", "AlphaDropout", "Attention", "AugMix", "AutoContrast", "Average", "AveragePooling1D", "AveragePooling2D", "AveragePooling3D", "AvgPool1D", "AvgPool2D", "AvgPool3D", "BatchNormalization", "Bidirectional", "CategoryEncoding", "CenterCrop", "Concatenate", "ContrastLimitedAdaptiveHistogramEqualization", "Conv1D", "Conv1DTranspose", "Conv2D", "Conv2DTranspose", "Conv3D", "Conv3DTranspose", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D", "Convolution1D", "Convolution1DTranspose", "Convolution2D", "Convolution2DTranspose", "Convolution3D", "Convolution3DTranspose", "Cropping1D", "Cropping2D", "Cropping3D", "CutMix", "Dense", "DepthwiseConv1D", "DepthwiseConv2D", "Discretization", "Dot", "Dropout", "ELU", "EinsumDense", "Embedding", "Equalization", "Flatten", "FlaxLayer", "GRU", "GRUCell", "GaussianDropout", "GaussianNoise", "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D", "GlobalAvgPool1D", "GlobalAvgPool2D", "GlobalAvgPool3D", "GlobalMaxPool1D", "GlobalMaxPool2D", "GlobalMaxPool3D", "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D", "GroupNormalization", "GroupQueryAttention", "HashedCrossing", "Hashing", "Identity", "Input", "InputLayer", "InputSpec", "IntegerLookup", "JaxLayer", "LSTM", "LSTMCell", "Lambda", "Layer", "LayerNormalization", "LeakyReLU", "Masking", "MaxNumBoundingBoxes", "MaxPool1D", "MaxPool2D", "MaxPool3D", "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "Maximum", "MelSpectrogram", "Minimum", "MixUp", "MultiHeadAttention", "Multiply", "Normalization", "PReLU", "Permute", "Pipeline", "RMSNormalization", "RNN", "RandAugment", "RandomBrightness", "RandomColorDegeneration", "RandomColorJitter", "RandomContrast", "RandomCrop", "RandomElasticTransform", "RandomErasing", "RandomFlip", "RandomGaussianBlur", "RandomGrayscale", "RandomHue", "RandomInvert", "RandomPerspective", "RandomPosterization", "RandomRotation", "RandomSaturation", "RandomSharpness", "RandomShear", "RandomTranslation", "RandomZoom", "ReLU", "RepeatVector", "Rescaling", "Reshape", "Resizing", "ReversibleEmbedding", "STFTSpectrogram", "SeparableConv1D", "SeparableConv2D", "SeparableConvolution1D", "SeparableConvolution2D", "SimpleRNN", "SimpleRNNCell", "Softmax", "Solarization", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "SpectralNormalization", "StackedRNNCells", "StringLookup", "Subtract", "TFSMLayer", "TextVectorization", "TimeDistributed", "TorchModuleWrapper", "UnitNormalization", "UpSampling1D", "UpSampling2D", "UpSampling3D", "Wrapper", "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D", "add", "average", "concatenate", "deserialize", "dot", "maximum", "minimum", "multiply", "serialize", "subtract"]
    static let models: [String] = ["Model", "Sequential", "clone_model", "load_model", "model_from_json", "save_model"]
    static let initializers: [String] = ["Constant", "GlorotNormal", "GlorotUniform", "HeNormal", "HeUniform", "Identity", "IdentityInitializer", "Initializer", "LecunNormal", "LecunUniform", "Ones", "Orthogonal", "OrthogonalInitializer", "RandomNormal", "RandomUniform", "STFT", "STFTInitializer", "TruncatedNormal", "VarianceScaling", "Zeros", "constant", "deserialize", "get", "glorot_normal", "glorot_uniform", "he_normal", "he_uniform", "identity", "lecun_normal", "lecun_uniform", "ones", "orthogonal", "random_normal", "random_uniform", "serialize", "stft", "truncated_normal", "variance_scaling", "zeros"]
    static let regularizers: [String] = ["L1", "L1L2", "L2", "OrthogonalRegularizer", "Regularizer", "deserialize", "get", "l1", "l1_l2", "l2", "orthogonal_regularizer", "serialize"]
    static let constraints: [String] = ["Constraint", "MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm", "deserialize", "get", "max_norm", "min_max_norm", "non_neg", "serialize", "unit_norm"]
    static let activations: [String] = ["celu", "deserialize", "elu", "exponential", "gelu", "get", "glu", "hard_shrink", "hard_sigmoid", "hard_silu", "hard_swish", "hard_tanh", "leaky_relu", "linear", "log_sigmoid", "log_softmax", "mish", "relu", "relu6", "selu", "serialize", "sigmoid", "silu", "soft_shrink", "softmax", "softplus", "softsign", "sparse_plus", "sparse_sigmoid", "sparsemax", "squareplus", "swish", "tanh", "tanh_shrink", "threshold"]
    static let optimizers: [String] = ["Adadelta", "Adafactor", "Adagrad", "Adam", "AdamW", "Adamax", "Ftrl", "Lamb", "Lion", "LossScaleOptimizer", "MultiOptimizer", "Muon", "Nadam", "Optimizer", "OptimizerMap", "RMSprop", "SGD", "ScheduleFreeAdamW", "deserialize", "get", "legacy", "schedules", "serialize"]
    static let losses: [String] = ["BinaryCrossentropy", "BinaryFocalCrossentropy", "CTC", "CategoricalCrossentropy", "CategoricalFocalCrossentropy", "CategoricalGeneralizedCrossEntropy", "CategoricalHinge", "Circle", "CosineSimilarity", "Dice", "Hinge", "Huber", "KLDivergence", "LogCosh", "Loss", "MeanAbsoluteError", "MeanAbsolutePercentageError", "MeanSquaredError", "MeanSquaredLogarithmicError", "Poisson", "SparseCategoricalCrossentropy", "SquaredHinge", "Tversky", "binary_crossentropy", "binary_focal_crossentropy", "categorical_crossentropy", "categorical_focal_crossentropy", "categorical_generalized_cross_entropy", "categorical_hinge", "circle", "cosine_similarity", "ctc", "deserialize", "dice", "get", "hinge", "huber", "kl_divergence", "log_cosh", "mean_absolute_error", "mean_absolute_percentage_error", "mean_squared_error", "mean_squared_logarithmic_error", "poisson", "serialize", "sparse_categorical_crossentropy", "squared_hinge", "tversky"]
    static let schedules: [String] = ["CosineDecay", "CosineDecayRestarts", "ExponentialDecay", "InverseTimeDecay", "LearningRateSchedule", "PiecewiseConstantDecay", "PolynomialDecay", "deserialize", "serialize"]
    static let backend: [String] = ["backend", "clear_session", "epsilon", "floatx", "get_uid", "image_data_format", "is_float_dtype", "is_int_dtype", "is_keras_tensor", "result_type", "set_epsilon", "set_floatx", "set_image_data_format", "standardize_dtype"]

    /// The names of a Keras module, by its dotted path.
    static func names(of module: String) -> [String]? {
        switch module {
        case "keras": return keras
        case "keras.layers": return layers
        case "keras.models": return models
        case "keras.initializers": return initializers
        case "keras.regularizers": return regularizers
        case "keras.constraints": return constraints
        case "keras.activations": return activations
        case "keras.backend": return backend
        case "keras.optimizers": return optimizers
        case "keras.losses": return losses
        case "keras.optimizers.schedules": return schedules
        default: return nil
        }
    }

    /// Keras submodules LayerLab can import (their contents are checked by `resolve`).
    static let supportedModules = ["keras", "keras.layers", "keras.models", "keras.initializers", "keras.regularizers",
                                   "keras.constraints", "keras.activations", "keras.backend", "keras.ops", "keras.utils",
                                   "keras.optimizers", "keras.losses", "keras.optimizers.schedules",
                                   "numpy", "numpy.random"]

    /// What `module.name` is: a submodule, a function LayerLab implements, or an error
    /// that says whether Keras has it.
    static func resolve(_ module: String, _ name: String) throws -> PyObject {
        let qualified = module + "." + name
        if supportedModules.contains(qualified) { return .module(qualified) }
        switch module {
        case "numpy", "numpy.random":
            let functions = module == "numpy" ? ["zeros", "ones", "array", "load"] : ["rand", "randn", "normal", "uniform", "randint", "random", "random_sample", "seed"]
            if functions.contains(name) { return .function(qualified) }
            if module == "numpy", name == "random" { return .module("numpy.random") }
            throw LabError("LayerLab's numpy subset has no 'np\(qualified.dropFirst(5))'",
                           suggestion: "it has np.zeros, np.ones, np.array, np.random.rand, np.random.randn, np.random.normal, np.random.uniform, np.random.randint, np.random.random, np.random.seed")
        case "keras.utils":
            // Only plot_model; the module's other names are not listed here.
            if name == "plot_model" { return .function(qualified) }
            throw LabError("LayerLab does not have keras.utils.\(name) yet", suggestion: "it has keras.utils.plot_model")
        case "keras.ops":
            throw LabError("LayerLab does not run keras.ops.\(name) at the prompt",
                           suggestion: "inside a Lambda layer, write the expression: Lambda(lambda x: x * 2)")
        default: break
        }
        guard let names = names(of: module) else { throw LabError("LayerLab does not have \(module) yet") }
        if module == "keras.layers", removedLayers.contains(name) { return .function(qualified) }
        guard names.contains(name) else {
            throw LabError("module '\(module)' has no attribute '\(name)'",
                           suggestion: nearest(to: name, in: names).map { "did you mean '\($0)'?" } ?? "see docs/python.md for what LayerLab supports")
        }
        switch module {
        case "keras":
            if ["Sequential", "Model", "Input"].contains(name) { return .function("keras." + name) }
            if names.contains(name), name.first?.isLowercase == true { throw LabError("LayerLab does not have keras.\(name) yet") }
        case "keras.models":
            if ["Sequential", "Model"].contains(name) { return .function("keras." + name) }
        case "keras.layers":
            if name == "Input" { return .function("keras.Input") }
            if LayerType.registry.lookup(name) != nil { return .function(qualified) }
        case "keras.initializers":
            if InitializerType.registry.lookup(name) != nil { return .function(qualified) }
        case "keras.regularizers":
            if RegularizerType.registry.lookup(name) != nil { return .function(qualified) }
        case "keras.constraints":
            if ConstraintType.registry.lookup(name) != nil { return .function(qualified) }
        case "keras.activations":
            if Activation.registry.lookup(name) != nil { return .activation(Activation.registry.lookup(name)?.snakeName ?? name) }
        case "keras.backend":
            if name == "clear_session" { return .function(qualified) }
        case "keras.optimizers":
            if OptimizerType.registry.lookup(name) != nil, name.first?.isUppercase == true { return .function(qualified) }
        case "keras.losses":
            // The classes; a loss function by name (keras.losses.mse) is compile's string.
            if LossType.registry.lookup(name) != nil {
                return name.first?.isUppercase == true ? .function(qualified) : .string(name)
            }
        case "keras.optimizers.schedules":
            if LearningRateSchedule.registry.lookup(name) != nil { return .function(qualified) }
        default: break
        }
        throw LabError("LayerLab does not have \(qualified) yet", suggestion: "docs/python.md lists what it has")
    }

    /// Layers of Keras 2 that Keras 3 removed but LayerLab still has: they import, with a note.
    static let removedLayers = ["LocallyConnected1D", "LocallyConnected2D"]

    /// The one-line note printed when `module.name` is such a layer (nil otherwise).
    static func note(_ module: String, _ name: String) -> String? {
        guard module == "keras.layers", removedLayers.contains(name) else { return nil }
        return "note: Keras 3 removed \(name) (it was in Keras 2); LayerLab still has it, but Keras 3 will not run this code"
    }

    /// `import MODULE`: the module, if LayerLab can import it.
    static func importModule(_ module: String) throws -> PyObject {
        if supportedModules.contains(module) { return .module(module) }
        let root = module.split(separator: ".").first.map(String.init) ?? module
        if root == "tensorflow" || root == "tf_keras" {
            throw LabError("LayerLab follows Keras 3, not \(root)", suggestion: "write 'import keras' or 'from keras.layers import Dense'")
        }
        if root == "keras" {
            let parent = module.split(separator: ".").dropLast().joined(separator: ".")
            let last = module.split(separator: ".").last.map(String.init) ?? module
            if let names = names(of: parent), names.contains(last) { throw LabError("LayerLab does not have \(module) yet") }
            throw LabError("No module named '\(module)'",
                           suggestion: nearest(to: module, in: supportedModules).map { "did you mean '\($0)'?" } ?? "docs/python.md lists the modules LayerLab has")
        }
        throw LabError("LayerLab does not run the Python module '\(module)'",
                       suggestion: "it understands keras and numpy (as np); docs/python.md lists what it has")
    }

    /// `from MODULE import NAME`.
    static func importName(_ module: String, _ name: String) throws -> PyObject {
        guard supportedModules.contains(module) else { _ = try importModule(module); throw LabError("No module named '\(module)'") }
        do {
            return try resolve(module, name)
        } catch let e as LabError where e.message.hasPrefix("module '") {
            throw LabError("cannot import name '\(name)' from '\(module)'", suggestion: e.suggestion)
        }
    }
}
