import keras


model = keras.Sequential([
    keras.Input(shape=(10,), name='input_layer_1'),
    keras.layers.Dense(4, name='dense_2'),
    keras.layers.Reshape((2, 2), name='reshape'),
    keras.layers.Permute((2, 1), name='permute'),
], name='second')
model.summary()
