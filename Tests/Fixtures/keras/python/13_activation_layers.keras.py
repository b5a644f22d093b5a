import keras


model = keras.Sequential([
    keras.Input(shape=(16, 16, 3), name='input_layer'),
    keras.layers.Conv2D(8, (3, 3), padding='same', name='conv2d'),
    keras.layers.ReLU(max_value=6.0, name='re_lu'),
    keras.layers.DepthwiseConv2D((3, 3), name='depthwise_conv2d'),
    keras.layers.ReLU(max_value=6, negative_slope=0.1, threshold=0.5, name='re_lu_1'),
    keras.layers.PReLU(shared_axes=(1, 2), name='p_re_lu'),
    keras.layers.Conv2D(8, (1, 1), activation='hard_silu', name='conv2d_1'),
    keras.layers.LeakyReLU(name='leaky_re_lu'),
    keras.layers.ELU(alpha=0.5, name='elu'),
    keras.layers.GlobalAveragePooling2D(name='global_average_pooling2d'),
    keras.layers.Dense(16, activation='gelu', name='dense'),
    keras.layers.Dense(16, activation='mish', name='dense_1'),
    keras.layers.Dense(10, activation='sparsemax', name='dense_2'),
    keras.layers.Softmax(name='softmax'),
], name='sequential')
model.summary()
