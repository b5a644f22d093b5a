import keras


a = keras.Input(shape=(16,), name='a')
b = keras.Input(shape=(8,), name='b')
left = keras.layers.Dense(8, activation='relu', name='left')(a)
right = keras.layers.Dense(8, activation='tanh', name='right')(b)
total = keras.layers.Add(name='total')([left, right])
both = keras.layers.Concatenate(name='both')([left, right, total])
hidden = keras.layers.Dense(6, activation='relu', name='hidden')(both)
sim = keras.layers.Dot(1, normalize=True, name='sim')([left, right])
out = keras.layers.Dense(2, activation='softmax', name='out')(hidden)
model = keras.Model(inputs=[a, b], outputs=[sim, out], name='functional')
model.summary()
