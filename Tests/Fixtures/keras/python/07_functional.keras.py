import keras


input_layer = keras.Input(shape=(784,), name='input_layer')
dense = keras.layers.Dense(64, activation='relu', name='dense')(input_layer)
dense_1 = keras.layers.Dense(64, activation='relu', name='dense_1')(dense)
dense_2 = keras.layers.Dense(10, activation='softmax', name='dense_2')(dense_1)
model = keras.Model(inputs=input_layer, outputs=dense_2, name='functional')
model.summary()
