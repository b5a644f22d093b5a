# A Lambda layer written as a Python lambda over keras.ops, in a functional model.
import keras
from keras import layers, ops

inp = keras.Input(shape=(4,))
x = layers.Lambda(lambda x: ops.sqrt(ops.abs(x)) * 2)(inp)
y = layers.Dense(3, activation=keras.activations.relu)(x)
z = layers.Dense(3)(inp)
out = layers.Subtract()([y, z])
model = keras.Model(inp, out)
model.summary()
