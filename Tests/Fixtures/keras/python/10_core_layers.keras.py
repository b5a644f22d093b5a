import keras


model = keras.Sequential([
    keras.Input(shape=(10,), dtype='int32', name='input_layer'),
    keras.layers.Embedding(1000, 64, name='embedding_1'),
    keras.layers.Flatten(name='flatten_1'),
    keras.layers.Dense(32, name='dense'),
    keras.layers.RepeatVector(3, name='repeat_vector'),
    keras.layers.Activation('tanh', name='activation'),
], name='sequential_1')
model.summary()
