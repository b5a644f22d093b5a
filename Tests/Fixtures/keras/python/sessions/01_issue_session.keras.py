import keras


model = keras.Sequential([
    keras.Input(shape=(16,), name='input_layer'),
    keras.layers.Dense(32, activation='relu', kernel_initializer=keras.initializers.HeUniform(), name='dense'),
    keras.layers.Dense(16, activation='relu', name='dense_1'),
    keras.layers.Dense(8, name='dense_2'),
], name='sequential')
model.summary()
