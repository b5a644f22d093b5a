import keras


model = keras.Sequential([
    keras.Input(shape=(16,), name='input_layer'),
    keras.layers.Dense(32, name='dense'),
    keras.layers.Dense(32, name='dense_1'),
    keras.layers.Dense(8, activation='relu', use_bias=False, name='dense_2'),
], name='sequential')
model.summary()
