import keras


model = keras.Sequential([
    keras.Input(shape=(12, 12, 3), name='input_layer'),
    keras.layers.Conv2D(8, (3, 3), activation='relu', name='conv2d'),
    keras.layers.MaxPooling2D(name='max_pooling2d'),
    keras.layers.Conv2D(6, (3, 3), padding='same', name='conv2d_1'),
    keras.layers.AveragePooling2D((2, 2), padding='same', name='average_pooling2d'),
    keras.layers.SeparableConv2D(4, (2, 2), name='separable_conv2d'),
    keras.layers.DepthwiseConv2D((2, 2), depth_multiplier=2, name='depthwise_conv2d'),
    keras.layers.Conv2DTranspose(3, (2, 2), strides=(2, 2), name='conv2d_transpose'),
    keras.layers.GlobalAveragePooling2D(name='global_average_pooling2d'),
    keras.layers.Dense(2, name='dense'),
], name='sequential')
model.summary()
# The weights LayerLab drew, saved beside this script ('export python … --weights').
import os
import numpy as np
weights = np.load(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'cnn_export.weights.npz'))
for layer in model.layers:
    if layer.weights:
        layer.set_weights([weights[f"{layer.name}/{w.name}"] for w in layer.weights])
