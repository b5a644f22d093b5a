import keras
from math import e, pi
from keras.ops import *  # the functions Lambda expressions use


input_layer = keras.Input(shape=(4,), name='input_layer')
lambda_ = keras.layers.Lambda(lambda x: sqrt(abs(x)) * 2, name='lambda')(input_layer)
dense = keras.layers.Dense(3, activation='relu', name='dense')(lambda_)
dense_1 = keras.layers.Dense(3, name='dense_1')(input_layer)
subtract = keras.layers.Subtract(name='subtract')([dense, dense_1])
model = keras.Model(inputs=input_layer, outputs=subtract, name='functional')
model.summary()
