# Two inputs, merge layers and two outputs.
import keras
from keras import layers

a = keras.Input(shape=(16,), name='a')
b = keras.Input(shape=(8,), name='b')
left = layers.Dense(8, activation='relu', name='left')(a)
right = layers.Dense(8, activation='tanh', name='right')(b)
total = layers.Add(name='total')([left, right])
both = layers.concatenate([left, right, total])
hidden = layers.Dense(6, activation='relu')(both)
sim = layers.Dot(axes=1, normalize=True)([left, right])
out = layers.Dense(2, activation='softmax', name='out')(hidden)
model = keras.Model(inputs=[a, b], outputs=[out, sim], name='two_towers')
model.summary()
