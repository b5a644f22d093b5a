import keras


a = keras.Input(shape=(16,), name='a')
b = keras.Input(shape=(8,), name='b')
left = keras.layers.Dense(8, activation='relu', name='left')(a)
right = keras.layers.Dense(8, activation='tanh', name='right')(b)
total = keras.layers.Add(name='total')([left, right])
concatenate = keras.layers.Concatenate(name='concatenate')([left, right, total])
dense = keras.layers.Dense(6, activation='relu', name='dense')(concatenate)
dot = keras.layers.Dot(1, normalize=True, name='dot')([left, right])
out = keras.layers.Dense(2, activation='softmax', name='out')(dense)
model = keras.Model(inputs=[a, b], outputs=[out, dot], name='two_towers')
model.summary()
