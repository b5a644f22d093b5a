import keras


model = keras.Sequential([
    keras.Input(shape=(784,), name='input_layer'),
    keras.layers.Dense(512, activation='relu', kernel_initializer=keras.initializers.RandomNormal(), name='dense'),
], name='sequential')
model.summary()
