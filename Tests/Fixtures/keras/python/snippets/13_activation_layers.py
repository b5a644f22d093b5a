# The activation layers (MobileNetV2's ReLU(6.)) and the newer activation names.
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(16, 16, 3)),
    layers.Conv2D(8, 3, padding='same'),
    layers.ReLU(6.0),
    layers.DepthwiseConv2D(3),
    layers.ReLU(max_value=6, negative_slope=0.1, threshold=0.5),
    layers.PReLU(shared_axes=[1, 2]),
    layers.Conv2D(8, 1, activation='hard_swish'),
    layers.LeakyReLU(),
    layers.ELU(alpha=0.5),
    layers.GlobalAveragePooling2D(),
    layers.Dense(16, activation='gelu'),
    layers.Dense(16, activation='mish'),
    layers.Dense(10, activation='sparsemax'),
    layers.Softmax(),
])
model.summary()
