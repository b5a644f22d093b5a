import keras
from math import e, pi
from keras.ops import *  # the functions Lambda expressions use


model = keras.Sequential([
    keras.Input(shape=(6, 4), name='input_layer'),
    keras.layers.Dropout(0.25, noise_shape=(None, 1, 4), seed=3, name='dropout'),
    keras.layers.Flatten(name='flatten'),
    keras.layers.Dense(12, activation='tanh', use_bias=False, kernel_regularizer=keras.regularizers.L2(), activity_regularizer=keras.regularizers.L1(l1=0.0010000000474974513), name='dense'),
    keras.layers.Reshape((3, 4), name='reshape'),
    keras.layers.Permute((2, 1), name='permute'),
    keras.layers.Lambda(lambda x: x * 2 + 1, name='lambda'),
    keras.layers.Flatten(name='flatten_1'),
    keras.layers.RepeatVector(2, name='repeat_vector'),
    keras.layers.Activation('softmax', name='activation'),
], name='sequential')
model.summary()
